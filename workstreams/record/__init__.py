"""The EMG record: what the SOM28 mid-term and SOM29 midterm reports state, loaded idempotently.

The data lives in ``data/`` beside this module: TOML files reviewed against the reports, and
the list of participants of the SOM28 mid-term segment exactly as its annex gives it. Rows are
matched on natural keys (slugs, names, numbers, titles) and written only when a value differs,
so a second load changes nothing.
"""

import csv
import datetime
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.text import slugify

from meetings.models import AgendaItem, Attendance, Document, Entity, Intervention, Meeting, Person
from workstreams import webhooks
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream, WorkstreamLead
from workstreams.services import timeline_entry_refresh, workstream_status_now_refresh

DATA_DIR = Path(__file__).resolve().parent / "data"

M = TypeVar("M", bound=models.Model)


HISTORY_REASON = "Loaded from the EMG record"


class RecordError(Exception):
    """The record files contradict themselves (an unknown reference, a duplicate key)."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        return [f"{n}: {self.created[n]} created, {self.updated[n]} updated" for n in names]


class _Loader:
    def __init__(self) -> None:
        self.report = LoadReport()
        self.entities: dict[str, Entity] = {}
        self.entity_names: dict[str, Entity] = {}
        self.people: dict[str, Person] = {}
        self.meetings: dict[str, Meeting] = {}
        self.documents: dict[str, Document] = {}
        self.agenda: dict[tuple[str, str], AgendaItem] = {}
        self.workstreams: dict[str, Workstream] = {}

    # Writing ------------------------------------------------------------------------------

    def upsert(self, model: type[M], lookup: Mapping[str, Any], values: Mapping[str, Any]) -> M:
        """Create the row, or update only the fields whose value differs."""
        obj = model._default_manager.filter(**lookup).first()
        label = model._meta.verbose_name_plural
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
            obj.save()
            self.report.created[str(label)] += 1
            return obj
        changed = []
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            current = getattr(obj, model_field.attname)
            wanted = value.pk if isinstance(value, models.Model) else value
            if current != wanted:
                setattr(obj, name, value)
                changed.append(name)
        if changed:
            obj.full_clean(validate_unique=False, validate_constraints=False)
            if isinstance(obj, ProgressUpdate):
                # An editor holding the older copy must not overwrite what the record now says.
                obj.version += 1
                changed.append("version")
            obj._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
            obj.save(update_fields=changed)
            self.report.updated[str(label)] += 1
        return obj

    # Look-ups -----------------------------------------------------------------------------

    def entity(self, key: str | None) -> Entity | None:
        if not key:
            return None
        found = self.entities.get(key) or self.entity_names.get(key)
        if found is None:
            raise RecordError(f"Unknown entity {key!r}.")
        return found

    def person(self, name: str | None) -> Person | None:
        if not name:
            return None
        if name not in self.people:
            raise RecordError(f"Unknown person {name!r}.")
        return self.people[name]

    def document(self, key: str | None) -> Document | None:
        if not key:
            return None
        if key not in self.documents:
            raise RecordError(f"Unknown document {key!r}.")
        return self.documents[key]

    def agenda_item(self, meeting: str, number: str | None) -> AgendaItem | None:
        if number is None:
            return None
        if (meeting, number) not in self.agenda:
            raise RecordError(f"Unknown agenda item {number!r} of {meeting!r}.")
        return self.agenda[meeting, number]

    def sourced(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "source": self.document(row["source"]),
            "source_section": row.get("section", ""),
            "source_quote": row.get("quote", ""),
        }

    # Loading ------------------------------------------------------------------------------

    def load_entities(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            entity = self.upsert(
                Entity,
                {"slug": row["slug"]},
                {
                    "acronym": row["acronym"],
                    "name": row["name"],
                    "kind": row.get("kind", Entity.Kind.UN_SYSTEM),
                },
            )
            self.entities[entity.slug] = entity
            for spelling in {entity.acronym, entity.name, *row.get("aliases", [])} - {""}:
                if self.entity_names.setdefault(spelling, entity) != entity:
                    raise RecordError(f"{spelling!r} names two entities.")

    def load_person(self, name: str, entity: Entity | None, title: str = "") -> Person:
        values: dict[str, Any] = {"name": name, "entity": entity}
        if title:
            values["title"] = title
        person = self.upsert(Person, {"slug": slugify(name)}, values)
        self.people[name] = person
        return person

    def load_meetings(self, data: Mapping[str, Any], participants: list[dict[str, str]]) -> None:
        for row in data["people"]:
            self.load_person(row["name"], self.entity(row["entity"]), row.get("title", ""))
        for row in participants:
            self.load_person(row["name"], self.entity(row["affiliation"]))
        for row in data["titles"]:
            person = self.person(row["name"])
            assert person is not None
            self.upsert(Person, {"pk": person.pk}, {"title": row["title"]})

        known_meetings = set(Meeting.objects.values_list("slug", flat=True))
        for row in data["meetings"]:
            self.meetings[row["slug"]] = self.upsert(
                Meeting,
                {"slug": row["slug"]},
                {
                    "som_number": row["som_number"],
                    "segment": row["segment"],
                    "title": row["title"],
                    "date": row["date"],
                    "date_precision": row.get("date_precision", Meeting.DatePrecision.DAY),
                    "start_time": row.get("start_time"),
                    "end_time": row.get("end_time"),
                    "time_zone": row.get("time_zone", ""),
                    "format": row.get("format", ""),
                    "venue": row.get("venue", ""),
                    "chair": self.person(row.get("chair")),
                    "status": row["status"],
                    "summary": row.get("summary", ""),
                    "reported_entity_count": row.get("reported_entity_count"),
                },
            )
            if row["slug"] not in known_meetings:
                webhooks.webhook_meeting_added(meeting=self.meetings[row["slug"]])

        for row in data["documents"]:
            document = self.upsert(
                Document,
                {"meeting": self.meetings[row["meeting"]], "title": row["title"]},
                {
                    "number": row.get("number", ""),
                    "symbol": row.get("symbol", ""),
                    "kind": row["kind"],
                },
            )
            if "key" in row:
                self.documents[row["key"]] = document

        positions: Counter[str] = Counter()
        for row in data["agenda_items"]:
            positions[row["meeting"]] += 1
            meeting = self.meetings[row["meeting"]]
            self.agenda[row["meeting"], row["number"]] = self.upsert(
                AgendaItem,
                {"meeting": meeting, "position": positions[row["meeting"]]},
                {
                    "number": row["number"],
                    "title": row["title"],
                    "parent": self.agenda_item(row["meeting"], row.get("parent")),
                    "presenter_entity": self.entity(row.get("presenter_entity")),
                    "presenter": self.person(row.get("presenter")),
                    "start_time": row.get("start_time"),
                },
            )

        meeting = self.meetings["som28-mid-term"]
        for row in participants:
            self.upsert(
                Attendance,
                {"meeting": meeting, "person": self.people[row["name"]]},
                {
                    "entity": self.entity(row["affiliation"]),
                    "listed_affiliation": row["affiliation"],
                    "list_number": int(row["number"]),
                },
            )

    def load_workstreams(self, data: Mapping[str, Any]) -> None:
        for row in data["workstreams"]:
            self.workstreams[row["slug"]] = self.upsert(
                Workstream,
                {"slug": row["slug"]},
                {
                    "title": row["title"],
                    "short_title": row["short_title"],
                    "kind": row["kind"],
                    "parent": self.workstreams[row["parent"]] if "parent" in row else None,
                    "description": row.get("description", ""),
                    "also_known_as": row.get("also_known_as", ""),
                },
            )
            for lead in row["leads"]:
                self.upsert(
                    WorkstreamLead,
                    {
                        "workstream": self.workstreams[row["slug"]],
                        "entity": self.entity(lead["entity"]),
                    },
                    {"role": lead.get("role", WorkstreamLead.Role.LEAD), **self.sourced(lead)},
                )

        for row in data["decisions"]:
            self.upsert(
                Decision,
                {
                    "meeting": self.meetings[row["meeting"]],
                    "workstream": self.workstreams[row["workstream"]],
                    "kind": row["kind"],
                },
                {"text": row["text"], **self.sourced(row)},
            )

        for row in data["updates"]:
            meeting = self.meetings[row["meeting"]]
            self.upsert(
                ProgressUpdate,
                {"workstream": self.workstreams[row["workstream"]], "meeting": meeting},
                {
                    "agenda_item": self.agenda_item(row["meeting"], row.get("agenda_item")),
                    "presenter": self.person(row.get("presenter")),
                    "entity": self.entity(row.get("entity")),
                    "status": row["status"],
                    "summary": row["summary"],
                    "next_steps": row.get("next_steps", ""),
                    "expected_to_continue_in": row.get("expected_to_continue_in"),
                    "state": ProgressUpdate.State.PUBLISHED,
                    # The record's updates were made public at the meeting itself.
                    "published_at": _meeting_close(meeting),
                    **self.sourced(row),
                },
            )

        positions: Counter[str] = Counter()
        for row in data["proposals"]:
            positions[row["meeting"]] += 1
            self.upsert(
                Proposal,
                {"meeting": self.meetings[row["meeting"]], "title": row["title"]},
                {
                    "kind": row["kind"],
                    "position": positions[row["meeting"]],
                    "summary": row.get("summary", ""),
                    "presenter": self.person(row.get("presenter")),
                    "entity": self.entity(row.get("entity")),
                    "agenda_item": self.agenda_item(row["meeting"], row.get("agenda_item")),
                    "document": self.document(row.get("document")),
                    "workstream": self.workstreams[row["workstream"]]
                    if "workstream" in row
                    else None,
                    **self.sourced(row),
                },
            )

        positions = Counter()
        for row in data["interventions"]:
            positions[row["meeting"]] += 1
            self.upsert(
                Intervention,
                {"meeting": self.meetings[row["meeting"]], "position": positions[row["meeting"]]},
                {
                    "agenda_item": self.agenda_item(row["meeting"], row.get("agenda_item")),
                    "entity": self.entity(row["entity"]),
                    "person": self.person(row.get("person")),
                    "speaker_as_recorded": row.get("speaker", ""),
                    "summary": row["summary"],
                    **self.sourced(row),
                },
            )

    def refresh_timeline(self) -> None:
        for workstream in self.workstreams.values():
            for meeting in self.meetings.values():
                timeline_entry_refresh(workstream=workstream, meeting=meeting)
        # A meeting whose date changed may change which cell is the latest, with no cell changed.
        workstream_status_now_refresh(
            workstreams=Workstream.objects.filter(pk__in=[w.pk for w in self.workstreams.values()])
        )


def _meeting_close(meeting: Meeting) -> datetime.datetime:
    return meeting.ends_at() or datetime.datetime.combine(
        meeting.date, datetime.time(12), datetime.UTC
    )


def _read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


def _read_participants() -> list[dict[str, str]]:
    with (DATA_DIR / "som28-mid-term-participants.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@transaction.atomic
def record_load() -> LoadReport:
    """Load the EMG record into the database; a second run changes nothing."""
    loader = _Loader()
    loader.load_entities(_read_toml("entities.toml")["entities"])
    loader.load_meetings(_read_toml("meetings.toml"), _read_participants())
    loader.load_workstreams(_read_toml("workstreams.toml"))
    loader.refresh_timeline()
    return loader.report
