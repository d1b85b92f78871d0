"""The wider framework: the 17 SDG goals and 169 targets (``data/sdg.csv``), the UNEA resolutions
and MEA decisions the reports name, and the record's cross-references: a workstream, a progress
update or a decision tagged where a report names a reference in its section, with the quote
(``data/references.toml``).

Written by the same rules as the rest of the record (``rows.Loader``): a second load changes
nothing, and a reference or a tag someone edited or deleted after loading is left alone.
"""

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from workstreams.management.report_loader.report import LoadReport, ReportDataError
from workstreams.management.report_loader.rows import Loader, loading
from workstreams.models import FrameworkReference, ReferenceTag, TagOrigin

SDG_FILE = Path(__file__).resolve().parent / "data" / "sdg.csv"


def read_sdg(path: Path = SDG_FILE) -> list[dict[str, str]]:
    """The goals and targets of the data file, in its order (its header's comments skipped)."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def sdg_load(loader: Loader, rows: Iterable[Mapping[str, str]]) -> None:
    """Each goal, then its targets, by kind and code; a target's goal is the row before it."""
    for row in rows:
        goal = loader.references[("sdg_goal", row["goal"])] if row["goal"] else None
        loader.references[row["kind"], row["code"]] = loader.upsert(
            FrameworkReference,
            {"kind": row["kind"], "code": row["code"]},
            {"title": row["title"], "goal": goal},
        )


def references_load(loader: Loader, data: Mapping[str, Any]) -> None:
    """The resolutions and decisions the reports name, then the record's tags."""
    for row in data.get("references", []):
        loader.references[row["kind"], row["code"]] = loader.upsert(
            FrameworkReference,
            {"kind": row["kind"], "code": row["code"]},
            {"title": row["title"], "body": row.get("body", "")},
        )
    for row in data.get("tags", []):
        loader.upsert(
            ReferenceTag,
            {"reference": _reference(loader, row["reference"]), **_tagged(loader, row)},
            {"origin": TagOrigin.RECORD, **loader.sourced(row)},
        )


def _reference(loader: Loader, named: Mapping[str, str]) -> Any:
    key = (named["kind"], named["code"])
    if key not in loader.references:
        raise ReportDataError(f"Unknown reference {key!r}.")
    return loader.references[key]


def _tagged(loader: Loader, row: Mapping[str, Any]) -> dict[str, Any]:
    """The one workstream, progress update or decision the tag is on, by its record key."""
    if "workstream" in row:
        return {"workstream": loader.workstreams[row["workstream"]]}
    if "update" in row:
        key = (row["update"]["workstream"], row["update"]["meeting"])
        if key not in loader.updates:
            raise ReportDataError(f"Unknown progress update {key!r}.")
        return {"update": loader.updates[key]}
    named = row["decision"]
    found = (named["meeting"], named["workstream"], named["kind"])
    if found not in loader.decisions:
        raise ReportDataError(f"Unknown decision {found!r}.")
    return {"decision": loader.decisions[found]}


def sdg_file_load(*, dry_run: bool = False) -> LoadReport:
    """Load the SDG goals and targets alone (``manage.py load_sdg``); a second run changes
    nothing, and a goal or target someone edited is left alone."""
    with loading(dry_run=dry_run) as loader:
        sdg_load(loader, read_sdg())
    return loader.report
