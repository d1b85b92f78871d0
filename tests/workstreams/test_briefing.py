"""The briefing pack: a meeting's published progress updates as a DOCX, a PDF and a CSV."""

import csv
import importlib.util
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from django.conf import settings
from django.utils import timezone

from meetings.models import Document, Meeting, Person
from tests.factories import ProgressUpdateFactory, grow_record
from workstreams.briefing import DOCX_TEMPLATE, BriefingPack, briefing_pack_build
from workstreams.models import Decision, ProgressUpdate, Workstream
from workstreams.services.mandates import workstream_mandate_refresh

pytestmark = pytest.mark.usefixtures("record")

EMPTY = "No progress update has been published for this meeting."
MEETINGS = ["som27", "som28-mid-term", "som28", "som29-mid-term", "som29-technical", "som29-senior"]
# Documents, published updates, meetings; workstreams, their leads, decisions and timeline
# entries; the record's clock (latest meeting with a record, next SOM: four on the record, which
# has no SOM to come); the workstreams whose mandate runs to a named SOM; "Since the last
# meeting": the meeting before, and the changes' nine (tests/workstreams/test_changes.py, less
# the page's list of meetings).
QUERIES = 21


def _flat(text: str) -> str:
    """Whitespace and line wraps collapsed, so that a long title reads whole."""
    return " ".join(text.split())


def _pdf_text(pdf: bytes, *pages: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", *pages, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return _flat(result.stdout.decode())


def _docx(pack: BriefingPack) -> Any:
    return docx.Document(io.BytesIO(pack.docx))


def _docx_text(pack: BriefingPack) -> str:
    document = _docx(pack)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return _flat(" ".join([p.text for p in document.paragraphs] + cells))


def _csv_rows(pack: BriefingPack) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(pack.csv.decode()))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _build(slug: str, **kwargs: Any) -> BriefingPack:
    return briefing_pack_build(meeting=Meeting.objects.get(slug=slug), **kwargs)


def _som28_updates() -> list[ProgressUpdate]:
    """SOM28 mid-term's published updates in agenda order, then by title."""
    updates = ProgressUpdate.objects.published().filter(meeting__slug="som28-mid-term")
    updates = updates.select_related("workstream", "presenter", "agenda_item")
    return sorted(
        updates, key=lambda u: (u.agenda_item.position if u.agenda_item else 0, u.workstream.title)
    )


def _update(**kwargs: Any) -> ProgressUpdate:
    """An update at SOM29's senior segment, in draft unless told otherwise."""
    return ProgressUpdateFactory.create(**kwargs)


def _publish_at_som29_senior(workstream: Workstream, **kwargs: Any) -> ProgressUpdate:
    return _update(
        workstream=workstream,
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
        **kwargs,
    )


@pytest.fixture
def som28() -> BriefingPack:
    return _build("som28-mid-term")


# SOM28 mid-term: fourteen published updates (issue 14 added two) ---------------------------------


def test_som28_pack_covers_its_fourteen_published_updates(som28: BriefingPack) -> None:
    assert len(_som28_updates()) == 14
    assert som28.sections == 14
    assert som28.meeting.slug == "som28-mid-term"
    assert som28.pdf.startswith(b"%PDF-")
    assert som28.docx.startswith(b"PK")


def test_pdf_cover_names_the_meeting_its_date_time_venue_and_symbol(som28: BriefingPack) -> None:
    cover = _pdf_text(som28.pdf, "-f", "1", "-l", "1")
    assert "Mid-Term Technical Segment of the 28th Senior Officials Meeting" in cover
    assert "SOM28 mid-term" in cover
    assert "18 May 2022" in cover
    assert "15:00–17:00 CEST (Europe/Zurich)" in cover
    assert "Virtual, MS Teams" in cover
    # The progress report of SOM28 mid-term has no symbol: the agenda's stands for the meeting.
    assert "EMG SOM28/mid-term/02" in cover
    assert "Generated 20" in cover
    assert "UTC" in cover
    assert "Meriem Bouamrane" not in cover


def test_pdf_has_every_presenting_workstream_and_presenter_in_agenda_order(
    som28: BriefingPack,
) -> None:
    text = _pdf_text(som28.pdf)
    updates = _som28_updates()
    presenting = [u for u in updates if u.presenter]
    assert len(presenting) == 12
    for update in presenting:
        assert update.workstream.title in text
        assert update.presenter is not None
        assert update.presenter.name in text
    # Each section opens with its heading, then its agenda item (a summary may name another).
    positions = [text.index(f"{u.workstream.title} Agenda item") for u in updates]
    assert positions == sorted(positions)
    assert "Meriem Bouamrane (UNESCO)" in text
    assert "Agenda item: 3(a)" in text
    assert "● Active" in text
    assert "Source: SOM28 mid-term Meeting Report, section 2(b)" in text
    assert "Status across meetings" in text


def test_docx_has_the_cover_every_section_and_the_status_table(som28: BriefingPack) -> None:
    document = _docx(som28)
    updates = _som28_updates()
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [u.workstream.title for u in updates]
    text = _docx_text(som28)
    for phrase in ["SOM28 mid-term", "18 May 2022", "EMG SOM28/mid-term/02", "Generated 20"]:
        assert phrase in text
    for update in updates:
        if update.presenter:
            assert update.presenter.name in text
    assert document.paragraphs[2].style.name == "Title"

    table = document.tables[-1]
    header = [c.text.split("\n")[0] for c in table.rows[0].cells]
    assert header == ["Workstream", *(m.short_label for m in Meeting.objects.for_timeline())]
    assert header[1:4] == ["SOM27", "SOM28 mid-term", "SOM28"]
    assert len(table.rows) == 1 + 14
    biodiversity = next(
        [c.text for c in row.cells]
        for row in table.rows
        if row.cells[0].text == "Issue Management Group on Biodiversity"
    )
    assert biodiversity[1:] == [
        "Established",
        "Active",
        "no record",
        "Active",
        "no record",
        "no record",
    ]


def test_csv_has_a_row_a_workstream_and_a_column_a_meeting(som28: BriefingPack) -> None:
    fieldnames, rows = _csv_rows(som28)
    assert fieldnames == ["workstream", "title", *MEETINGS]
    assert len(rows) == 14
    assert [r["workstream"] for r in rows] == [u.workstream.slug for u in _som28_updates()]
    biodiversity = next(r for r in rows if r["workstream"] == "img-biodiversity")
    assert biodiversity == {
        "workstream": "img-biodiversity",
        "title": "Issue Management Group on Biodiversity",
        "som27": "established",
        "som28-mid-term": "active",
        "som28": "",
        "som29-mid-term": "active",
        "som29-technical": "",
        "som29-senior": "",
    }


def test_progress_is_reported_after_each_section() -> None:
    calls: list[tuple[int, int]] = []
    pack = _build("som28-mid-term", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 14) for n in range(1, 15)]
    assert pack.sections == 14


# The document symbol ---------------------------------------------------------------------------


def test_a_progress_report_symbol_comes_before_the_agenda_symbol() -> None:
    pack = _build("som29-mid-term")
    assert pack.sections == 7
    assert "EMGSOM29/midterm/02" in _pdf_text(pack.pdf, "-f", "1", "-l", "1")
    assert "Expected to continue in: 2024" in _pdf_text(pack.pdf)

    som28 = Meeting.objects.get(slug="som28-mid-term")
    som28.documents.filter(kind=Document.Kind.PROGRESS_REPORT).update(
        symbol="EMG SOM28/mid-term/03"
    )
    cover = _pdf_text(_build("som28-mid-term").pdf, "-f", "1", "-l", "1")
    assert "EMG SOM28/mid-term/03" in cover
    assert "EMG SOM28/mid-term/02" not in cover


def test_a_meeting_without_a_symbol_says_so() -> None:
    pack = _build("som29-senior")
    assert "No symbol assigned" in _pdf_text(pack.pdf, "-f", "1", "-l", "1")
    assert "No symbol assigned" in _docx_text(pack)


# Drafts and empty packs ------------------------------------------------------------------------


def test_drafts_and_submitted_updates_are_never_included() -> None:
    draft = _update(summary="A draft nobody has reviewed yet.")
    assert draft.state == ProgressUpdate.State.DRAFT
    assert draft.meeting.slug == "som29-senior"
    submitted = _update(
        workstream=Workstream.objects.get(slug="cp-pollution-free-planet"),
        state=ProgressUpdate.State.SUBMITTED,
        summary="Submitted, waiting for the secretariat.",
    )
    calls: list[tuple[int, int]] = []
    pack = _build("som29-senior", progress=lambda done, total: calls.append((done, total)))

    assert pack.sections == 0
    assert calls == []
    pdf, text = _pdf_text(pack.pdf), _docx_text(pack)
    for content in (pdf, text):
        assert EMPTY in content
        assert "Senior Segment of the 29th Senior Officials Meeting" in content
        assert draft.summary not in content
        assert submitted.summary not in content
        assert draft.workstream.title not in content
    assert "Status across meetings" in pdf
    assert len(_docx(pack).tables[-1].rows) == 1
    fieldnames, rows = _csv_rows(pack)
    assert fieldnames == ["workstream", "title", *MEETINGS]
    assert rows == []


def test_a_published_update_elsewhere_does_not_leak_into_a_meeting() -> None:
    _publish_at_som29_senior(Workstream.objects.get(slug="img-biodiversity"))
    assert _build("som28-mid-term").sections == 14
    assert _build("som29-senior").sections == 1


# Text ------------------------------------------------------------------------------------------


def test_names_and_punctuation_beyond_ascii_render_and_markup_is_text() -> None:
    person = Person.objects.create(slug="helene-pitkanen", name="Hélène Pitkänen")
    _publish_at_som29_senior(
        Workstream.objects.get(slug="img-biodiversity"),
        presenter=person,
        summary="The IMG’s work – phase two <b>& more</b>.\n\nA second paragraph.",
        next_steps="Report in 2024 – “soon”.",
    )
    pack = _build("som29-senior")
    for text in (_pdf_text(pack.pdf), _docx_text(pack)):
        assert "Hélène Pitkänen (UNESCO)" in text
        assert "The IMG’s work – phase two <b>& more</b>." in text
        assert "A second paragraph." in text
        assert "Report in 2024 – “soon”." in text


def test_the_pdf_embeds_dejavu_which_has_the_status_symbols() -> None:
    """The print stylesheet asks for DejaVu Sans (make and the Dockerfile install it): the
    status symbols and accents are drawn from it, not dropped."""
    person = Person.objects.create(slug="helene-pitkanen", name="Hélène Pitkänen")
    _publish_at_som29_senior(
        Workstream.objects.get(slug="img-biodiversity"),
        presenter=person,
        summary="The IMG’s work – phase two.",
    )
    pack = _build("som29-senior")
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pack.pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "DejaVu-Sans" in fonts
    assert "Type 3" not in fonts
    text = _pdf_text(pack.pdf)
    assert "Hélène Pitkänen (UNESCO)" in text
    assert "Status: ● Active" in text


# One context, two documents --------------------------------------------------------------------

LABELS = [
    "Agenda item:",
    "Lead entities:",
    "Presented by:",
    "Status:",
    "Basis of the status:",
    "Status now:",
    "Decisions",
    "Summary",
    "Next steps",
    "Expected to continue in:",
    "Source:",
]


def _outline(text: str, titles: list[str]) -> list[str]:
    """The workstream titles and section labels of the progress part, in the order they come."""
    progress = text[text.index("Progress by workstream") : text.index("Status across meetings")]
    markers = sorted(set(titles), key=len, reverse=True) + LABELS
    pattern = "|".join(re.escape(m) for m in markers)
    return re.findall(pattern, progress)


@pytest.mark.parametrize("slug", ["som28-mid-term", "som29-mid-term"])
def test_the_pdf_and_the_docx_hold_the_same_sections_in_the_same_order(slug: str) -> None:
    pack = _build(slug)
    document = _docx(pack)
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(titles) == pack.sections > 0
    docx_paragraphs = _flat(" ".join(p.text for p in document.paragraphs))
    docx_outline = _outline(docx_paragraphs, titles)
    pdf_outline = _outline(_pdf_text(pack.pdf), titles)
    assert pdf_outline == docx_outline
    # Every section: its title, then its facts in one order, then its text.
    assert docx_outline.count("Presented by:") == pack.sections
    first = docx_outline[: docx_outline.index(titles[1])] if len(titles) > 1 else docx_outline
    # (A decision's text may name the workstream: what follows "Decisions" is not checked.)
    assert first[:8] == [titles[0], *LABELS[:7]]
    cover = ["Meeting", "Date", "Venue", "Document symbol", "Generated"]
    for text in (_pdf_text(pack.pdf, "-f", "1", "-l", "1"), docx_paragraphs):
        positions = [text.index(label) for label in cover]
        assert positions == sorted(positions)


def test_an_empty_meeting_says_so_in_both_documents_at_the_same_place() -> None:
    pack = _build("som29-senior")
    document = _docx(pack)
    for text in (_pdf_text(pack.pdf), _flat(" ".join(p.text for p in document.paragraphs))):
        assert _outline(text, []) == []
        between = text[text.index("Progress by workstream") : text.index("Status across")]
        assert EMPTY in between


# The basis of every status, decision and lead; status now; mandates to watch -------------------


HUMAN_RIGHTS = "Issue Management Group on Human Rights and Environment"
# Its mandate ran to SOM28; it reported at SOM29 mid-term.
HUMAN_RIGHTS_WATCH = "Lapsed after SOM28; work reported since, at SOM29 mid-term"


def _lapse_human_rights() -> None:
    """The Human Rights IMG "was extended up until the 2022 SOM": our reading of 'the 2022 SOM'."""
    workstream = Workstream.objects.get(slug="img-human-rights-environment")
    Decision.objects.update_or_create(
        meeting=Meeting.objects.get(slug="som27"),
        workstream=workstream,
        kind="extend",
        defaults={
            "text": "Extended up until the 2022 SOM.",
            "term": "until_som",
            "until_som": 28,
            "evidence": "inferred",
            "evidence_reason": "The report names no meeting; the 2022 SOM is SOM28.",
        },
    )
    workstream_mandate_refresh(workstreams=Workstream.objects.filter(pk=workstream.pk))


def test_both_documents_print_the_basis_status_now_and_mandates_to_watch() -> None:
    _lapse_human_rights()
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    pack = _build("som28-mid-term")
    for text in (_pdf_text(pack.pdf), _docx_text(pack)):
        # Every lead and status says what it rests on, in words.
        assert "Basis of the status: Stated in the report" in text
        # The agenda names UNESCO as presenter: the record's lead is our reading.
        assert "(UNESCO) (inferred: Named as presenter in the agenda" in text
        # An endorsement read as activity: marked in the table, and why, under it.
        assert "Active (inferred)" in text
        assert "Why each inferred status is read so" in text
        assert "Consultative Process on Sustainable Infrastructure at SOM27:" in text
        # Status now, honestly: silent since SOM28 mid-term.
        assert "Status now: Active at SOM29 mid-term" in text
        assert (
            "Status now: Last reported at SOM28 mid-term, silent since (not listed among the "
            "ongoing workstreams at SOM29 mid-term)"
        ) in text
        # Decisions with their basis; the inferred extension says why.
        assert "SOM27, Establish: Established the Issue Management Group on Biodiversity" in text
        assert (
            "SOM27, Extend the mandate: Extended up until the 2022 SOM. (inferred: The report "
            "names no "
            "meeting; the 2022 SOM is SOM28.)"
        ) in text
        assert "Mandates to watch" in text
        assert f"{HUMAN_RIGHTS}: {HUMAN_RIGHTS_WATCH}" in text


def test_a_pack_with_no_mandate_to_watch_says_so() -> None:
    Workstream.objects.update(mandate="", mandate_until=None)
    pack = _build("som28-mid-term")
    for text in (_pdf_text(pack.pdf), _docx_text(pack)):
        assert "No mandate to watch on record." in text


# Queries ---------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_updates(django_assert_num_queries: Any) -> None:
    som28 = Meeting.objects.get(slug="som28-mid-term")
    with django_assert_num_queries(QUERIES):
        briefing_pack_build(meeting=som28)

    _publish_at_som29_senior(Workstream.objects.get(slug="img-biodiversity"))
    senior = Meeting.objects.get(slug="som29-senior")
    with django_assert_num_queries(QUERIES):
        assert briefing_pack_build(meeting=senior).sections == 1
    grow_record(30)
    with django_assert_num_queries(QUERIES):
        pack = briefing_pack_build(meeting=senior)
    assert pack.sections == 31
    assert len(_csv_rows(pack)[1]) == 31


def test_the_committed_word_template_is_what_its_script_writes() -> None:
    """templates/documents/briefing_pack.docx is made by scripts/make_docx_templates.py: a
    layout change is made in the script, run, and committed with the file it writes."""
    script = Path(settings.BASE_DIR) / "scripts" / "make_docx_templates.py"
    spec = importlib.util.spec_from_file_location("make_docx_templates", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.briefing_pack()
    committed = docx.Document(str(DOCX_TEMPLATE))
    assert committed.element.xml == written.element.xml
    assert [s.footer.paragraphs[0].text for s in committed.sections] == [
        s.footer.paragraphs[0].text for s in written.sections
    ]
    assert committed.core_properties.title == "{{ t.title|format(meeting=cover.label) }}"
