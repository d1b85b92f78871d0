"""Writing one row of the reports: create it, correct it, or leave it alone, by its fingerprint.

For every row it writes, the loader keeps a fingerprint (``LoadedRow``: the row's key in the
reports and a digest of the values it wrote), so that a later load can tell a row someone edited
from one that still holds what the loader wrote.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from emgtracker.history import HistoryNotes
from meetings.models import AgendaItem, Document, Entity, Intervention, Meeting, Person
from meetings.record_version import record_version_bump
from meetings.services import intervention_save
from workstreams.management.report_loader.report import (
    HISTORY_REASON,
    Difference,
    Gone,
    LoadReport,
    ReportDataError,
    RowNote,
    canonical,
    last_edit,
    only_loaded,
    shown,
    stored,
)
from workstreams.models import LoadedRow, ProgressUpdate, Workstream
from workstreams.services import briefing_packs_supersede, meeting_save, workstream_save

M = TypeVar("M", bound=models.Model)


# Fields the loader came to write after databases were fingerprinted, with the value every row
# held before: a field still at that value leaves the digest as it was, so that a row loaded
# before is still known as the loader's (and still takes the record's corrections).
ADDED_SINCE_FINGERPRINTS: dict[str, Any] = {
    "evidence": "stated",
    "evidence_reason": "",
    "kind": "floor",
    "term": "",
    "until_som": None,
    "opened_by": None,
    "status_evidence": "stated",
    "status_evidence_reason": "",
    "status_source": None,
    "status_section": "",
    "status_quote": "",
    "lists_ongoing_workstreams": False,
}


def digest(values: Mapping[str, Any]) -> str:
    body = json.dumps(
        {
            name: canonical(value)
            for name, value in values.items()
            if name not in ADDED_SINCE_FINGERPRINTS
            or canonical(value) != canonical(ADDED_SINCE_FINGERPRINTS[name])
        },
        sort_keys=True,
        default=str,
    ).encode()
    return hashlib.sha256(body).hexdigest()


def _save(obj: models.Model, changed: list[str] | None) -> None:
    """Write the row as the loader, through the service the admin uses where there is one: a
    new meeting is announced to webhook subscribers, as it was when the loader announced it."""
    if isinstance(obj, HistoryNotes):
        obj._change_reason = HISTORY_REASON
    if isinstance(obj, Meeting):
        meeting_save(meeting=obj, by=None, changed=changed or ())
    elif isinstance(obj, Intervention):
        intervention_save(intervention=obj, by=None)
    elif isinstance(obj, Workstream):
        workstream_save(workstream=obj, by=None, update_fields=changed)
    else:
        obj.save(update_fields=changed)


class Loader:
    """The rows of one load, by their key in the reports, and the report of what it did."""

    def __init__(self) -> None:
        self.report = LoadReport()
        self.entities: dict[str, Entity | Gone] = {}
        self.entity_names: dict[str, Entity | Gone] = {}
        self.people: dict[str, Person | Gone] = {}
        self.meetings: dict[str, Meeting | Gone] = {}
        self.meeting_close: dict[str, datetime.datetime] = {}
        self.documents: dict[str, Document | Gone] = {}
        self.documents_done: set[tuple[str, str]] = set()
        self.agenda: dict[tuple[str, str], AgendaItem | Gone] = {}
        self.workstreams: dict[str, Workstream | Gone] = {}
        # Progress updates by (workstream, meeting), decisions by (meeting, workstream, kind) and
        # framework references by (kind, code): what the record's cross-references tag.
        self.updates: dict[tuple[str, str], models.Model | Gone] = {}
        self.decisions: dict[tuple[str, str, str], models.Model | Gone] = {}
        self.references: dict[tuple[str, str], models.Model | Gone] = {}
        # Each row's key in the reports, so that a row that refers to it is keyed by it too.
        self.keys: dict[tuple[str, Any], str] = {}
        self.fingerprints = {(f.model, f.key): f for f in LoadedRow.objects.all()}
        self.seen: set[tuple[str, str]] = set()
        self.now = timezone.now()
        self.fingerprints_new: list[LoadedRow] = []
        self.fingerprints_changed: list[LoadedRow] = []
        # The progress updates whose version this load moved on (``_correct``).
        self.versions_moved: set[int] = set()

    # Fingerprints -------------------------------------------------------------------------

    def key_of(self, lookup: Mapping[str, Any]) -> str:
        """The row's key in the reports: ``unep``, ``meeting=som27,workstream=img-biodiversity``."""
        parts = []
        for name, value in sorted(lookup.items()):
            if isinstance(value, models.Model):
                value = self.keys[value._meta.label_lower, value.pk]
            elif isinstance(value, Gone):
                value = value.key
            parts.append(f"{name}={value}")
        return ",".join(parts) if len(parts) > 1 else parts[0].partition("=")[2]

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

    def leave_alone(
        self, obj: models.Model | None, noun: str, key: str, why: str, wanted: Mapping[str, Any]
    ) -> None:
        differences = _differences(obj, wanted) if obj is not None else ()
        self.report.left_alone.append(RowNote(noun, key, why, differences))

    # Writing ------------------------------------------------------------------------------

    def upsert(
        self, model: type[M], lookup: Mapping[str, Any], values: Mapping[str, Any]
    ) -> M | Gone:
        """Create the row, or correct the fields whose value differs from the reports, unless
        someone changed or deleted the row after it was loaded."""
        label, key = model._meta.label_lower, self.key_of(lookup)
        if (label, key) in self.seen:
            raise ReportDataError(f"The record gives {label} {key} twice.")
        self.seen.add((label, key))
        wanted = {**lookup, **values}
        noun = str(model._meta.verbose_name)
        obj = self._find(model, label, key, lookup, wanted)
        if isinstance(obj, Gone):
            return obj
        gone = [v for v in wanted.values() if isinstance(v, Gone)]
        if gone:
            why = f"refers to {gone[0]}, which was deleted after loading"
            self.leave_alone(None, noun, key, why, wanted)
            return obj if obj is not None else Gone(noun, key)
        if obj is None:
            return self._create(model, label, key, wanted)
        why = self._edited_by_someone(obj, label, key, wanted)
        if why:
            self.leave_alone(obj, noun, key, why, wanted)
        elif digest(stored(obj, sorted(wanted))) == digest(wanted):
            # Already what the reports say (also after someone made the reports' correction).
            self.fingerprint(label, key, obj, digest(wanted))
        else:
            self._correct(obj, label, key, wanted)
        return obj

    def _find(
        self,
        model: type[M],
        label: str,
        key: str,
        lookup: Mapping[str, Any],
        wanted: Mapping[str, Any],
    ) -> M | Gone | None:
        # Locked until the load commits: an edit made meanwhile waits, then finds the row's new
        # version (and is refused as stale) instead of being overwritten.
        rows = model._default_manager.select_for_update(of=("self",)).order_by("pk")
        fingerprint = self.fingerprints.get((label, key))
        obj: M | None
        if fingerprint is not None:
            obj = rows.filter(pk=fingerprint.object_id).first()
            if obj is None:
                noun = str(model._meta.verbose_name)
                when = last_edit(model, fingerprint.object_id)
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
        return obj

    def _create(self, model: type[M], label: str, key: str, wanted: Mapping[str, Any]) -> M:
        obj = model(**wanted)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        _save(obj, None)
        if isinstance(obj, ProgressUpdate):
            # Made by this load: no editor holds an older copy for its translations to outdate.
            self.versions_moved.add(obj.pk)
        self.keys[label, obj.pk] = key
        self.fingerprint(label, key, obj, digest(wanted))
        self.report.created[str(model._meta.verbose_name_plural)] += 1
        return obj

    def _edited_by_someone(
        self, obj: models.Model, label: str, key: str, wanted: Mapping[str, Any]
    ) -> str:
        """Why the row is left alone, or "" if it still holds what the loader wrote."""
        names = sorted(wanted)
        current = digest(stored(obj, names))
        if current == digest(wanted):
            return ""
        fingerprint = self.fingerprints.get((label, key))
        if fingerprint is not None and current != fingerprint.digest:
            return f"edited after loading {last_edit(type(obj), obj.pk)}"
        if fingerprint is None and not only_loaded(obj, names):
            return (
                f"differs from the record, and was written {last_edit(type(obj), obj.pk)} in a "
                "database loaded before the loader kept fingerprints"
            )
        return ""

    def _correct(self, obj: models.Model, label: str, key: str, wanted: Mapping[str, Any]) -> None:
        differences = _differences(obj, wanted)
        changed = [d.field for d in differences]
        for name in changed:
            setattr(obj, name, wanted[name])
        obj.full_clean(validate_unique=False, validate_constraints=False)
        if isinstance(obj, ProgressUpdate):
            # An editor holding the older copy must not overwrite what the reports now say.
            obj.version += 1
            changed.append("version")
            self.versions_moved.add(obj.pk)
        _save(obj, changed)
        if isinstance(obj, ProgressUpdate) and obj.state == ProgressUpdate.State.PUBLISHED:
            # The packs that hold the text as it was no longer show the public record.
            briefing_packs_supersede(
                update_id=obj.pk,
                meeting_id=obj.meeting_id,
                reason=f"The update “{obj}” was corrected from the EMG record.",
                by=None,
            )
        self.fingerprint(label, key, obj, digest(wanted))
        self.report.updated[str(obj._meta.verbose_name_plural)] += 1
        self.report.corrected.append(
            RowNote(str(obj._meta.verbose_name), key, differences=differences)
        )

    # Look-ups -----------------------------------------------------------------------------

    def entity(self, key: str | None) -> Entity | Gone | None:
        if not key:
            return None
        found = self.entities.get(key) or self.entity_names.get(key)
        if found is None:
            raise ReportDataError(f"Unknown entity {key!r}.")
        return found

    def person(self, name: str | None) -> Person | Gone | None:
        if not name:
            return None
        if name not in self.people:
            raise ReportDataError(f"Unknown person {name!r}.")
        return self.people[name]

    def document(self, key: str | None) -> Document | Gone | None:
        if not key:
            return None
        if key not in self.documents:
            raise ReportDataError(f"Unknown document {key!r}.")
        return self.documents[key]

    def agenda_item(self, meeting: str, number: str | None) -> AgendaItem | Gone | None:
        if number is None:
            return None
        if (meeting, number) not in self.agenda:
            raise ReportDataError(f"Unknown agenda item {number!r} of {meeting!r}.")
        return self.agenda[meeting, number]

    def sourced(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "source": self.document(row["source"]),
            "source_section": row.get("section", ""),
            "source_quote": row.get("quote", ""),
            "evidence": row.get("evidence", "stated"),
            "evidence_reason": row.get("reason", ""),
        }


def _differences(obj: models.Model, wanted: Mapping[str, Any]) -> tuple[Difference, ...]:
    found = []
    for name, value in wanted.items():
        model_field = obj._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        if canonical(getattr(obj, model_field.attname)) != canonical(value):
            found.append(Difference(name, shown(getattr(obj, name)), shown(value)))
    return tuple(found)


@contextmanager
def loading(*, dry_run: bool) -> Iterator[Loader]:
    """One load, in one transaction: the rows' fingerprints saved at the end, the record's
    version moved if anything changed, and with ``dry_run`` all of it rolled back."""
    with transaction.atomic():
        loader = Loader()
        yield loader
        loader.fingerprints_save()
        if loader.report.changed:
            # Rows the loader writes itself (entities, people, workstreams) are public too.
            record_version_bump()
        if dry_run:
            transaction.set_rollback(True)
