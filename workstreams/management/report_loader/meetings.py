"""The meetings' side of the reports: entities, people, meetings, their documents, agendas and
the SOM28 mid-term list of participants."""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.text import slugify

from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Entity,
    EntityVariant,
    Meeting,
    Person,
)
from meetings.services import meeting_counts_refresh
from workstreams.management.report_loader.report import ReportDataError
from workstreams.management.report_loader.rows import Loader


def entities_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        entity = loader.upsert(
            Entity,
            {"slug": row["slug"]},
            {
                "acronym": row["acronym"],
                "name": row["name"],
                "kind": row.get("kind", Entity.Kind.UN_SYSTEM),
            },
        )
        loader.entities[row["slug"]] = entity
        # The reports' own spellings: their references keep working after an entity is renamed.
        for spelling in {row["acronym"], row["name"], *row.get("aliases", [])} - {""}:
            if loader.entity_names.setdefault(spelling, entity) is not entity:
                raise ReportDataError(f"{spelling!r} names two entities.")
        # Kept in the database too, for the report intake's matching (docs/intake.md).
        for alias in row.get("aliases", []):
            loader.upsert(EntityVariant, {"text": alias}, {"entity": entity})


def people_load(
    loader: Loader, data: Mapping[str, Any], participants: list[dict[str, str]]
) -> None:
    # A person named in several places is one row, written once with all the reports say.
    people: dict[str, dict[str, Any]] = {}
    for row in data["people"]:
        values = people.setdefault(row["name"], {"name": row["name"]})
        values["entity"] = loader.entity(row["entity"])
        if row.get("title"):
            values["title"] = row["title"]
    for row in participants:
        values = people.setdefault(row["name"], {"name": row["name"]})
        values["entity"] = loader.entity(row["affiliation"])
    for row in data["titles"]:
        if row["name"] not in people:
            raise ReportDataError(f"Unknown person {row['name']!r}.")
        people[row["name"]]["title"] = row["title"]
    for name, values in people.items():
        loader.people[name] = loader.upsert(Person, {"slug": slugify(name)}, values)


def meetings_load(
    loader: Loader, data: Mapping[str, Any], participants: list[dict[str, str]]
) -> None:
    people_load(loader, data, participants)
    # A meeting whose status a later report gives (``status_source``) follows that report's
    # document, which follows its own meeting.
    meetings = data["meetings"]
    for row in [m for m in meetings if "status_source" not in m]:
        _meeting_load(loader, row)
    _documents_load(loader, data["documents"])
    for row in [m for m in meetings if "status_source" in m]:
        _meeting_load(loader, row)
    _documents_load(loader, data["documents"])
    _agenda_load(loader, data["agenda_items"])
    _participants_load(loader, participants)


def _documents_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    """The documents of the meetings loaded so far, each once."""
    for row in rows:
        done = (row["meeting"], row["title"]) in loader.documents_done
        if done or row["meeting"] not in loader.meetings:
            continue
        loader.documents_done.add((row["meeting"], row["title"]))
        document = loader.upsert(
            Document,
            {"meeting": loader.meetings[row["meeting"]], "title": row["title"]},
            {
                "number": row.get("number", ""),
                "symbol": row.get("symbol", ""),
                "kind": row["kind"],
            },
        )
        if "key" in row:
            loader.documents[row["key"]] = document


def _meeting_status(loader: Loader, row: Mapping[str, Any]) -> dict[str, Any]:
    """How the record knows the meeting's status: stated by its own report, or inferred from a
    later one (``status_source``, section and quote, and why)."""
    return {
        "status": row["status"],
        "status_evidence": row.get("status_evidence", "stated"),
        "status_evidence_reason": row.get("status_reason", ""),
        "status_source": loader.document(row.get("status_source")),
        "status_section": row.get("status_section", ""),
        "status_quote": row.get("status_quote", ""),
        "lists_ongoing_workstreams": row.get("lists_ongoing_workstreams", False),
    }


def _meeting_load(loader: Loader, row: Mapping[str, Any]) -> None:
    """A meeting, created or rescheduled through ``meeting_save`` (see rows._save)."""
    when = {
        "date": row["date"],
        "date_precision": row.get("date_precision", Meeting.DatePrecision.DAY),
        "end_time": row.get("end_time"),
        "time_zone": row.get("time_zone", ""),
    }
    # The reports' updates were made public when the meeting closed, as the reports date it
    # (not as someone may have re-dated it since).
    loader.meeting_close[row["slug"]] = _meeting_close(Meeting(**when))
    loader.meetings[row["slug"]] = loader.upsert(
        Meeting,
        {"slug": row["slug"]},
        {
            **when,
            "som_number": row["som_number"],
            "segment": row["segment"],
            "title": row["title"],
            "start_time": row.get("start_time"),
            "format": row.get("format", ""),
            "venue": row.get("venue", ""),
            "chair": loader.person(row.get("chair")),
            "opened_by": loader.person(row.get("opened_by")),
            **_meeting_status(loader, row),
            "summary": row.get("summary", ""),
            "reported_entity_count": row.get("reported_entity_count"),
        },
    )


def _agenda_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    positions: Counter[str] = Counter()
    for row in rows:
        positions[row["meeting"]] += 1
        loader.agenda[row["meeting"], row["number"]] = loader.upsert(
            AgendaItem,
            {"meeting": loader.meetings[row["meeting"]], "position": positions[row["meeting"]]},
            {
                "number": row["number"],
                "title": row["title"],
                "parent": loader.agenda_item(row["meeting"], row.get("parent")),
                "presenter_entity": loader.entity(row.get("presenter_entity")),
                "presenter": loader.person(row.get("presenter")),
                "start_time": row.get("start_time"),
            },
        )


def _participants_load(loader: Loader, participants: list[dict[str, str]]) -> None:
    meeting = loader.meetings["som28-mid-term"]
    for row in participants:
        loader.upsert(
            Attendance,
            {"meeting": meeting, "person": loader.people[row["name"]]},
            {
                "entity": loader.entity(row["affiliation"]),
                "listed_affiliation": row["affiliation"],
                "list_number": int(row["number"]),
            },
        )
    if isinstance(meeting, Meeting):
        meeting_counts_refresh(meeting_ids=[meeting.pk])


def _meeting_close(meeting: Meeting) -> datetime.datetime:
    return meeting.ends_at() or datetime.datetime.combine(
        meeting.date, datetime.time(12), datetime.UTC
    )
