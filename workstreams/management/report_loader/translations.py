"""The record's content in the five other languages: unofficial translations, made here and to be
checked, written into the language columns (``title_fr``, ``summary_ar``) once the rows are loaded.

Each field's translation is a row of its own for the fingerprints (``LoadedRow``, model
``<label>.translation``, key ``<row key>/<column>``), so that a person's edit of one column is
told from what the loader wrote, as for every other field the loader writes:

- a column marked official (``translation_status``) is never touched;
- a column holding text that differs from what the loader last wrote is a person's: left alone;
- a translation whose English original differs from the English it was made from (its hash is
  in the data file) is stale: not applied, and the loader's own older text is withdrawn, so
  that a reader gets the visible "not yet translated" note rather than a translation of other
  words;
- otherwise the text is written and marked unofficial.

The rows are read in one query per model and written with one ``bulk_update`` per model: the
language columns are outside the history (``language_columns``), so no history row is lost.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from meetings.models.translated import Translated, TranslationState
from workstreams.management.report_loader.report import (
    Difference,
    Gone,
    ReportDataError,
    RowNote,
    last_edit,
    shown,
)
from workstreams.management.report_loader.rows import Loader, digest
from workstreams.models import Decision, ProgressUpdate

SOURCE_DIGITS = 16
UNOFFICIAL = TranslationState.UNOFFICIAL.value


def source_hash(english: str) -> str:
    """What the data files keep of the English a translation was made from."""
    return hashlib.sha256(english.encode()).hexdigest()[:SOURCE_DIGITS]


@dataclass(frozen=True)
class Wanted:
    """One field's translation into one language, as a data file gives it."""

    model: type[Translated]
    pk: int
    key: str  # the row's key in the record, as the report names it
    field: str
    language: str
    text: str
    source: str

    @property
    def column(self) -> str:
        return build_localized_fieldname(self.field, self.language)


def _fields(
    language: str, key: str, row: Mapping[str, Any], model: type[Translated]
) -> Iterator[tuple[str, str, str]]:
    sources = row.get("source", {})
    for field, text in row.items():
        if field == "source":
            continue
        if field not in model.TRANSLATED_FIELDS or field not in sources:
            raise ReportDataError(f"{language}: {key} gives {field!r} without its source.")
        yield field, text, sources[field]


def _rows(loader: Loader, data: Mapping[str, Any]) -> Iterator[tuple[Any, str, Mapping[str, Any]]]:
    """Each translated row of one data file: the loaded row (or Gone), its key and its fields."""
    ids = {(label, key): pk for (label, pk), key in loader.keys.items()}

    def loaded(model: type[models.Model], key: str) -> int | None:
        return ids.get((model._meta.label_lower, key))

    for slug, row in data.get("workstreams", {}).items():
        yield loader.workstreams.get(slug), slug, row
    for slug, row in data.get("meetings", {}).items():
        yield loader.meetings.get(slug), slug, row
    for meeting, items in data.get("agenda_items", {}).items():
        for number, row in items.items():
            yield loader.agenda.get((meeting, number)), f"{meeting} item {number!r}", row
    for meeting, updates in data.get("updates", {}).items():
        for workstream, row in updates.items():
            key = f"meeting={meeting},workstream={workstream}"
            yield (ProgressUpdate, loaded(ProgressUpdate, key)), key, row
    for meeting, decisions in data.get("decisions", {}).items():
        for workstream, kinds in decisions.items():
            for kind, row in kinds.items():
                key = f"kind={kind},meeting={meeting},workstream={workstream}"
                yield (Decision, loaded(Decision, key)), key, row


def wanted_translations(loader: Loader, files: Mapping[str, Mapping[str, Any]]) -> list[Wanted]:
    """Every translation the data files give, for the rows this load found or created.

    A row the record does not give is an error in the files; a row someone deleted after
    loading (or left alone as gone) has nothing to translate.
    """
    found = []
    for language, data in files.items():
        for target, key, row in _rows(loader, data):
            if isinstance(target, Gone):
                continue
            if isinstance(target, tuple):
                model, pk = target
            elif target is None:
                raise ReportDataError(f"{language}: the record gives no {key}.")
            else:
                model, pk = type(target), target.pk
            if pk is None:
                continue
            for field, text, source in _fields(language, key, row, model):
                found.append(Wanted(model, pk, key, field, language, text, source))
    return found


def translations_load(loader: Loader, files: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the data files' translations, unless a person's edit or official mark is there or
    the English has changed since; one read and one write per model."""
    by_model: dict[type[Translated], list[Wanted]] = defaultdict(list)
    for wanted in wanted_translations(loader, files):
        by_model[wanted.model].append(wanted)
    for model, rows in by_model.items():
        objects = model._default_manager.select_for_update(of=("self",)).in_bulk(
            {w.pk for w in rows}
        )
        changed: dict[int, Translated] = {}
        columns: set[str] = set()
        for wanted in rows:
            obj = objects.get(wanted.pk)
            if obj is not None and _apply(loader, obj, wanted):
                changed[obj.pk] = obj
                columns.add(wanted.column)
        if changed:
            _write(loader, model, list(changed.values()), columns)


def _write(
    loader: Loader, model: type[Translated], objects: list[Translated], columns: set[str]
) -> None:
    fields = [*sorted(columns), "translation_status"]
    if model is ProgressUpdate:
        # An editor holding the older copy must not overwrite the new translation unawares
        # (once a load: a correction of the English has already moved the version on).
        for obj in objects:
            assert isinstance(obj, ProgressUpdate)
            if obj.pk not in loader.versions_moved:
                obj.version += 1
        fields.append("version")
    model._default_manager.bulk_update(objects, fields)


def _apply(loader: Loader, obj: Translated, wanted: Wanted) -> bool:
    """Set one column's translation if it may be set; whether the row changed."""
    column, report = wanted.column, loader.report
    label = f"{obj._meta.label_lower}.translation"
    key = f"{wanted.key}/{column}"
    current = getattr(obj, column) or ""
    fingerprint = loader.fingerprints.get((label, key))
    loaders_own = fingerprint is not None and digest({column: current}) == fingerprint.digest
    original = build_localized_fieldname(wanted.field, settings.CONTENT_ORIGINAL_LANGUAGE)
    noun = str(obj._meta.verbose_name)
    if obj.translation_status.get(column) == TranslationState.OFFICIAL:
        report.translations_official += 1
        return False
    if current and current != wanted.text and not loaders_own:
        report.translations_left_alone += 1
        when = last_edit(type(obj), obj.pk)
        difference = Difference(column, shown(current), shown(wanted.text))
        report.left_alone.append(
            RowNote(noun, wanted.key, f"{column} edited after loading {when}", (difference,))
        )
        return False
    if source_hash(getattr(obj, original) or "") != wanted.source:
        report.stale.append(
            RowNote(
                noun,
                wanted.key,
                f"{column} not applied: the English {wanted.field} changed after it was translated",
            )
        )
        if not current:
            return False
        # The loader's own translation of the older English: withdrawn, not left to mislead.
        setattr(obj, column, None)
        obj.translation_status.pop(column, None)
        loader.fingerprint(label, key, obj, digest({column: ""}))
        report.translations_withdrawn += 1
        return True
    loader.fingerprint(label, key, obj, digest({column: wanted.text}))
    if current == wanted.text and obj.translation_status.get(column) == UNOFFICIAL:
        return False
    setattr(obj, column, wanted.text)
    obj.translation_status[column] = UNOFFICIAL
    report.translations_set += 1
    return True
