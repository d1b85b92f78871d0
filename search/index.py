"""Keeping the index: each write of a searchable row rewrites its entry in the writer's
transaction, and the entries of the rows whose text names it (docs/search.md).

The receivers are connected in ``SearchConfig.ready()``: the writers (the services, the admin,
the loader) know nothing of the index. A bulk write sends no signal of Django's: the participants
import announces the people it adds (``meetings.signals.people_added``); any other bulk writer
rebuilds the index after it (``search_index_rebuild``, ``index_rebuild``).
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model, Value
from django.db.models.signals import post_delete, post_save

from meetings.models import Person
from meetings.signals import people_added
from search.models import SearchEntry, SearchKind
from search.sources import SOURCES, Source
from workstreams.models import WorkstreamLead

BATCH_SIZE = 1000
# The text search configuration: English stems ("updates" finds "update"), and names, which
# it leaves as they are. The record is in English (docs/search.md).
CONFIG = "english"
# The titles in six languages: no stemming, which would be English's on French or Russian.
TITLES_CONFIG = "simple"
WRITTEN = ["title", "body", "titles", "url", "public", "vector"]


def _vectored(entries: list[SearchEntry]) -> list[SearchEntry]:
    """On PostgreSQL, each entry's vector, computed in the INSERT from the entry's own text."""
    if connection.vendor == "postgresql":
        for entry in entries:
            entry.vector = (
                SearchVector(Value(entry.title), weight="A", config=CONFIG)
                + SearchVector(Value(entry.body), weight="B", config=CONFIG)
                + SearchVector(Value(entry.titles), weight="A", config=TITLES_CONFIG)
            )
    return entries


def _write(entries: list[SearchEntry]) -> None:
    SearchEntry.objects.bulk_create(
        _vectored(entries),
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=WRITTEN,
    )


def entries_refresh(*, source: Source, rows: Iterable[Any]) -> None:
    """Rewrite the entries of ``rows`` (read with ``source.rows()``)."""
    entries = [source.entry(row) for row in rows]
    if entries:
        _write(entries)


@transaction.atomic
def index_rebuild() -> int:
    """Every entry again, from the rows: after a bulk load, or to repair the index."""
    SearchEntry.objects.all().delete()
    written = 0
    for source in SOURCES.values():
        batch = []
        for row in source.rows().iterator(chunk_size=BATCH_SIZE):
            batch.append(source.entry(row))
            if len(batch) == BATCH_SIZE:
                _write(batch)
                written, batch = written + len(batch), []
        _write(batch)
        written += len(batch)
    return written


def index_fill(using: str = "default", **_: Any) -> None:
    """After the migrations: the entries of a record that has rows but no index yet. Only on a
    database migrated to the end, whose tables are those the models read."""
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if SearchEntry.objects.using(using).exists():
        return
    if any(s.model._default_manager.using(using).exists() for s in SOURCES.values()):
        index_rebuild()


def _saved(sender: type[Model], instance: Model, created: bool, raw: bool, **_: Any) -> None:
    if raw:  # fixtures: rebuild the index after loading them
        return
    source = next(s for s in SOURCES.values() if s.model is sender)
    entries_refresh(source=source, rows=source.rows().filter(pk=instance.pk))
    if not created:
        for kind, path in source.named_by.items():
            named = SOURCES[kind]
            entries_refresh(source=named, rows=named.rows().filter(**{path: instance.pk}))


def _deleted(sender: type[Model], instance: Model, **_: Any) -> None:
    kind = next(k for k, s in SOURCES.items() if s.model is sender)
    SearchEntry.objects.filter(kind=kind, object_id=instance.pk).delete()


def _lead_changed(instance: WorkstreamLead, raw: bool = False, **_: Any) -> None:
    if not raw:
        source = SOURCES[SearchKind.WORKSTREAM]
        entries_refresh(source=source, rows=source.rows().filter(pk=instance.workstream_id))


def _people_added(people: list[Person], **_: Any) -> None:
    """People the participants import wrote in bulk, with their entities at hand."""
    entries_refresh(source=SOURCES[SearchKind.PERSON], rows=people)


def receivers_connect() -> None:
    for source in SOURCES.values():
        uid = f"search-{source.kind}"
        post_save.connect(_saved, sender=source.model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=source.model, dispatch_uid=uid)
    post_save.connect(_lead_changed, sender=WorkstreamLead, dispatch_uid="search-lead")
    post_delete.connect(_lead_changed, sender=WorkstreamLead, dispatch_uid="search-lead")
    people_added.connect(_people_added, dispatch_uid="search-people")
