"""What a load did: the rows it created and corrected, the rows it left alone and why."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import Truncator

HISTORY_REASON = "Loaded from the EMG record"


class ReportDataError(Exception):
    """The data files contradict themselves (an unknown reference, a duplicate key)."""


@dataclass(frozen=True)
class Gone:
    """A row of the reports that someone deleted after it was loaded. It is not created again,
    and a row of the reports that refers to it is left alone."""

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
    """One row the loader corrected from the reports, or left alone and why."""

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
    # The unofficial translations (``translations``), by column: written, left alone as a
    # person's edit, not applied as their English changed, withdrawn for that reason, and
    # kept as marked official.
    translations_set: int = 0
    translations_left_alone: int = 0
    translations_withdrawn: int = 0
    translations_official: int = 0
    # One note a column: the translations not applied as the English they translate changed.
    stale: list[RowNote] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.translations_set or self.translations_withdrawn
        )

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        lines = [f"{n}: {self.created[n]} created, {self.updated[n]} updated" for n in names]
        translations = (
            f"translations: {self.translations_set} set, {self.translations_left_alone} left "
            f"alone, {len(self.stale)} stale"
        )
        if self.translations_withdrawn:
            translations += f" ({self.translations_withdrawn} withdrawn)"
        if self.translations_official:
            translations += f", {self.translations_official} official kept"
        return [*lines, translations, *self._stale_lines()]

    def _stale_lines(self) -> list[str]:
        """The stale translations, a line a field with its languages."""
        fields: dict[tuple[str, str, str], list[str]] = {}
        for note in self.stale:
            field_name, _, language = note.why.partition(" ")[0].partition("_")
            fields.setdefault((note.model, note.key, field_name), []).append(language)
        return [
            f"  not applied, the English changed since: {model} {key}: {name} "
            f"({', '.join(languages)})"
            for (model, key, name), languages in fields.items()
        ]


def canonical(value: Any) -> Any:
    """A value as the fingerprint's digest holds it: foreign keys as ids, times in UTC."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, str):
        return repr(Truncator(value).chars(70))
    return str(value)


def stored(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The row's values of these fields, foreign keys as ids."""
    values = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        values[name] = getattr(obj, model_field.attname)
    return values


def last_edit(model: type[models.Model], pk: Any) -> str:
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
    return f"on {shown(when)}{by}"


def only_loaded(obj: models.Model, names: Iterable[str]) -> bool:
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
    return stored(revisions[0], names) == stored(obj, names)
