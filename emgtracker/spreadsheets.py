"""Cells that a spreadsheet opens as data, never as a formula: every CSV and XLSX the product writes.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
tab or carriage return before one of them is skipped), so a summary such as
``=HYPERLINK("http://evil", "click")`` written raw into a CSV would run on the reader's
machine. As OWASP recommends (CSV Injection), such a text cell is written with a single quote
in front, which spreadsheets show as text. Real numbers stay numbers: an ``int``, a ``float``,
a ``Decimal`` or text that is exactly a number (``-3``, ``-0.5``, ``1e-3``) is left as it is.

The API's CSV (emgtracker/rest.py), the briefing pack's CSV (workstreams/briefing.py), the
admin's import-export formats (meetings/imports.py) and ``export_record`` all write through
:func:`safe_cell`.
"""

import re
from collections.abc import Iterable
from typing import Any

import tablib
from import_export.formats.base_formats import CSV, XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def starts_like_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula: it begins with = + - @ tab or CR
    and is not simply a number."""
    return text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text)


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot run: text that begins like a formula gets
    a leading single quote; everything else, numbers included, is returned unchanged."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def safe_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """A copy of ``dataset`` with every cell (and header) made safe."""
    safe = tablib.Dataset(headers=safe_row(dataset.headers) if dataset.headers else None)
    for row in dataset:
        safe.append(safe_row(row))
    return safe


class SafeCSV(CSV):
    """import-export's CSV, with every exported cell made safe (import-export's own escaping
    only drops a leading ``=``)."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(safe_dataset(dataset), **kwargs)


class SafeXLSX(XLSX):
    """import-export's XLSX, with every exported cell made safe: openpyxl would otherwise
    store text that begins with ``=`` as a live formula."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(safe_dataset(dataset), **kwargs)
