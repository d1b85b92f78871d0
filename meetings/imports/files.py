"""Reading an uploaded list of participants into a table of cells, within the import's limits.

Every check here runs before the file is parsed, or while it is read: the file's size, an
XLSX's zip directory (a "zip bomb" is refused unpacked) and the number of rows (reading stops
at the first row over the limit). The table keeps blank rows, so that row ``i`` of the table is
row ``i + 1`` of the user's spreadsheet.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

CSV = "csv"
XLSX = "xlsx"
# The formats the import form offers, in the order of its choices ("0" is CSV, "1" XLSX).
FORMATS = (CSV, XLSX)

Table = list[list[object]]


class UnreadableFileError(ValueError):
    """The upload cannot be read as the chosen format; the message is meant for the user."""


def check_size(size: int) -> None:
    """Refuse a file larger than IMPORT_MAX_FILE_BYTES, before anything reads it."""
    if size > settings.IMPORT_MAX_FILE_BYTES:
        raise UnreadableFileError(
            gettext(
                "This file is %(size)s; the largest file accepted is %(max)s. A list of "
                "participants is much smaller: check that this is the right file."
            )
            % {"size": filesizeformat(size), "max": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)}
        )


def limit_rows(rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    """The header and the rows below it, refusing a file of more than IMPORT_MAX_ROWS rows as
    soon as it has one row too many (the rest is not read)."""
    most = settings.IMPORT_MAX_ROWS
    for index, row in enumerate(rows):
        if index > most:
            raise UnreadableFileError(
                gettext(
                    "This file has more than %(max)d rows below its header; a list of "
                    "participants can have at most %(max)d."
                )
                % {"max": most}
            )
        yield row


def check_workbook(data: bytes) -> None:
    """Refuse an XLSX that would unpack too large (a "zip bomb"), from the sizes its zip
    directory states, before any of it is unpacked.

    Python's zipfile never unpacks a member beyond the size the directory states for it (it
    stops there and reports a bad CRC), so the sizes checked here bound what openpyxl reads.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError) as error:
        # Not a workbook at all: told as any file that cannot be read as XLSX.
        raise ValueError("not a zip archive") from error
    unpacked = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    if len(members) > settings.IMPORT_XLSX_MAX_MEMBERS:
        raise UnreadableFileError(
            gettext(
                "This workbook holds %(count)d parts; a workbook of participants has far "
                "fewer (at most %(max)d are accepted)."
            )
            % {"count": len(members), "max": settings.IMPORT_XLSX_MAX_MEMBERS}
        )
    if unpacked > settings.IMPORT_XLSX_MAX_UNPACKED_BYTES:
        raise UnreadableFileError(
            gettext(
                "This workbook would unpack to %(size)s; at most %(max)s is accepted. Save "
                "the list of participants alone, or as CSV."
            )
            % {
                "size": filesizeformat(unpacked),
                "max": filesizeformat(settings.IMPORT_XLSX_MAX_UNPACKED_BYTES),
            }
        )
    if unpacked > settings.IMPORT_XLSX_MAX_RATIO * packed:
        raise UnreadableFileError(
            gettext(
                "This workbook unpacks to %(ratio)d times its size, which a list of "
                "participants never does (at most %(max)d times is accepted)."
            )
            % {"ratio": unpacked // packed, "max": settings.IMPORT_XLSX_MAX_RATIO}
        )


def read_csv(data: bytes) -> Table:
    """CSV as a spreadsheet reads it: blank lines kept (so row numbers match the file), and
    comma, semicolon or tab separated, whichever the header row uses most."""
    text = data.decode("utf-8-sig")
    header_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [list(row) for row in limit_rows(reader)]
    except csv.Error as error:
        raise UnreadableFileError(
            gettext("Row %(row)d: this is not a valid CSV file (%(error)s).")
            % {"row": reader.line_num, "error": error}
        ) from error


def read_xlsx(data: bytes) -> Table:
    """The first sheet of a workbook, refused unread when its zip directory is over the limits.
    Blank rows are kept so that row numbers match the sheet."""
    check_workbook(data)
    # 'data_only': a formula cell gives the value the spreadsheet last computed for it.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.active
        if sheet is None:
            return []
        return [list(row) for row in limit_rows(sheet.iter_rows(values_only=True))]
    finally:
        book.close()


def read_table(data: bytes, file_format: str) -> Table:
    """The file's rows, the header first, every row as wide as the widest.

    Raises UnreadableFileError (a message for the user) when over a limit, and another
    exception when the file is not in ``file_format`` at all (see read_failure_message).
    """
    check_size(len(data))
    rows = read_xlsx(data) if file_format == XLSX else read_csv(data)
    width = max((len(row) for row in rows), default=0)
    return [[*row, *[""] * (width - len(row))] for row in rows]


def read_failure_message(error: Exception, file_format: str) -> str:
    """What to tell the user when the uploaded file cannot be read at all."""
    if isinstance(error, UnreadableFileError):
        return str(error)
    if isinstance(error, UnicodeDecodeError):
        return gettext(
            "This file is not CSV text in UTF-8. Save it from your spreadsheet as "
            "“CSV UTF-8”, or upload the .xlsx workbook and choose the xlsx format."
        )
    return gettext(
        "This file cannot be read as %(format)s. Check that the file is in that format and "
        "that the format chosen below matches it."
    ) % {"format": file_format.upper()}
