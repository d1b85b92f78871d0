"""The dated events a report names in a workstream's section (``[[events]]`` of
``workstreams.toml``): the workstream's own meetings, workshops, dialogues and launches, and the
events outside the EMG the report relates. Keyed by workstream and title; a date the report
gives in part (no year) is completed by our reading and marked inferred, with why."""

from collections.abc import Iterable, Mapping
from typing import Any

from workstreams.management.report_loader.rows import Loader
from workstreams.models import WorkstreamEvent


def events_load(loader: Loader, rows: Iterable[Mapping[str, Any]]) -> None:
    for row in rows:
        loader.upsert(
            WorkstreamEvent,
            {"workstream": loader.workstreams[row["workstream"]], "title": row["title"]},
            {
                "kind": row["kind"],
                "role": row["role"],
                "date": row["date"],
                "date_precision": row.get("date_precision", WorkstreamEvent.DatePrecision.DAY),
                "end_date": row.get("end_date"),
                "start_time": row.get("start_time"),
                "time_zone": row.get("time_zone", ""),
                "place": row.get("place", ""),
                **loader.sourced(row),
            },
        )
