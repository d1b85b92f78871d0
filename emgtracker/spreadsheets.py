"""Cells that a spreadsheet opens as data, never as a formula: every CSV and XLSX the product writes.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
tab or carriage return before one of them is skipped), so a summary such as
``=HYPERLINK("http://evil", "click")`` written raw into a CSV would run on the reader's
machine. As OWASP recommends (CSV Injection), such a text cell is written with a single quote
in front, which spreadsheets show as text. Real numbers stay numbers: an ``int``, a ``float``,
a ``Decimal`` or text that is exactly a number (``-3``, ``-0.5``, ``1e-3``) is left as it is.

The API's CSV (emgtracker/rest.py), the briefing pack's CSV (workstreams/briefing.py) and
``export_record`` all write through :func:`safe_cell`; the participants import
(meetings/imports/rows.py) refuses a cell that :func:`starts_like_formula`.
"""

import re
from collections.abc import Iterable
from typing import Any

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
