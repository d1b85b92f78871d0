"""Importing a meeting's list of participants from a CSV or XLSX file, in the admin.

The secretariat picks a meeting and uploads its list of participants: a header row, then one
row per participant with a ``name`` column, an ``entity`` column (the entity's acronym or full
name, blank for none) and, optionally, a ``list_number`` column. django-import-export shows a
preview, which is a dry run inside a transaction that is rolled back, and writes when the user
confirms.

The whole file is checked before anything is written, at the preview and again at the
confirmation: one bad row and nothing is saved, not even the new people. Messages count rows
as a spreadsheet does (the header is row 1, the first participant row 2), so that "Row 4" is
the row the user sees in their file.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib
from diff_match_patch import diff_match_patch
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, Q
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.resources import Diff, ModelResource
from import_export.results import Error, Result

from emgtracker.spreadsheets import SafeCSV, SafeXLSX, starts_like_formula
from meetings.models import Attendance, Entity, Meeting, Person

NAME = "name"
ENTITY = "entity"
LIST_NUMBER = "list_number"
REQUIRED_COLUMNS = (NAME, ENTITY)
# The largest value a PositiveSmallIntegerField holds on every database Django supports.
LIST_NUMBER_MAX = 32767
# The first row of the file is the header, so data row ``i`` (from 0) is row ``i + 2``.
FIRST_DATA_ROW = 2
# Rows written, and names looked up, per query: SQLite allows 32,766 variables in one query
# (999 before SQLite 3.32), PostgreSQL 65,535.
BATCH_SIZE = 500


class UnreadableFileError(ValueError):
    """The upload cannot be read as the chosen format; the message is meant for the user."""


class ParticipantFileError(Exception):
    """A problem with the file as a whole (its header row, no participants, no meeting)."""


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
    packed = sum(member.compress_size for member in members)
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
    if unpacked > settings.IMPORT_XLSX_MAX_RATIO * max(packed, 1):
        raise UnreadableFileError(
            gettext(
                "This workbook unpacks to %(ratio)d times its size, which a list of "
                "participants never does (at most %(max)d times is accepted)."
            )
            % {"ratio": unpacked // max(packed, 1), "max": settings.IMPORT_XLSX_MAX_RATIO}
        )


class ParticipantCSV(SafeCSV):
    """CSV as a spreadsheet reads it, so that row numbers in messages match the user's file.

    tablib drops blank lines, which would shift every later row number; this keeps them (and
    the import then ignores them). It also reads the semicolon-separated CSV that spreadsheets
    write in locales where the comma is the decimal separator. A file over the size or row
    limits is refused.
    """

    def create_dataset(self, in_stream: str | bytes, **kwargs: Any) -> tablib.Dataset:
        check_size(len(in_stream.encode() if isinstance(in_stream, str) else in_stream))
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        header_line = in_stream.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=header_line.count)
        reader = csv.reader(io.StringIO(in_stream, newline=""), delimiter=delimiter)
        try:
            rows = list(limit_rows(reader))
        except csv.Error as error:
            raise UnreadableFileError(
                gettext("Row %(row)d: this is not a valid CSV file (%(error)s).")
                % {"row": reader.line_num, "error": error}
            ) from error
        return _dataset(rows)


class ParticipantXLSX(SafeXLSX):
    """The first sheet of a workbook, refused unread when over the size, unpacked-size or
    row limits. Blank rows are kept so that row numbers match the sheet."""

    def create_dataset(self, in_stream: bytes, **kwargs: Any) -> tablib.Dataset:
        import openpyxl

        check_size(len(in_stream))
        check_workbook(in_stream)
        # 'data_only': a formula cell gives the value the spreadsheet last computed for it.
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = book.active
            if sheet is None:
                return tablib.Dataset()
            rows = [list(row) for row in limit_rows(sheet.iter_rows(values_only=True))]
        finally:
            book.close()
        return _dataset(rows)


def _dataset(rows: Sequence[Sequence[object]]) -> tablib.Dataset:
    """The rows as a dataset whose header is the first row, every row as wide as the widest."""
    dataset = tablib.Dataset()
    if not rows:
        return dataset
    width = max(len(row) for row in rows)
    dataset.headers = [*rows[0], *[""] * (width - len(rows[0]))]
    for row in rows[1:]:
        dataset.append([*row, *[""] * (width - len(row))])
    return dataset


IMPORT_FORMATS = [ParticipantCSV, ParticipantXLSX]


def read_failure_message(error: Exception, format_title: str) -> str:
    """What to tell the user when the uploaded file cannot be parsed at all."""
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
    ) % {"format": format_title.upper()}


# Reading the file ---------------------------------------------------------------------------


def column_key(header: object) -> str:
    """A header cell as a column name: "List number" and " list-number " both read list_number."""
    if header is None:
        return ""
    return re.sub(r"[\s\-]+", "_", str(header).strip().lower())


def cell_text(value: object) -> str:
    """A cell as text; XLSX gives numbers as int or float, and empty cells as None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def has_control_character(text: str) -> bool:
    """True for text with a NUL or a like character: binary data, not a name.

    Tabs and line breaks are left alone: a spreadsheet cell can hold them.
    """
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in text)


def lookup_key(text: str) -> str:
    """How an entity's acronym or name is compared: ignoring case and repeated spaces."""
    return " ".join(text.split()).casefold()


def parse_list_number(value: object) -> int | None:
    """The list number in a cell, None for a blank cell; ValueError if not a whole number."""
    if isinstance(value, bool):  # An XLSX TRUE/FALSE cell, which int() would accept.
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        raise ValueError(value)
    return int(text)


def max_length(model: type[Model], field_name: str) -> int:
    length = model._meta.get_field(field_name).max_length  # type: ignore[union-attr]
    assert isinstance(length, int)
    return length


class EntityIndex:
    """Entities by acronym or full name, case-insensitively; an acronym match wins."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.by_acronym: dict[str, list[Entity]] = defaultdict(list)
        self.by_name: dict[str, list[Entity]] = defaultdict(list)
        for entity in entities:
            if entity.acronym:
                self.by_acronym[lookup_key(entity.acronym)].append(entity)
            self.by_name[lookup_key(entity.name)].append(entity)

    def find(self, text: str) -> list[Entity]:
        key = lookup_key(text)
        return self.by_acronym.get(key) or self.by_name.get(key) or []


@dataclass
class PlannedRow:
    """One participant row of the file, checked and matched against the database."""

    file_row: int
    name: str
    entity: Entity | None
    listed_affiliation: str
    list_number: int | None
    person: Person | None = None
    attendance: Attendance | None = None


@dataclass
class ParticipantPlan:
    """What an import of the file would do, or why it cannot be done."""

    rows: list[PlannedRow] = field(default_factory=list)
    has_list_numbers: bool = False
    file_errors: list[str] = field(default_factory=list)
    row_errors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Attendances whose list number changes: cleared before any row is written, so that a
    # renumbered list never meets the (meeting, list_number) unique constraint half-way.
    renumbered_ids: list[int] = field(default_factory=list)

    def add_error(self, file_row: int, message: str, **params: object) -> None:
        """Record a problem with a row; ``message`` is a translated text with %(row)d in it."""
        self.row_errors[file_row].append(message % {"row": file_row, **params})

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.row_errors


@dataclass
class Columns:
    """Where the columns are in the file."""

    name: int
    entity: int
    list_number: int | None


def plan_participants(dataset: tablib.Dataset, meeting: Meeting | None) -> ParticipantPlan:
    """Check every row of the file and match it to entities, people and attendances.

    Reads the database and never writes to it.
    """
    plan = ParticipantPlan()
    if meeting is None:
        plan.file_errors.append(gettext("Choose the meeting these participants attended."))
        return plan
    columns = _read_header(dataset.headers or [], plan)
    if columns is None:
        return plan
    plan.has_list_numbers = columns.list_number is not None
    entities = EntityIndex(Entity.objects.all())
    first_row_of_name: dict[str, int] = {}
    first_row_of_number: dict[int, int] = {}
    for index, values in enumerate(dataset):
        file_row = index + FIRST_DATA_ROW
        if all(cell_text(value) == "" for value in values):
            continue  # A blank line between participants, or below the last one.
        row = _read_row(plan, file_row, values, columns, entities)
        if row.name:
            first = first_row_of_name.setdefault(row.name.casefold(), file_row)
            if first != file_row:
                plan.add_error(
                    file_row,
                    gettext("Row %(row)d: “%(name)s” is listed twice (first on row %(first)d)."),
                    name=row.name,
                    first=first,
                )
        if row.list_number is not None:
            first = first_row_of_number.setdefault(row.list_number, file_row)
            if first != file_row:
                plan.add_error(
                    file_row,
                    gettext(
                        "Row %(row)d: list number %(number)d is used twice (first on row %(first)d)."
                    ),
                    number=row.list_number,
                    first=first,
                )
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append(gettext("The file has a header row but no participants below it."))
        return plan
    _match_people(plan, meeting)
    return plan


def _read_header(headers: list[object], plan: ParticipantPlan) -> Columns | None:
    columns = [column_key(header) for header in headers]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        plan.file_errors.append(
            gettext(
                "Row 1: the header row needs the columns %(needed)s; it is missing %(missing)s. "
                "The first row of the file must be the header row."
            )
            % {
                "needed": ", ".join(f"“{name}”" for name in REQUIRED_COLUMNS),
                "missing": ", ".join(f"“{name}”" for name in missing),
            }
        )
        return None
    for name in (*REQUIRED_COLUMNS, LIST_NUMBER):
        if columns.count(name) > 1:
            plan.file_errors.append(
                gettext("Row 1: the header row has more than one “%(column)s” column.")
                % {"column": name}
            )
    if plan.file_errors:
        return None
    return Columns(
        name=columns.index(NAME),
        entity=columns.index(ENTITY),
        list_number=columns.index(LIST_NUMBER) if LIST_NUMBER in columns else None,
    )


def _read_row(
    plan: ParticipantPlan,
    file_row: int,
    values: tuple[object, ...],
    columns: Columns,
    entities: EntityIndex,
) -> PlannedRow:
    """One row's name, entity and list number, with its problems recorded in the plan."""
    name = cell_text(values[columns.name])
    if not name:
        plan.add_error(file_row, gettext("Row %(row)d: the name is blank."))
    elif has_control_character(name):
        plan.add_error(file_row, gettext("Row %(row)d: the name contains a control character."))
        name = ""  # Kept out of the lookups: PostgreSQL refuses a NUL even in a query.
    elif starts_like_formula(name):
        _refuse_formula(plan, file_row, NAME, name)
    elif len(name) > max_length(Person, "name"):
        plan.add_error(
            file_row,
            gettext("Row %(row)d: the name is longer than %(max)d characters."),
            max=max_length(Person, "name"),
        )

    affiliation = cell_text(values[columns.entity])
    entity = None
    if has_control_character(affiliation):
        plan.add_error(file_row, gettext("Row %(row)d: the entity contains a control character."))
    elif starts_like_formula(affiliation):
        _refuse_formula(plan, file_row, ENTITY, affiliation)
    elif affiliation:
        found = entities.find(affiliation)
        if not found:
            plan.add_error(
                file_row, gettext("Row %(row)d: unknown entity “%(entity)s”."), entity=affiliation
            )
        elif len(found) > 1:
            plan.add_error(
                file_row,
                gettext("Row %(row)d: “%(entity)s” matches more than one entity (%(found)s)."),
                entity=affiliation,
                found=", ".join(match.name for match in found),
            )
        else:
            entity = found[0]
        if len(affiliation) > max_length(Attendance, "listed_affiliation"):
            plan.add_error(
                file_row,
                gettext("Row %(row)d: the entity is longer than %(max)d characters."),
                max=max_length(Attendance, "listed_affiliation"),
            )

    number = None
    if columns.list_number is not None:
        cell = values[columns.list_number]
        try:
            number = parse_list_number(cell)
        except ValueError:
            plan.add_error(
                file_row,
                gettext("Row %(row)d: the list number “%(number)s” is not a whole number."),
                number=cell_text(cell),
            )
        if number is not None and not 1 <= number <= LIST_NUMBER_MAX:
            plan.add_error(
                file_row,
                gettext("Row %(row)d: the list number %(number)d is not between 1 and %(max)d."),
                number=number,
                max=LIST_NUMBER_MAX,
            )
            number = None
    return PlannedRow(file_row, name, entity, affiliation, number)


def _refuse_formula(plan: ParticipantPlan, file_row: int, column: str, text: str) -> None:
    # Refused rather than altered: a name is stored as the file spells it, and one that
    # begins like a formula is a mistake or an attack, never a participant's name.
    plan.add_error(
        file_row,
        gettext(
            "Row %(row)d, column “%(column)s”: “%(text)s” begins with “%(first)s”, which a "
            "spreadsheet runs as a formula. Remove that character from the file."
        ),
        column=column,
        text=text[:40],
        first={"\t": "tab", "\r": "carriage return"}.get(text[0], text[0]),
    )


def chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size``: no query takes an unbounded list of values."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match_people(plan: ParticipantPlan, meeting: Meeting) -> None:
    """Find each row's person (by exact name) and attendance, and check list number clashes."""
    people_by_name: dict[str, list[Person]] = defaultdict(list)
    for names in chunks([row.name for row in plan.rows if row.name]):
        for person in Person.objects.filter(name__in=names):
            people_by_name[person.name].append(person)
    attendances = list(meeting.attendances.select_related("person"))
    attendance_of_person = {attendance.person_id: attendance for attendance in attendances}
    holder_of_number = {a.list_number: a for a in attendances if a.list_number is not None}

    for row in plan.rows:
        candidates = people_by_name.get(row.name, [])
        if len(candidates) > 1:
            # Namesakes: the one already on this meeting's list is the one meant.
            candidates = [p for p in candidates if p.pk in attendance_of_person]
            if len(candidates) != 1:
                plan.add_error(
                    row.file_row,
                    gettext(
                        "Row %(row)d: more than one person in the record is named “%(name)s”; "
                        "add this participant by hand."
                    ),
                    name=row.name,
                )
                continue
        if candidates:
            row.person = candidates[0]
            row.attendance = attendance_of_person.get(row.person.pk)

    if not plan.has_list_numbers:
        return
    in_file = {row.person.pk for row in plan.rows if row.person is not None}
    for row in plan.rows:
        holder = holder_of_number.get(row.list_number) if row.list_number else None
        if (
            holder is not None
            and (row.person is None or holder.person_id != row.person.pk)
            and holder.person_id not in in_file
        ):
            plan.add_error(
                row.file_row,
                gettext(
                    "Row %(row)d: list number %(number)d is already given to “%(holder)s” at "
                    "%(meeting)s, who is not in this file."
                ),
                number=row.list_number,
                holder=holder.person.name,
                meeting=meeting.short_label,
            )
        if (
            row.attendance is not None
            and row.attendance.list_number is not None
            and row.attendance.list_number != row.list_number
        ):
            plan.renumbered_ids.append(row.attendance.pk)


def new_person_slugs(names: Sequence[str]) -> list[str]:
    """A slug for each new person: slugify(name), with -2, -3… appended when another person
    (or an earlier name of ``names``) has it already. Existing slugs are read in batches."""
    # Leave room for the suffix; a name with no Latin letters slugifies to nothing.
    room = max_length(Person, "slug") - 6
    bases = [slugify(name)[:room].strip("-") or "person" for name in names]
    taken: set[str] = set()
    for batch in chunks(sorted(set(bases)), BATCH_SIZE // 2):
        similar = Q()
        for base in batch:
            similar |= Q(slug=base) | Q(slug__startswith=f"{base}-")
        taken.update(Person.objects.filter(similar).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs.append(slug)
    return slugs


# The resource -------------------------------------------------------------------------------


class ParticipantImportResult(Result):
    """The import's result, which also says which meeting the list was imported into."""

    meeting: Meeting | None = None


class StyleFreeDiff(Diff):
    """The preview's changes as bare <ins> and <del>: diff-match-patch writes them with
    style="..." attributes, which the Content-Security-Policy refuses. import-export's
    import.css colours them already."""

    TAGS = {
        diff_match_patch.DIFF_INSERT: "ins",
        diff_match_patch.DIFF_DELETE: "del",
        diff_match_patch.DIFF_EQUAL: "span",
    }

    def as_html(self) -> list[SafeString]:
        differ = diff_match_patch()
        cells = []
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diffs = differ.diff_main(str(before), str(after))
            differ.diff_cleanupSemantic(diffs)
            cells.append(
                format_html_join(
                    "", "<{0}>{1}</{0}>", ((self.TAGS[op], text) for op, text in diffs if text)
                )
            )
        return cells


class ParticipantResource(ModelResource):
    """Attendances of one meeting, from a checked :class:`ParticipantPlan`.

    The resource does not map columns to model fields itself: the rows it imports are the
    plan's, one per participant, and the fields below only describe the preview's columns.
    """

    file_row = Field(attribute="import_file_row", column_name=_("Row"), readonly=True)
    person_name = Field(attribute="person__name", column_name=_("Name"), readonly=True)
    entity_label = Field(attribute="entity", column_name=_("Entity"), readonly=True)
    affiliation = Field(
        attribute="listed_affiliation", column_name=_("Entity as listed"), readonly=True
    )
    number = Field(attribute="list_number", column_name=_("List number"), readonly=True)

    class Meta:
        model = Attendance
        name = _("Participants of a meeting")
        fields = ("file_row", "person_name", "entity_label", "affiliation", "number")
        import_order = fields
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        # Attendances are written BATCH_SIZE at a time, and the new people before them
        # (before_import): a list of thousands takes a few dozen queries, not thousands.
        use_bulk = True
        batch_size = BATCH_SIZE

    def __init__(self, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.meeting = meeting
        self.plan = ParticipantPlan()
        self.planned_rows: dict[int, PlannedRow] = {}
        self.planned: PlannedRow | None = None

    def get_diff_class(self) -> type[Diff]:
        return StyleFreeDiff

    @classmethod
    def get_result_class(cls) -> type[ParticipantImportResult]:
        return ParticipantImportResult

    def get_user_visible_fields(self) -> list[Field]:
        # The import page lists these as the columns to upload.
        return [Field(column_name=name) for name in (NAME, ENTITY, LIST_NUMBER)]

    def import_data(
        self,
        dataset: tablib.Dataset,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> ParticipantImportResult:
        """Check the whole file first; import its rows only if every one of them is valid."""
        self.plan = plan_participants(dataset, self.meeting)
        if not self.plan.is_valid:
            result = self.get_result_class()()
            result.meeting = self.meeting
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for message in self.plan.file_errors:
                result.append_base_error(Error(ParticipantFileError(message)))
            for file_row, messages in sorted(self.plan.row_errors.items()):
                result.append_invalid_row(file_row, {}, ValidationError(messages))
            return result

        # The rows import-export iterates are the plan's, known by their row in the file.
        self.planned_rows = {planned.file_row: planned for planned in self.plan.rows}
        rows = tablib.Dataset(headers=["row"])
        for file_row in self.planned_rows:
            rows.append([file_row])
        result = super().import_data(
            rows,
            dry_run=dry_run,
            raise_errors=raise_errors,
            # Always in a transaction: the preview creates people and must roll them back,
            # and at the confirmation one failing row must undo every other.
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        result.meeting = self.meeting
        return result

    def get_bulk_update_fields(self) -> list[str]:
        return ["person", "entity", "listed_affiliation", "list_number"]

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        for ids in chunks(self.plan.renumbered_ids):
            Attendance.objects.filter(pk__in=ids).update(list_number=None)
        newcomers = [row for row in self.plan.rows if row.person is None]
        slugs = new_person_slugs([row.name for row in newcomers])
        people = [
            Person(slug=slug, name=row.name, entity=row.entity)
            for row, slug in zip(newcomers, slugs, strict=True)
        ]
        # PostgreSQL and SQLite (3.35 and later) give bulk-created rows their ids.
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        for row, person in zip(newcomers, people, strict=True):
            row.person = person

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        self.planned = self.planned_rows[row["row"]]

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Attendance | None:
        assert self.planned is not None
        return self.planned.attendance

    def after_init_instance(
        self, instance: Attendance, new: bool, row: dict[str, Any], **kwargs: Any
    ) -> None:
        # Set before import-export copies the instance for the preview's diff, so the row
        # number shows as is rather than as a change.
        assert self.planned is not None
        instance.import_file_row = self.planned.file_row  # type: ignore[attr-defined]

    def import_instance(self, instance: Attendance, row: dict[str, Any], **kwargs: Any) -> None:
        planned = self.planned
        assert planned is not None
        assert self.meeting is not None
        assert planned.person is not None  # before_import created the new people.
        instance.meeting = self.meeting
        instance.person = planned.person
        instance.entity = planned.entity
        instance.listed_affiliation = planned.listed_affiliation
        if self.plan.has_list_numbers:
            # Without the column the file says nothing about list numbers: keep them.
            instance.list_number = planned.list_number

    def skip_row(
        self,
        instance: Attendance,
        original: Attendance | None,
        row: dict[str, Any],
        import_validation_errors: dict[str, Any] | None = None,
    ) -> bool:
        if original is None or original.pk is None or import_validation_errors:
            return False
        return all(
            getattr(instance, name) == getattr(original, name)
            for name in ("person_id", "entity_id", "listed_affiliation", "list_number")
        )

    def after_import(self, dataset: tablib.Dataset, result: Result, **kwargs: Any) -> None:
        # ModelResource resets the table's id sequence here, for imports that write ids; this
        # one never does, and resetting it under concurrent inserts does no good.
        pass


def result_messages(result: Result) -> list[str]:
    """Every problem a result holds, as messages that name the row of the file."""
    messages = [str(error.error) for error in result.base_errors]
    for invalid in result.invalid_rows:
        messages.extend(invalid.error.messages)
    for _index, errors in result.row_errors():
        for error in errors:
            file_row = (error.row or {}).get("row", "?")
            messages.append(
                gettext("Row %(row)s: %(error)s") % {"row": file_row, "error": error.error}
            )
    return messages


# The forms ----------------------------------------------------------------------------------


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.short_label} ({obj.date_display})"


class ParticipantImportForm(ImportForm):
    """The import form, with the meeting the participants attended."""

    meeting = MeetingChoiceField(
        queryset=Meeting.objects.order_by("-date", "-som_number"),
        label=_("Meeting"),
        help_text=_("The meeting whose list of participants this file is."),
    )
    field_order = ["meeting", "resource", "import_file", "format"]

    def clean_import_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["import_file"]
        try:
            check_size(upload.size or 0)
        except UnreadableFileError as error:
            raise ValidationError(str(error), code="too_large") from error
        return upload


class ParticipantConfirmImportForm(ConfirmImportForm):
    """The confirmation form, which carries the chosen meeting from the preview."""

    meeting = forms.ModelChoiceField(queryset=Meeting.objects.all(), widget=forms.HiddenInput)

    def clean_format(self) -> str:
        # import-export indexes its list of formats with this value, unchecked.
        value: str = self.cleaned_data["format"]
        if not value.isdigit() or int(value) >= len(IMPORT_FORMATS):
            raise ValidationError(_("Unknown format."), code="invalid")
        return value
