"""Checking a table of cells as a list of participants: the header, then each row.

Nothing here writes. Problems are collected, every one of them, as messages that count rows as
a spreadsheet does (the header is row 1, the first participant row 2), so that "Row 4" is the
row the user sees in their file.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Model
from django.utils.translation import gettext

from emgtracker.spreadsheets import starts_like_formula
from meetings.models import Attendance, Entity, Person

NAME = "name"
ENTITY = "entity"
LIST_NUMBER = "list_number"
REQUIRED_COLUMNS = (NAME, ENTITY)
# The largest value a PositiveSmallIntegerField holds on every database Django supports.
LIST_NUMBER_MAX = 32767
# The first row of the file is the header, so data row ``i`` (from 0) is row ``i + 2``.
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class ParticipantRow:
    """One participant of a list: who, from which entity, with which number on the list."""

    file_row: int
    name: str
    entity: Entity | None
    listed_affiliation: str
    list_number: int | None


# A problem and the row of the file it is on; 0 for the file as a whole.
Problem = tuple[int, str]


def in_file_order(*problems: list[Problem]) -> list[str]:
    """The messages of ``problems``, the file's first, then row by row as the file has them."""
    return [message for _row, message in sorted(chain(*problems), key=lambda p: p[0])]


@dataclass
class Problems:
    """Problems found, each with its row in the file (0 for the file as a whole)."""

    problems: list[Problem] = field(default_factory=list, kw_only=True)

    def add(self, file_row: int, message: str, **params: object) -> None:
        """Record a problem with a row; ``message`` is a translated text with %(row)d in it."""
        self.problems.append((file_row, message % {"row": file_row, **params}))

    def add_to_file(self, message: str) -> None:
        """Record a problem with the file as a whole, listed before the rows'."""
        self.problems.append((0, message))

    @property
    def errors(self) -> list[str]:
        return in_file_order(self.problems)


@dataclass
class ParticipantList(Problems):
    """A file's participants, checked; ``numbered`` if the file has a list_number column."""

    rows: list[ParticipantRow] = field(default_factory=list)
    numbered: bool = False


@dataclass(frozen=True)
class Columns:
    name: int
    entity: int
    list_number: int | None


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
    length = getattr(model._meta.get_field(field_name), "max_length", None)
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


def participant_list(table: Sequence[Sequence[object]]) -> ParticipantList:
    """The participants of a table whose first row is the header, with every problem found."""
    found = ParticipantList()
    columns = _read_header(table[0] if table else [], found)
    if columns is None:
        return found
    found.numbered = columns.list_number is not None
    entities = EntityIndex(Entity.objects.all())
    for index, values in enumerate(table[1:]):
        if all(cell_text(value) == "" for value in values):
            continue  # A blank line between participants, or below the last one.
        found.rows.append(_read_row(found, index + FIRST_DATA_ROW, values, columns, entities))
    if not found.rows:
        found.add_to_file(gettext("The file has a header row but no participants below it."))
    _refuse_repeats(found)
    return found


def _read_header(headers: Sequence[object], found: ParticipantList) -> Columns | None:
    columns = [column_key(header) for header in headers]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        found.add_to_file(
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
            found.add_to_file(
                gettext("Row 1: the header row has more than one “%(column)s” column.")
                % {"column": name}
            )
    if found.problems:
        return None
    return Columns(
        name=columns.index(NAME),
        entity=columns.index(ENTITY),
        list_number=columns.index(LIST_NUMBER) if LIST_NUMBER in columns else None,
    )


def _read_row(
    found: ParticipantList,
    file_row: int,
    values: Sequence[object],
    columns: Columns,
    entities: EntityIndex,
) -> ParticipantRow:
    """One row's name, entity and list number, with its problems recorded."""
    name = _read_name(found, file_row, cell_text(values[columns.name]))
    affiliation = cell_text(values[columns.entity])
    entity = _read_entity(found, file_row, affiliation, entities)
    number = None
    if columns.list_number is not None:
        number = _read_list_number(found, file_row, values[columns.list_number])
    return ParticipantRow(file_row, name, entity, affiliation, number)


def _read_name(found: ParticipantList, file_row: int, name: str) -> str:
    most = max_length(Person, "name")
    if not name:
        found.add(file_row, gettext("Row %(row)d: the name is blank."))
    elif has_control_character(name):
        found.add(file_row, gettext("Row %(row)d: the name contains a control character."))
        return ""  # Kept out of the lookups: PostgreSQL refuses a NUL even in a query.
    elif starts_like_formula(name):
        _refuse_formula(found, file_row, NAME, name)
    elif len(name) > most:
        found.add(
            file_row, gettext("Row %(row)d: the name is longer than %(max)d characters."), max=most
        )
    return name


def _read_entity(
    found: ParticipantList, file_row: int, affiliation: str, entities: EntityIndex
) -> Entity | None:
    if has_control_character(affiliation):
        found.add(file_row, gettext("Row %(row)d: the entity contains a control character."))
        return None
    if starts_like_formula(affiliation):
        _refuse_formula(found, file_row, ENTITY, affiliation)
        return None
    if not affiliation:
        return None
    matches = entities.find(affiliation)
    if not matches:
        found.add(
            file_row, gettext("Row %(row)d: unknown entity “%(entity)s”."), entity=affiliation
        )
    elif len(matches) > 1:
        found.add(
            file_row,
            gettext("Row %(row)d: “%(entity)s” matches more than one entity (%(found)s)."),
            entity=affiliation,
            found=", ".join(match.name for match in matches),
        )
    most = max_length(Attendance, "listed_affiliation")
    if len(affiliation) > most:
        found.add(
            file_row,
            gettext("Row %(row)d: the entity is longer than %(max)d characters."),
            max=most,
        )
    return matches[0] if len(matches) == 1 else None


def _read_list_number(found: ParticipantList, file_row: int, cell: object) -> int | None:
    try:
        number = parse_list_number(cell)
    except ValueError:
        found.add(
            file_row,
            gettext("Row %(row)d: the list number “%(number)s” is not a whole number."),
            number=cell_text(cell),
        )
        return None
    if number is not None and not 1 <= number <= LIST_NUMBER_MAX:
        found.add(
            file_row,
            gettext("Row %(row)d: the list number %(number)d is not between 1 and %(max)d."),
            number=number,
            max=LIST_NUMBER_MAX,
        )
        return None
    return number


def _refuse_formula(found: ParticipantList, file_row: int, column: str, text: str) -> None:
    # Refused rather than altered: a name is stored as the file spells it, and one that
    # begins like a formula is a mistake or an attack, never a participant's name.
    found.add(
        file_row,
        gettext(
            "Row %(row)d, column “%(column)s”: “%(text)s” begins with “%(first)s”, which a "
            "spreadsheet runs as a formula. Remove that character from the file."
        ),
        column=column,
        text=text[:40],
        first={"\t": "tab", "\r": "carriage return"}.get(text[0], text[0]),
    )


def _refuse_repeats(found: ParticipantList) -> None:
    """A name, or a list number, given twice in the file."""
    first_row_of_name: dict[str, int] = {}
    first_row_of_number: dict[int, int] = {}
    for row in found.rows:
        if row.name:
            first = first_row_of_name.setdefault(row.name.casefold(), row.file_row)
            if first != row.file_row:
                found.add(
                    row.file_row,
                    gettext("Row %(row)d: “%(name)s” is listed twice (first on row %(first)d)."),
                    name=row.name,
                    first=first,
                )
        if row.list_number is not None:
            first = first_row_of_number.setdefault(row.list_number, row.file_row)
            if first != row.file_row:
                found.add(
                    row.file_row,
                    gettext(
                        "Row %(row)d: list number %(number)d is used twice (first on row %(first)d)."
                    ),
                    number=row.list_number,
                    first=first,
                )
