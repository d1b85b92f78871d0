"""The review items of a report: each extracted fact as written, matched to the record, with
its source; and the intake as the API and ``intake_report --json`` give it."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from intake.extraction import Extraction, MeetingFacts, Source
from intake.matching import BLANK, EXACT, NEW, Match, Matcher
from intake.models import Intake, IntakeItem, Section
from meetings.models import Meeting


@dataclass(frozen=True)
class ReviewItem:
    section: str
    values: dict[str, Any]
    matches: dict[str, dict[str, Any]]
    source: Source


def _time(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def review_items(extraction: Extraction, *, meeting: Meeting | None = None) -> list[ReviewItem]:
    """Every fact of ``extraction`` as an item to review, in the order they are applied."""
    matcher = Matcher()
    return list(_items(extraction, matcher, meeting))


def _items(extraction: Extraction, matcher: Matcher, hint: Meeting | None) -> Iterator[ReviewItem]:
    yield _meeting_item(extraction.meeting, matcher, hint)
    for document in extraction.documents:
        yield ReviewItem(Section.DOCUMENTS, _values(document), {}, document.source)
    for item in extraction.agenda:
        matches = _presenting(matcher, item.entity, item.presenter)
        yield ReviewItem(Section.AGENDA, _values(item), matches, item.source)
    for participant in extraction.participants:
        matches = _presenting(matcher, participant.entity, participant.name)
        yield ReviewItem(Section.PARTICIPANTS, _values(participant), matches, participant.source)
    for presentation in extraction.presentations:
        matches = {
            "workstream": matcher.workstream(presentation.workstream).as_dict(),
            **_presenting(matcher, presentation.entity, presentation.presenter),
        }
        # The summary is a person's to write: the intake leaves it empty.
        values = {**_values(presentation), "summary": ""}
        yield ReviewItem(Section.PRESENTATIONS, values, matches, presentation.source)
    for proposal in extraction.proposals:
        matches = {
            "workstream": _optional(matcher.workstream(proposal.title)).as_dict(),
            **_presenting(matcher, proposal.entity, proposal.presenter),
        }
        yield ReviewItem(Section.PROPOSALS, _values(proposal), matches, proposal.source)
    for intervention in extraction.interventions:
        matches = _presenting(matcher, intervention.entity, intervention.person)
        yield ReviewItem(Section.INTERVENTIONS, _values(intervention), matches, intervention.source)


def _values(entry: Any) -> dict[str, Any]:
    """An extracted entry's fields as JSON values; its source is kept apart, on the item."""
    return {
        name: _time(value) if isinstance(value, datetime.time) else value
        for name, value in vars(entry).items()
        if name not in ("source", "start_time")
    } | ({"start": _time(entry.start_time)} if hasattr(entry, "start_time") else {})


def _presenting(matcher: Matcher, entity: str, person: str) -> dict[str, dict[str, Any]]:
    """An entity as written and the person of it: matched, the person within the entity."""
    entity_match = matcher.entity(entity)
    return {
        "entity": entity_match.as_dict(),
        "person": matcher.person(person, entity_match.key).as_dict(),
    }


def _meeting_item(facts: MeetingFacts, matcher: Matcher, hint: Meeting | None) -> ReviewItem:
    values = {
        "title": facts.title,
        "som_number": facts.som_number,
        "segment": facts.segment,
        "date": facts.date.isoformat() if facts.date else None,
        "start": _time(facts.start_time),
        "end": _time(facts.end_time),
        "time_zone": facts.time_zone,
        "time_zone_as_written": facts.time_zone_as_written,
        "format": facts.format,
        "venue": facts.venue,
        "chair": facts.chair,
        "opened_by": facts.opened_by,
        "reported_entity_count": facts.reported_entity_count,
        "lists_ongoing_workstreams": facts.lists_ongoing_workstreams,
    }
    matches = {
        "meeting": _meeting_match(facts.title, facts.som_number, facts.segment, hint).as_dict(),
        "chair": matcher.person(facts.chair, None).as_dict(),
        "opened_by": matcher.person(facts.opened_by, None).as_dict(),
    }
    return ReviewItem(
        Section.MEETING, values, matches, facts.source or Source(1, 1, None, facts.title)
    )


def _optional(match: Match) -> Match:
    """A proposal names a workstream only where the record has it: no match adds none."""
    if match.status != NEW:
        return match
    return Match(match.written, BLANK, candidates=match.candidates, note=match.note)


def _meeting_match(title: str, som_number: int | None, segment: str, hint: Meeting | None) -> Match:
    if hint is not None:
        return Match(title, EXACT, hint.slug, hint.short_label, 1.0)
    found = (
        Meeting.objects.filter(som_number=som_number, segment=segment).first()
        if som_number is not None
        else None
    )
    if found is not None:
        return Match(title, EXACT, found.slug, found.short_label, 1.0)
    return Match(title, NEW)


# The intake as the API gives it.

LISTS = {
    "documents": Section.DOCUMENTS,
    "agenda": Section.AGENDA,
    "participants": Section.PARTICIPANTS,
    "presentations": Section.PRESENTATIONS,
    "proposals": Section.PROPOSALS,
    "interventions": Section.INTERVENTIONS,
}


def item_payload(item: IntakeItem) -> dict[str, Any]:
    values = item.current_values
    extra: dict[str, Any] = {}
    if item.section in (Section.PRESENTATIONS, Section.PROPOSALS):
        extra["workstream_slug"] = _chosen(item, "workstream")
    if item.section == Section.MEETING:
        extra["meeting_slug"] = _chosen(item, "meeting")
    return {
        "id": item.pk,
        **values,
        **extra,
        "matches": item.matches,
        "choices": item.choices,
        "source": {
            "first_line": item.first_line,
            "last_line": item.last_line,
            "page": item.page,
            "text": item.source_text,
        },
        "decision": item.decision,
        "outcome": item.outcome,
        "record": {"model": item.record_model, "id": item.record_id} if item.record_id else None,
    }


def _chosen(item: IntakeItem, role: str) -> str | None:
    chosen = item.choices.get(role)
    if chosen is not None:
        return None if chosen == "new" else str(chosen)
    match = item.matches.get(role, {})
    key = match.get("key")
    return str(key) if key and match.get("status") == EXACT else None


def intake_payload(intake: Intake) -> dict[str, Any]:
    """The intake with every item, by section: what ``GET /api/v1/intakes/{id}/`` answers and
    ``intake_report --json`` writes."""
    items = list(intake.items.order_by("position"))
    meeting = next((i for i in items if i.section == Section.MEETING), None)
    payload: dict[str, Any] = {
        "id": intake.pk,
        "file_name": intake.file_name,
        "format": intake.file_format,
        "state": intake.state,
        "error": intake.error,
        "lines": intake.line_count,
        "notes": intake.notes,
        "uploaded_at": intake.uploaded_at.isoformat() if intake.uploaded_at else None,
        "meeting": item_payload(meeting) if meeting else None,
    }
    for key, section in LISTS.items():
        payload[key] = [item_payload(i) for i in items if i.section == section]
    return payload
