"""A meeting report as numbered lines of text, whatever file it came in.

A report arrives as ``.txt``, ``.docx`` or ``.pdf``. Each is checked before it is parsed (its
size, that its bytes are what its name says, that a DOCX does not unpack into far more than
it is, that a PDF is not encrypted), then read into ``Line``s: the text of one line, paragraph
or table row, its number, and its page where the file has pages. A table's cells, and the
columns of a PDF's layout, are kept apart by tabs, as a text report's tables are; so the
extraction (intake.extraction) reads every format alike.
"""

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from docx.table import _Cell

TXT, DOCX, PDF = "txt", "docx", "pdf"
FORMATS = (TXT, DOCX, PDF)

# What each format's bytes begin with: a DOCX is a ZIP file, a PDF says so.
_MAGIC = {DOCX: b"PK\x03\x04", PDF: b"%PDF-"}


class ReportUnreadable(ValueError):
    """The file cannot be read as a report; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Line:
    """One line of a report: a line of a text file, a paragraph or table row of a DOCX, a line
    of a PDF's page. ``number`` counts from 1 through the file (a PDF's from 1 on each page)."""

    number: int
    text: str
    page: int | None = None

    @property
    def where(self) -> str:
        if self.page is None:
            return _("line %(line)d") % {"line": self.number}
        return _("page %(page)d, line %(line)d") % {"page": self.page, "line": self.number}


def format_of(name: str) -> str:
    """The format a file's name gives; ReportUnreadable for any other."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ReportUnreadable(
            _("“%(name)s” is not a report this tracker reads: send a .docx, .pdf or .txt file.")
            % {"name": PurePath(name).name[:100]}
        )
    return suffix


def size_check(size: int) -> None:
    """Refuse a file larger than a report is, before reading it (INTAKE_MAX_FILE_BYTES)."""
    most = settings.INTAKE_MAX_FILE_BYTES
    if size > most:
        raise ReportUnreadable(
            _("The file is %(size)s MB; a report may be at most %(most)s MB.")
            % {"size": _megabytes(size), "most": _megabytes(most)}
        )


def report_check(data: bytes, file_format: str) -> None:
    """Refuse, before any parsing, a file too large, empty, or not what its name says."""
    size_check(len(data))
    if not data.strip():
        raise ReportUnreadable(_("The file is empty."))
    magic = _MAGIC.get(file_format)
    if magic is not None and not data.startswith(magic):
        raise ReportUnreadable(
            _("The file is named .%(format)s but is not a %(kind)s file.")
            % {"format": file_format, "kind": file_format.upper()}
        )
    if file_format == TXT:
        _text_check(data)
    elif file_format == DOCX:
        _docx_check(data)
    else:
        _pdf_check(data)


def report_read(data: bytes, file_format: str) -> list[Line]:
    """The report's lines, blank lines left out; checked first (report_check)."""
    report_check(data, file_format)
    reader = {TXT: _text_lines, DOCX: _docx_lines, PDF: _pdf_lines}[file_format]
    lines = [line for line in reader(data) if line.text.strip()]
    if not lines:
        raise ReportUnreadable(_("The file holds no text to read."))
    return lines


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0")


def _decoded(data: bytes) -> str:
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportUnreadable(
            _("The .txt file is not UTF-8 text: save the report as UTF-8 text, or send the DOCX.")
        ) from error


def _text_check(data: bytes) -> None:
    if b"\x00" in data and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise _binary()
    text = _decoded(data)
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
    )
    if controls:
        raise _binary()


def _binary() -> ReportUnreadable:
    return ReportUnreadable(
        _("The .txt file holds binary data, not text: is it another file renamed .txt?")
    )


def _text_lines(data: bytes) -> Iterator[Line]:
    for number, text in enumerate(_decoded(data).splitlines(), start=1):
        yield Line(number, _clean(text))


def _clean(text: str) -> str:
    """A line's text with its spacing made plain: no trailing spaces, no form feeds or
    non-breaking spaces; tabs (a table's cell boundaries) are kept."""
    text = text.replace("\xa0", " ").replace("\f", "").replace("\u200b", "")
    return text.rstrip()


def _docx_check(data: bytes) -> None:
    """A DOCX is a ZIP file: refuse one that is broken, or would unpack into far more than a
    report is (a "zip bomb"), before python-docx unpacks anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise ReportUnreadable(_("The DOCX file is damaged and cannot be opened.")) from error
    if len(members) > settings.INTAKE_DOCX_MAX_MEMBERS:
        raise ReportUnreadable(
            _("The DOCX file holds %(count)d parts; a report has far fewer.")
            % {"count": len(members)}
        )
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if (
        unpacked > settings.INTAKE_DOCX_MAX_UNPACKED_BYTES
        or unpacked / packed > settings.INTAKE_DOCX_MAX_RATIO
    ):
        raise ReportUnreadable(
            _(
                "The DOCX file would unpack into %(size)s MB, far more than a report: it is "
                "refused as a possible zip bomb."
            )
            % {"size": _megabytes(unpacked)}
        )
    if "word/document.xml" not in {member.filename for member in members}:
        raise ReportUnreadable(_("The file is a ZIP archive but not a Word document."))


def _docx_lines(data: bytes) -> Iterator[Line]:
    """Each paragraph a line; each table row a line, its cells joined by tabs (a cell's own
    paragraphs by spaces), in the order the document has them."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged package.
        raise ReportUnreadable(_("The DOCX file is damaged and cannot be opened.")) from error
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            rows = [_clean(block.text.replace("\n", " "))]
        else:
            assert isinstance(block, Table)
            rows = [
                "\t".join(
                    " ".join(cell.text.split()) for cell in _unmerged_cells(list(row.cells))
                ).rstrip("\t")
                for row in block.rows
            ]
        for text in rows:
            number += 1
            yield Line(number, text)


def _unmerged_cells(cells: list["_Cell"]) -> list["_Cell"]:
    """python-docx repeats a merged cell once per grid column it spans: keep one."""
    kept: list[_Cell] = []
    for cell in cells:
        if not kept or getattr(cell, "_tc", None) is not getattr(kept[-1], "_tc", None):
            kept.append(cell)
    return kept


def _pdf_check(data: bytes) -> None:
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect as error:
        raise _encrypted() from error
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as error:
        raise ReportUnreadable(_("The PDF file is damaged and cannot be opened.")) from error
    if document.encryption is not None:
        raise _encrypted()


def _encrypted() -> ReportUnreadable:
    return ReportUnreadable(
        _("The PDF file is encrypted: save it without a password, or send the DOCX.")
    )


# Text pieces of a page closer together vertically than this (in points) share a line.
_SAME_LINE = 3.0


def _pdf_lines(data: bytes) -> Iterator[Line]:
    """Each page's text lines top to bottom, with the layout kept: the pieces that lie side by
    side on a line (a table's columns) are joined by tabs, left to right; the lines of one
    paragraph, wrapped by the page's width, are joined into one."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pages = list(extract_pages(io.BytesIO(data), laparams=LAParams()))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as error:
        raise ReportUnreadable(_("The PDF file is damaged and cannot be read.")) from error
    for page_number, page in enumerate(pages, start=1):
        # (top, left, text, the paragraph the piece is a line of)
        pieces: list[tuple[float, float, str, int]] = []
        for box_number, element in enumerate(page):
            if isinstance(element, LTTextBox):
                for text_line in element:
                    text = text_line.get_text().strip() if isinstance(text_line, LTTextLine) else ""
                    if text:
                        pieces.append((-text_line.y1, text_line.x0, text, box_number))
        rows: list[list[tuple[float, float, str, int]]] = []
        for piece in sorted(pieces):
            if rows and abs(rows[-1][0][0] - piece[0]) <= _SAME_LINE:
                rows[-1].append(piece)
            else:
                rows.append([piece])
        merged: list[list[tuple[float, float, str, int]]] = []
        for row in rows:
            before = merged[-1] if merged else None
            if before and len(row) == 1 and len(before) == 1 and before[0][3] == row[0][3]:
                top, left, text, box = before[0]
                merged[-1] = [(top, left, f"{text} {row[0][2]}", box)]
            else:
                merged.append(row)
        for line_number, row in enumerate(merged, start=1):
            cells = [re.sub(r"\s+", " ", piece[2]) for piece in sorted(row, key=_left_of)]
            yield Line(line_number, "\t".join(cells), page=page_number)


def _left_of(piece: tuple[float, float, str, int]) -> float:
    return piece[1]
