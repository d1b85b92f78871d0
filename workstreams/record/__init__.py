"""The EMG record: what the SOM28 mid-term and SOM29 midterm reports state, loaded once.

The data lives in ``data/`` beside this module: TOML files reviewed against the reports, and
the list of participants of the SOM28 mid-term segment exactly as its annex gives it. Rows are
matched on natural keys (slugs, names, numbers, titles) and written only when a value differs,
so a second load changes nothing.

The record is where the database starts, never an authority over later edits. For every row it
writes, the loader keeps a fingerprint (``LoadedRow``: the row's key in the record and a digest
of the values it wrote). On the next load:

- a row that still holds what the loader wrote takes the record's corrections, if any;
- a row that differs from what the loader wrote was changed by someone: it is left alone
  (no update, no publish, no event) and the report says so, with who and when where the
  history knows;
- a row the loader wrote and someone deleted is not created again, and rows of the record
  that refer to it are left alone too;
- a row with no fingerprint (a database loaded before fingerprints were kept) takes the
  record's values only if its history shows no write but the loader's; otherwise it is left
  alone, and it is fingerprinted once it agrees with the record.
"""

import csv
import datetime
import hashlib
import json
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify

from delivery.interface import webhook_meeting_added
from meetings.models import AgendaItem, Attendance, Document, Entity, Intervention, Meeting, Person
from workstreams.models import (
    Decision,
    LoadedRow,
    ProgressUpdate,
    Proposal,
    Workstream,
    WorkstreamLead,
)
from workstreams.services import (
    briefing_packs_supersede,
    timeline_entry_refresh,
    workstream_status_now_refresh,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

M = TypeVar("M", bound=models.Model)


HISTORY_REASON = "Loaded from the EMG record"


class RecordError(Exception):
    """The record files contradict themselves (an unknown reference, a duplicate key)."""


@dataclass(frozen=True)
class Gone:
    """A row of the record that someone deleted after it was loaded. It is not created again,
    and a row of the record that refers to it is left alone."""

    model: str
    key: str

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


@dataclass(frozen=True)
class Difference:
    field: str
    stored: str
    record: str


@dataclass(frozen=True)
class RowNote:
    """One row the loader corrected from the record, or left alone and why."""

    model: str
    key: str
    why: str = ""
    differences: tuple[Difference, ...] = ()

    def lines(self) -> list[str]:
        head = f"{self.model} {self.key}" + (f": {self.why}" if self.why else "")
        return [head] + [
            f"    {d.field}: {d.stored} -> the record says {d.record}" for d in self.differences
        ]


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    corrected: list[RowNote] = field(default_factory=list)
    left_alone: list[RowNote] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        return [f"{n}: {self.created[n]} created, {self.updated[n]} updated" for n in names]


def _canonical(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, str):
        return repr(Truncator(value).chars(70))
    return str(value)


def _last_edit(model: type[models.Model], pk: Any) -> str:
    """Who last wrote or deleted the row, and when, where the history or the admin log knows."""
    when: datetime.datetime | None = None
    who = None
    history = getattr(model, "history", None)
    if history is not None:
        edit = (
            history.filter(id=pk)
            .exclude(history_user__isnull=True, history_change_reason=HISTORY_REASON)
            .select_related("history_user")
            .order_by("-history_date")
            .first()
        )
        if edit is not None:
            when, who = edit.history_date, edit.history_user
    if when is None:
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        if entry is not None:
            when, who = entry.action_time, entry.user
    if when is None:
        return "(who and when are not recorded)"
    by = f" by {who.get_username()}" if who is not None else ""
    return f"on {_shown(when)}{by}"


class _Loader:
    def __init__(self) -> None:
        self.report = LoadReport()
        self.entities: dict[str, Entity | Gone] = {}
        self.entity_names: dict[str, Entity | Gone] = {}
        self.people: dict[str, Person | Gone] = {}
        self.meetings: dict[str, Meeting | Gone] = {}
        self.meeting_close: dict[str, datetime.datetime] = {}
        self.documents: dict[str, Document | Gone] = {}
        self.agenda: dict[tuple[str, str], AgendaItem | Gone] = {}
        self.workstreams: dict[str, Workstream | Gone] = {}
        # Each row's key in the record, so that a row that refers to it is keyed by it too.
        self.keys: dict[tuple[str, Any], str] = {}
        self.fingerprints = {(f.model, f.key): f for f in LoadedRow.objects.all()}
        self.seen: set[tuple[str, str]] = set()
        self.now = timezone.now()
        self.fingerprints_new: list[LoadedRow] = []
        self.fingerprints_changed: list[LoadedRow] = []

    # Writing ------------------------------------------------------------------------------

    def key_of(self, lookup: Mapping[str, Any]) -> str:
        """The row's key in the record: ``unep``, ``meeting=som27,workstream=img-biodiversity``."""
        parts = []
        for name, value in sorted(lookup.items()):
            if isinstance(value, models.Model):
                value = self.keys[value._meta.label_lower, value.pk]
            elif isinstance(value, Gone):
                value = value.key
            parts.append(f"{name}={value}")
        return ",".join(parts) if len(parts) > 1 else parts[0].partition("=")[2]

    @staticmethod
    def digest(values: Mapping[str, Any]) -> str:
        canonical = {name: _canonical(value) for name, value in values.items()}
        body = json.dumps(canonical, sort_keys=True, default=str).encode()
        return hashlib.sha256(body).hexdigest()

    @staticmethod
    def stored(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
        """The row's values of these fields, foreign keys as ids."""
        stored = {}
        for name in names:
            model_field = obj._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            stored[name] = getattr(obj, model_field.attname)
        return stored

    def fingerprint(self, label: str, key: str, obj: models.Model, digest: str) -> None:
        found = self.fingerprints.get((label, key))
        if found is None:
            found = LoadedRow(model=label, key=key, object_id=obj.pk, digest=digest)
            found.loaded_at = self.now
            self.fingerprints[label, key] = found
            self.fingerprints_new.append(found)
        elif (found.object_id, found.digest) != (obj.pk, digest):
            found.object_id, found.digest, found.loaded_at = obj.pk, digest, self.now
            if found.pk is not None:
                self.fingerprints_changed.append(found)

    def fingerprints_save(self) -> None:
        LoadedRow.objects.bulk_create(self.fingerprints_new)
        LoadedRow.objects.bulk_update(
            self.fingerprints_changed, ["object_id", "digest", "loaded_at"]
        )

    def differences(self, obj: models.Model, wanted: Mapping[str, Any]) -> tuple[Difference, ...]:
        found = []
        for name, value in wanted.items():
            model_field = obj._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            if _canonical(getattr(obj, model_field.attname)) != _canonical(value):
                found.append(Difference(name, _shown(getattr(obj, name)), _shown(value)))
        return tuple(found)

    def leave_alone(
        self, obj: models.Model | None, label: str, key: str, why: str, wanted: Mapping[str, Any]
    ) -> None:
        differences = self.differences(obj, wanted) if obj is not None else ()
        self.report.left_alone.append(RowNote(label, key, why, differences))

    def upsert(
        self, model: type[M], lookup: Mapping[str, Any], values: Mapping[str, Any]
    ) -> M | Gone:
        """Create the row, or correct the fields whose value differs from the record, unless
        someone changed or deleted the row after it was loaded."""
        label = model._meta.label_lower
        key = self.key_of(lookup)
        if (label, key) in self.seen:
            raise RecordError(f"The record gives {label} {key} twice.")
        self.seen.add((label, key))
        wanted = {**lookup, **values}
        names = sorted(wanted)
        plural = str(model._meta.verbose_name_plural)
        noun = str(model._meta.verbose_name)

        # Locked until the load commits: an edit made meanwhile waits, then finds the row's new
        # version (and is refused as stale) instead of being overwritten.
        rows = model._default_manager.select_for_update(of=("self",)).order_by("pk")
        fingerprint = self.fingerprints.get((label, key))
        obj: M | None
        if fingerprint is not None:
            obj = rows.filter(pk=fingerprint.object_id).first()
            if obj is None:
                when = _last_edit(model, fingerprint.object_id)
                self.leave_alone(
                    None, noun, key, f"deleted after loading {when}; not created again", wanted
                )
                return Gone(noun, key)
        elif any(isinstance(v, Gone) for v in lookup.values()):
            obj = None
        else:
            obj = rows.filter(**lookup).first()
        if obj is not None:
            self.keys[label, obj.pk] = key

        gone = [v for v in wanted.values() if isinstance(v, Gone)]
        if gone:
            why = f"refers to {gone[0]}, which was deleted after loading"
            self.leave_alone(None, noun, key, why, wanted)
            return obj if obj is not None else Gone(noun, key)

        digest = self.digest(wanted)
        if obj is None:
            obj = model(**wanted)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
            obj.save()
            self.keys[label, obj.pk] = key
            self.fingerprint(label, key, obj, digest)
            self.report.created[plural] += 1
            return obj

        current = self.digest(self.stored(obj, names))
        if current == digest:
            # Already what the record says (also after someone made the record's correction).
            self.fingerprint(label, key, obj, digest)
            return obj
        if fingerprint is not None and current != fingerprint.digest:
            self.leave_alone(
                obj, noun, key, f"edited after loading {_last_edit(model, obj.pk)}", wanted
            )
            return obj
        if fingerprint is None and not _only_loaded(obj, names):
            why = (
                f"differs from the record, and was written {_last_edit(model, obj.pk)} in a "
                "database loaded before the loader kept fingerprints"
            )
            self.leave_alone(obj, noun, key, why, wanted)
            return obj

        differences = self.differences(obj, wanted)
        changed = [d.field for d in differences]
        for name in changed:
            setattr(obj, name, wanted[name])
        obj.full_clean(validate_unique=False, validate_constraints=False)
        if isinstance(obj, ProgressUpdate):
            # An editor holding the older copy must not overwrite what the record now says.
            obj.version += 1
            changed.append("version")
        obj._change_reason = HISTORY_REASON  # type: ignore[attr-defined]
        obj.save(update_fields=changed)
        if isinstance(obj, ProgressUpdate) and obj.state == ProgressUpdate.State.PUBLISHED:
            # The packs that hold the text as it was no longer show the public record.
            briefing_packs_supersede(
                update_id=obj.pk,
                meeting_id=obj.meeting_id,
                reason=f"The update “{obj}” was corrected from the EMG record.",
                by=None,
            )
        self.fingerprint(label, key, obj, digest)
        self.report.updated[plural] += 1
        self.report.corrected.append(RowNote(noun, key, differences=differences))
        return obj

    # Look-ups -----------------------------------------------------------------------------

    def entity(self, key: str | None) -> Entity | Gone | None:
        if not key:
            return None
        found = self.entities.get(key) or self.entity_names.get(key)
        if found is None:
            raise RecordError(f"Unknown entity {key!r}.")
        return found

    def person(self, name: str | None) -> Person | Gone | None:
        if not name:
            return None
        if name not in self.people:
            raise RecordError(f"Unknown person {name!r}.")
        return self.people[name]

    def document(self, key: str | None) -> Document | Gone | None:
        if not key:
            return None
        if key not in self.documents:
            raise RecordError(f"Unknown document {key!r}.")
        return self.documents[key]

    def agenda_item(self, meeting: str, number: str | None) -> AgendaItem | Gone | None:
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
            self.entities[row["slug"]] = entity
            # The record's own spellings: its references keep working after an entity is renamed.
            for spelling in {row["acronym"], row["name"], *row.get("aliases", [])} - {""}:
                if self.entity_names.setdefault(spelling, entity) is not entity:
                    raise RecordError(f"{spelling!r} names two entities.")

    def load_people(self, data: Mapping[str, Any], participants: list[dict[str, str]]) -> None:
        # A person named in several places is one row, written once with all the record says.
        people: dict[str, dict[str, Any]] = {}
        for row in data["people"]:
            values = people.setdefault(row["name"], {"name": row["name"]})
            values["entity"] = self.entity(row["entity"])
            if row.get("title"):
                values["title"] = row["title"]
        for row in participants:
            values = people.setdefault(row["name"], {"name": row["name"]})
            values["entity"] = self.entity(row["affiliation"])
        for row in data["titles"]:
            if row["name"] not in people:
                raise RecordError(f"Unknown person {row['name']!r}.")
            people[row["name"]]["title"] = row["title"]
        for name, values in people.items():
            self.people[name] = self.upsert(Person, {"slug": slugify(name)}, values)

    def load_meetings(self, data: Mapping[str, Any], participants: list[dict[str, str]]) -> None:
        self.load_people(data, participants)

        for row in data["meetings"]:
            created = self.report.created[str(Meeting._meta.verbose_name_plural)]
            when = {
                "date": row["date"],
                "date_precision": row.get("date_precision", Meeting.DatePrecision.DAY),
                "end_time": row.get("end_time"),
                "time_zone": row.get("time_zone", ""),
            }
            # The record's updates were made public when the meeting closed, as the record
            # dates it (not as someone may have re-dated it since).
            self.meeting_close[row["slug"]] = _meeting_close(Meeting(**when))
            meeting = self.meetings[row["slug"]] = self.upsert(
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
                    "chair": self.person(row.get("chair")),
                    "status": row["status"],
                    "summary": row.get("summary", ""),
                    "reported_entity_count": row.get("reported_entity_count"),
                },
            )
            if self.report.created[str(Meeting._meta.verbose_name_plural)] > created:
                assert isinstance(meeting, Meeting)
                webhook_meeting_added(meeting=meeting)

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
            self.upsert(
                ProgressUpdate,
                {
                    "workstream": self.workstreams[row["workstream"]],
                    "meeting": self.meetings[row["meeting"]],
                },
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
                    "published_at": self.meeting_close[row["meeting"]],
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
        workstreams = [w for w in self.workstreams.values() if isinstance(w, Workstream)]
        meetings = [m for m in self.meetings.values() if isinstance(m, Meeting)]
        for workstream in workstreams:
            for meeting in meetings:
                timeline_entry_refresh(workstream=workstream, meeting=meeting)
        # A meeting whose date changed may change which cell is the latest, with no cell changed.
        workstream_status_now_refresh(
            workstreams=Workstream.objects.filter(pk__in=[w.pk for w in workstreams])
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


def _only_loaded(obj: models.Model, names: Iterable[str]) -> bool:
    """Whether the row's history shows no write but the loader's, and the row still holds what
    the loader last wrote (no write went round the history). Rows without history: unknown."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return False
    revisions = list(history.filter(id=obj.pk).order_by("-history_date", "-history_id"))
    if not revisions or any(
        r.history_user_id is not None or r.history_change_reason != HISTORY_REASON
        for r in revisions
    ):
        return False
    return _Loader.stored(revisions[0], names) == _Loader.stored(obj, names)


def record_load(*, dry_run: bool = False) -> LoadReport:
    """Load the EMG record into the database; a second run changes nothing.

    Rows someone changed or deleted after loading are left alone and listed in the report.
    With ``dry_run`` everything is rolled back: no row, history record, outbox message or
    webhook delivery is written, and the report says what a load would do.
    """
    with transaction.atomic():
        loader = _Loader()
        loader.load_entities(_read_toml("entities.toml")["entities"])
        loader.load_meetings(_read_toml("meetings.toml"), _read_participants())
        loader.load_workstreams(_read_toml("workstreams.toml"))
        loader.refresh_timeline()
        loader.fingerprints_save()
        if dry_run:
            transaction.set_rollback(True)
    return loader.report
