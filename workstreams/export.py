"""The whole public record as one archive (``manage.py export_record PATH.zip``).

The archive holds exactly what an anonymous API consumer can read, in the API's own shapes:
each resource is listed by its API view, with an anonymous request, and serialized by the
view's serializer. Per resource a JSON file (the list's ``results``, every page at once) and a
CSV file (as ``?format=csv`` writes it, formula-like cells neutralised); ``manifest.json``
says when, from which version, and gives each file's rows and SHA-256.

Rows are read ``CHUNK_SIZE`` at a time and written as they come, so memory stays flat however
large the record. The archive is written to a temporary file beside the target and renamed
over it at the end: a reader never sees half an archive.
"""

import csv
import datetime
import gc
import hashlib
import io
import itertools
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework.serializers import Serializer
from rest_framework.test import APIRequestFactory
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.viewsets import GenericViewSet

from emgtracker.rest import CSVRenderer
from emgtracker.spreadsheets import safe_row
from meetings.api import EntityViewSet, MeetingViewSet, ParticipantViewSet
from meetings.models import Meeting
from workstreams.api import (
    DecisionViewSet,
    EventViewSet,
    ProgressUpdateViewSet,
    ProposalViewSet,
    TimelineViewSet,
    WorkstreamViewSet,
)

CHUNK_SIZE = 500
ARCHIVE_FORMAT = 1

# name in the archive, API path, view
RESOURCES: list[tuple[str, str, type[GenericViewSet[Model]]]] = [
    ("meetings", "meetings", MeetingViewSet),
    ("entities", "entities", EntityViewSet),
    ("workstreams", "workstreams", WorkstreamViewSet),
    ("timeline", "timeline", TimelineViewSet),
    ("updates", "updates", ProgressUpdateViewSet),
    ("decisions", "decisions", DecisionViewSet),
    ("proposals", "proposals", ProposalViewSet),
    ("events", "events", EventViewSet),
]


@dataclass
class ExportedFile:
    name: str
    rows: int
    sha256: str
    bytes: int


@dataclass
class Export:
    path: Path
    files: list[ExportedFile] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


class _Hashing(io.RawIOBase):
    """Counts and hashes what passes through to the archive member."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.target.write(chunk)
        return len(chunk)


def app_version() -> str:
    try:
        return version("emgtracker")
    except PackageNotFoundError:
        return "unknown"


def _anonymous_view(
    view_class: type[GenericViewSet[Model]], path: str, **kwargs: Any
) -> GenericViewSet[Model]:
    """The API's list view as an anonymous consumer reaches it, at SITE_URL."""
    site = urlsplit(settings.SITE_URL)
    request = APIRequestFactory().get(
        f"/api/v1/{path}/", HTTP_HOST=site.netloc, secure=site.scheme == "https"
    )
    request.user = AnonymousUser()
    view = view_class()
    view.action_map = {"get": "list"}
    view.args, view.kwargs, view.format_kwarg = (), kwargs, None
    view.request = view.initialize_request(request)
    view.headers = {}
    return view


def _rows(view: GenericViewSet[Model]) -> Iterator[dict[str, Any]]:
    """Every row of the view's list, in its order (then by id, so that two runs over the same
    data give the same files), serialized as the API serializes it."""
    if isinstance(view, TimelineViewSet):
        view.meetings = list(Meeting.objects.for_timeline())
    queryset: QuerySet[Any] = view.filter_queryset(view.get_queryset())
    ordering = [*(queryset.query.order_by or queryset.model._meta.ordering), "pk"]
    serializer_class = view.get_serializer_class()
    context = view.get_serializer_context()
    rows = queryset.order_by(*ordering).iterator(chunk_size=CHUNK_SIZE)
    for index, obj in enumerate(rows, start=1):
        yield serializer_class(obj, context=context).data
        if index % CHUNK_SIZE == 0:
            # A chunk's objects and their prefetched rows point at each other (Django sets
            # the reverse relation), cycles that the collector's rare full passes would
            # leave to pile up with the size of the record: freed here, chunk by chunk.
            gc.collect()


def _write_resource(
    archive: zipfile.ZipFile, name: str, view: GenericViewSet[Model]
) -> list[ExportedFile]:
    """``name.json`` and ``name.csv``. The CSV's columns are all the flattened keys, sorted, as
    the API's CSV has them; they are known only after the last row, so the flattened rows wait
    in a temporary file meanwhile."""
    renderer = CSVRenderer()
    columns: set[str] = set()
    rows = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as flat:
        with archive.open(f"{name}.json", "w") as member:
            out = _Hashing(member)
            out.write(b"[")
            for row in _rows(view):
                out.write((b",\n" if rows else b"\n") + json.dumps(row, cls=JSONEncoder).encode())
                item = renderer.flatten_item(row)
                columns.update(item)
                flat.write(json.dumps(item, cls=JSONEncoder) + "\n")
                rows += 1
            out.write(b"\n]\n")
        json_file = ExportedFile(f"{name}.json", rows, out.digest.hexdigest(), out.size)

        serializer = view.get_serializer()
        fields = serializer.fields if isinstance(serializer, Serializer) else {}
        header = sorted(columns) or list(fields)
        flat.seek(0)
        with archive.open(f"{name}.csv", "w") as member:
            out = _Hashing(member)
            line_buffer = io.StringIO()
            writer = csv.writer(line_buffer)
            cells: Iterator[list[Any]] = (
                safe_row(json.loads(line).get(column) for column in header) for line in flat
            )
            for cells_of_row in itertools.chain([safe_row(header)], cells):
                writer.writerow(cells_of_row)
                out.write(line_buffer.getvalue().encode())
                line_buffer.seek(0)
                line_buffer.truncate()
        csv_file = ExportedFile(f"{name}.csv", rows, out.digest.hexdigest(), out.size)
    return [json_file, csv_file]


def record_export(*, path: Path) -> Export:
    """Write the public record to the zip archive at ``path``, atomically."""
    path = Path(path)
    export = Export(path=path)
    generated_at = timezone.now()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            for name, api_path, view_class in RESOURCES:
                export.files += _write_resource(
                    archive, name, _anonymous_view(view_class, api_path)
                )
            for slug in Meeting.objects.order_by("date", "som_number", "pk").values_list(
                "slug", flat=True
            ):
                view = _anonymous_view(
                    ParticipantViewSet, f"meetings/{slug}/participants", meeting_slug=slug
                )
                export.files += _write_resource(archive, f"participants/{slug}", view)
            export.manifest = _manifest(export.files, generated_at)
            archive.writestr("manifest.json", json.dumps(export.manifest, indent=2) + "\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return export


def _manifest(files: list[ExportedFile], generated_at: datetime.datetime) -> dict[str, Any]:
    counts = {f.name.removesuffix(".json"): f.rows for f in files if f.name.endswith(".json")}
    participants = sum(n for name, n in counts.items() if name.startswith("participants/"))
    return {
        "format": ARCHIVE_FORMAT,
        "generated_at": generated_at.isoformat(),
        "app_version": app_version(),
        "site": settings.SITE_URL,
        "record": {
            "counts": {
                **{name: n for name, n in counts.items() if not name.startswith("participants/")},
                "participants": participants,
            },
        },
        "files": [
            {"name": f.name, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256} for f in files
        ],
    }
