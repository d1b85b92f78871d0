"""The report loader: what the SOM28 mid-term and SOM29 midterm reports state, loaded once
(``manage.py load_emg_record``). It lives under ``management/``, beside its command, because
no page, API view or task calls it: only the command, the benchmark and the tests do.

The data lives in ``data/`` beside this module: TOML files reviewed against the reports, and
the list of participants of the SOM28 mid-term segment exactly as its annex gives it. Rows are
matched on natural keys (slugs, names, numbers, titles) and written only when a value differs,
so a second load changes nothing.

The reports are where the database starts, never an authority over later edits. For every row it
writes, the loader keeps a fingerprint (``LoadedRow``: the row's key in the reports and a digest
of the values it wrote). On the next load:

- a row that still holds what the loader wrote takes the reports' corrections, if any;
- a row that differs from what the loader wrote was changed by someone: it is left alone
  (no update, no publish, no event) and the report says so, with who and when where the
  history knows;
- a row the loader wrote and someone deleted is not created again, and rows of the reports
  that refer to it are left alone too;
- a row with no fingerprint (a database loaded before fingerprints were kept) takes the
  reports' values only if its history shows no write but the loader's; otherwise it is left
  alone, and it is fingerprinted once it agrees with the reports.

The 17 SDG goals and 169 targets (``data/sdg.csv``) and the record's cross-references
(``data/references.toml``) are loaded by the same rules (``framework``).

Once the rows are loaded, the unofficial translations of their content (``data/translations``,
one file per language) are written into the language columns, by the same rules, field by field
(``translations``).
"""

import csv
import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

from workstreams.management.report_loader.framework import read_sdg, references_load, sdg_load
from workstreams.management.report_loader.meetings import entities_load, meetings_load
from workstreams.management.report_loader.report import (
    HISTORY_REASON,
    LoadReport,
    ReportDataError,
    RowNote,
)
from workstreams.management.report_loader.rows import loading
from workstreams.management.report_loader.translations import translations_load
from workstreams.management.report_loader.workstreams import timeline_refresh, workstreams_load

__all__ = ["HISTORY_REASON", "LoadReport", "ReportDataError", "RowNote", "reports_load"]

DATA_DIR = Path(__file__).resolve().parent / "data"
TRANSLATIONS_DIR = DATA_DIR / "translations"


def _read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


def read_translations() -> dict[str, dict[str, Any]]:
    """Each language's translations, by language code (``fr.toml``, ``zh-hans.toml``)."""
    files = {}
    for path in sorted(TRANSLATIONS_DIR.glob("*.toml")):
        with path.open("rb") as f:
            files[path.stem] = tomllib.load(f)
    return files


def _read_participants() -> list[dict[str, str]]:
    with (DATA_DIR / "som28-mid-term-participants.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def reports_load(*, dry_run: bool = False) -> LoadReport:
    """Load the two reports into the database; a second run changes nothing.

    Rows someone changed or deleted after loading are left alone and listed in the report.
    With ``dry_run`` everything is rolled back: no row, history record, outbox message or
    webhook delivery is written, and the report says what a load would do.
    """
    # The rows' translated fields read and write the original's column by their plain names
    # (``title``) only in the original language: whatever the caller's language is.
    with (
        translation.override(settings.CONTENT_ORIGINAL_LANGUAGE),
        loading(dry_run=dry_run) as loader,
    ):
        entities_load(loader, _read_toml("entities.toml")["entities"])
        meetings_load(loader, _read_toml("meetings.toml"), _read_participants())
        workstreams_load(loader, _read_toml("workstreams.toml"))
        sdg_load(loader, read_sdg())
        references_load(loader, _read_toml("references.toml"))
        timeline_refresh(loader)
        translations_load(loader, read_translations())
    return loader.report
