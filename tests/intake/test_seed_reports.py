"""The two EMG reports, as text, as DOCX and as PDF, extract to the facts the record holds.

Each test compares the extraction with the rows ``load_emg_record`` made from the same report
and lists every difference in its failure message.
"""

from collections import Counter
from collections.abc import Callable

import pytest

from intake.extraction import Extraction, report_extract
from intake.matching import Matcher
from intake.reading import report_read
from intake.text import similarity
from meetings.models import AgendaItem, Attendance, Document, Intervention, Meeting
from tests.intake.reports import SOM28_MID_TERM, SOM29_MID_TERM, docx_of, pdf_of
from workstreams.models import ProgressUpdate, Proposal

pytestmark = pytest.mark.usefixtures("record")

FORMATS: dict[str, Callable[[str], tuple[bytes, str]]] = {
    "txt": lambda text: (text.encode(), "txt"),
    "docx": lambda text: (docx_of(text), "docx"),
    "pdf": lambda text: (pdf_of(text), "pdf"),
}
# Workstreams the record reads from a section's prose, not from a heading or the agenda: the
# SOM28 mid-term report mentions them inside section 2(f). The intake reads structure only.
FROM_PROSE = {"model-approach-working-group", "monitoring-reporting-working-group"}


def _extracted(path, file_format: str) -> Extraction:
    data, suffix = FORMATS[file_format](path.read_text(encoding="utf-8"))
    return report_extract(report_read(data, suffix))


def _differences(label: str, extracted: object, recorded: object) -> list[str]:
    return (
        [] if extracted == recorded else [f"{label}: extracted {extracted!r}, record {recorded!r}"]
    )


def _check(differences: list[str]) -> None:
    assert not differences, "\n".join(differences)


def _entity_key(matcher: Matcher, written: str) -> str | None:
    match = matcher.entity(written)
    return match.key or (match.candidates[0].key if match.candidates else None)


@pytest.fixture(params=sorted(FORMATS))
def som28(request: pytest.FixtureRequest) -> Extraction:
    return _extracted(SOM28_MID_TERM, request.param)


@pytest.fixture(params=sorted(FORMATS))
def som29(request: pytest.FixtureRequest) -> Extraction:
    return _extracted(SOM29_MID_TERM, request.param)


def test_som28_mid_term_meeting(som28: Extraction) -> None:
    meeting = Meeting.objects.get(slug="som28-mid-term")
    facts = som28.meeting
    _check(
        [
            *_differences("title", facts.title, meeting.title),
            *_differences("SOM number", facts.som_number, meeting.som_number),
            *_differences("segment", facts.segment, meeting.segment),
            *_differences("date", facts.date, meeting.date),
            *_differences("start", facts.start_time, meeting.start_time),
            *_differences("end", facts.end_time, meeting.end_time),
            *_differences("time zone", facts.time_zone, meeting.time_zone),
            *_differences("time zone as written", facts.time_zone_as_written, "CEST"),
            *_differences("format", facts.format, meeting.format),
            *_differences("venue", facts.venue, meeting.venue),
            *_differences("opened by", facts.opened_by, getattr(meeting.opened_by, "name", None)),
            *_differences("chair", facts.chair, ""),
        ]
    )


def test_som28_mid_term_agenda(som28: Extraction) -> None:
    matcher = Matcher()
    recorded = {
        item.number or item.title: item
        for item in AgendaItem.objects.filter(meeting__slug="som28-mid-term")
    }
    extracted = {item.number or item.title: item for item in som28.agenda}
    differences = _differences("agenda numbers", sorted(extracted), sorted(recorded))
    for key in sorted(set(extracted) & set(recorded)):
        item, row = extracted[key], recorded[key]
        differences += _differences(f"{key} title", item.title, row.title)
        differences += _differences(
            f"{key} parent", item.parent, row.parent.number if row.parent else ""
        )
        differences += _differences(f"{key} time", item.start_time, row.start_time)
        entity = _entity_key(matcher, item.entity) if item.entity else None
        differences += _differences(
            f"{key} presenting entity",
            entity,
            str(row.presenter_entity_id) if row.presenter_entity_id else None,
        )
    _check(differences)


def test_som28_mid_term_documents(som28: Extraction) -> None:
    recorded = {
        (d.number, d.symbol, d.title)
        for d in Document.objects.filter(meeting__slug="som28-mid-term")
    }
    extracted = {(d.number, d.symbol, d.title) for d in som28.documents}
    _check(_differences("documents", sorted(extracted), sorted(recorded)))


def test_som28_mid_term_presenters(som28: Extraction) -> None:
    """Every presenter and entity: each section's workstream, who presented it, for whom."""
    matcher = Matcher()
    recorded = {
        update.workstream.slug: (
            update.presenter.name if update.presenter else "",
            str(update.entity_id),
        )
        for update in ProgressUpdate.objects.filter(meeting__slug="som28-mid-term").select_related(
            "workstream", "presenter"
        )
        if update.workstream.slug not in FROM_PROSE
    }
    extracted = {}
    for presentation in som28.presentations:
        match = matcher.workstream(presentation.workstream)
        slug = match.key or (
            match.candidates[0].key if match.candidates else presentation.workstream
        )
        extracted[slug] = (presentation.presenter, _entity_key(matcher, presentation.entity))
    _check(_differences("presenters", extracted, recorded))


def test_som28_mid_term_concept_notes(som28: Extraction) -> None:
    matcher = Matcher()
    recorded = list(
        Proposal.objects.filter(meeting__slug="som28-mid-term", kind="concept_note")
        .select_related("presenter")
        .order_by("position")
    )
    differences = _differences("concept notes", len(som28.proposals), len(recorded))
    for proposal, row in zip(som28.proposals, recorded, strict=False):
        if similarity(proposal.title, row.title) < 0.85:
            differences.append(f"title: extracted {proposal.title!r}, record {row.title!r}")
        differences += _differences(
            f"{row.title} presenter", proposal.presenter, getattr(row.presenter, "name", None)
        )
        differences += _differences(
            f"{row.title} entity", _entity_key(matcher, proposal.entity), str(row.entity_id)
        )
        differences += _differences(
            f"{row.title} agenda item",
            proposal.agenda_item,
            getattr(row.agenda_item, "number", None),
        )
    _check(differences)


def test_som28_mid_term_interventions(som28: Extraction) -> None:
    """Each intervention's entity, agenda item and kind (from the floor, or a response)."""
    matcher = Matcher()
    recorded: Counter[tuple[str | None, str, str]] = Counter(
        (str(row.entity_id), row.agenda_item.number if row.agenda_item else "", row.kind)
        for row in Intervention.objects.filter(meeting__slug="som28-mid-term").select_related(
            "agenda_item"
        )
    )
    extracted = Counter(
        (_entity_key(matcher, i.entity), i.agenda_item, i.kind) for i in som28.interventions
    )
    _check(
        [
            *(f"extracted, not in the record: {k} ×{n}" for k, n in (extracted - recorded).items()),
            *(f"in the record, not extracted: {k} ×{n}" for k, n in (recorded - extracted).items()),
        ]
    )


def test_som28_mid_term_participants(som28: Extraction) -> None:
    """All 103, numbered, named and with their entity exactly as written, blank where blank."""
    recorded: list[tuple[int | None, str, str]] = [
        (a.list_number, a.person.name, a.listed_affiliation)
        for a in Attendance.objects.filter(meeting__slug="som28-mid-term")
        .select_related("person")
        .order_by("list_number")
    ]
    extracted: list[tuple[int | None, str, str]] = [
        (p.number, p.name, p.entity) for p in som28.participants
    ]
    assert len(extracted) == 103
    missing = sorted(set(recorded) - set(extracted))
    extra = sorted(set(extracted) - set(recorded))
    _check(
        [
            *(f"not extracted: {row}" for row in missing),
            *(f"not in the record: {row}" for row in extra),
        ]
    )
    assert [p.name for p in som28.participants if not p.entity] == [
        "Alejandro Luque",
        "Eduardo Riera",
        "Emanuele Brancati",
        "Matilda Dunn",
    ]


def test_som29_midterm(som29: Extraction) -> None:
    """The chair, the 33 entities and the seven ongoing workstreams."""
    meeting = Meeting.objects.get(slug="som29-mid-term")
    matcher = Matcher()
    recorded = sorted(
        ProgressUpdate.objects.filter(meeting=meeting).values_list("workstream__slug", flat=True)
    )
    listed = sorted(str(matcher.workstream(p.workstream).key) for p in som29.presentations)
    _check(
        [
            *_differences("chair", som29.meeting.chair, getattr(meeting.chair, "name", None)),
            *_differences(
                "entities present",
                som29.meeting.reported_entity_count,
                meeting.reported_entity_count,
            ),
            *_differences(
                "lists every ongoing workstream", som29.meeting.lists_ongoing_workstreams, True
            ),
            *_differences("ongoing workstreams", listed, recorded),
            *_differences("all listed", all(p.listed for p in som29.presentations), True),
            *_differences("date", som29.meeting.date, meeting.date),
            *_differences("start", som29.meeting.start_time, meeting.start_time),
            *_differences("venue", som29.meeting.venue, meeting.venue),
            *_differences(
                "agenda",
                [(a.number, a.title) for a in som29.agenda],
                list(meeting.agenda_items.order_by("position").values_list("number", "title")),
            ),
        ]
    )
