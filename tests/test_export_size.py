"""Exports at any size: the memory an export takes does not grow with the record.

``export_record`` reads ``CHUNK_SIZE`` rows at a time and writes them as they come
(workstreams/export.py); the API's CSV is one page of at most ``MAX_PAGE_SIZE`` rows
(docs/api.md). Each is measured with tracemalloc at N and at 4N workstreams, after a first
run that fills the one-time caches (templates, translations, imports).
"""

import gc
import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from meetings.models import Entity
from workstreams import export
from workstreams.models import Workstream, WorkstreamLead

pytestmark = pytest.mark.usefixtures("record")

N = 50
# Within this factor: a copy of every row would make 4N cost well over it.
BOUND = 1.25


def _grow(n: int) -> None:
    """``n`` more workstreams, each led by an entity of its own."""
    start = Workstream.objects.count()
    numbers = range(start, start + n)
    entities = Entity.objects.bulk_create(
        Entity(slug=f"size-e{i}", acronym=f"SE{i}", name=f"Size entity {i}") for i in numbers
    )
    workstreams = Workstream.objects.bulk_create(
        Workstream(
            slug=f"size-w{i}",
            title=f"Workstream on the size of things {i}",
            short_title=f"Size {i}",
            kind="task_team",
            description="=A description that a spreadsheet would run. " * 5,
        )
        for i in numbers
    )
    WorkstreamLead.objects.bulk_create(
        WorkstreamLead(workstream=w, entity=e) for w, e in zip(workstreams, entities, strict=True)
    )


def _peak(run: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _unzipped_size(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(member.file_size for member in archive.infolist())


def test_export_record_memory_does_not_grow_with_the_record(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SITE_URL = "http://testserver"
    # Chunks smaller than N, so that both sizes read several of them.
    monkeypatch.setattr(export, "CHUNK_SIZE", 25)
    path = tmp_path / "record.zip"

    def run() -> None:
        call_command("export_record", str(path), stdout=io.StringIO())

    _grow(N)
    run()
    at_n = _peak(run)
    size_at_n = _unzipped_size(path)
    _grow(3 * N)
    at_4n = _peak(run)
    assert _unzipped_size(path) > 2 * size_at_n  # the record did grow
    assert at_4n < BOUND * at_n, f"{at_n} bytes at N, {at_4n} at 4N"


def test_api_csv_memory_does_not_grow_with_the_record(client: Client) -> None:
    url = "/api/v1/workstreams/?format=csv&page_size=50&ordering=-slug"

    def run() -> None:
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.count(b"\r\n") == 51  # the header and a full page

    _grow(N)
    run()
    at_n = _peak(run)
    _grow(3 * N)
    at_4n = _peak(run)
    assert at_4n < BOUND * at_n, f"{at_n} bytes at N, {at_4n} at 4N"
