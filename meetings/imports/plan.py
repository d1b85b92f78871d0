"""What importing a list of participants into a meeting would do, read from the database.

Each row is matched to its person (by exact name) and to that person's attendance at the
meeting; the rows that would clash with the meeting's list (a list number held by someone not
in the file, a name two people share) are refused here. Nothing here writes: the preview shows
the plan, and meetings.services.attendance_import makes it again, under a lock, and writes it.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext

from meetings.imports.rows import ParticipantRow, Problems, max_length
from meetings.models import Attendance, Meeting, Person

# Rows written, and names looked up, per query: PostgreSQL takes at most 65,535 values in one
# query, and SQLite 32,766.
BATCH_SIZE = 500

T = TypeVar("T")


class Change(StrEnum):
    NEW = "new"
    UPDATE = "update"
    SKIP = "skip"


@dataclass
class PlannedRow:
    """A row of the file with what it becomes: an existing person or a new one (None), and
    the attendance it updates or None for a new attendance."""

    row: ParticipantRow
    person: Person | None = None
    attendance: Attendance | None = None

    def values(self, numbered: bool) -> tuple[int | None, int | None, str, int | None]:
        """(person, entity, listed affiliation, list number) as the import leaves them.
        Without a list_number column the file says nothing about list numbers: kept."""
        kept = self.attendance.list_number if self.attendance else None
        return (
            self.person.pk if self.person else None,
            self.row.entity.pk if self.row.entity else None,
            self.row.listed_affiliation,
            self.row.list_number if numbered else kept,
        )

    def change(self, numbered: bool) -> Change:
        if self.attendance is None:
            return Change.NEW
        before = self.attendance
        now = (before.person_id, before.entity_id, before.listed_affiliation, before.list_number)
        return Change.SKIP if now == self.values(numbered) else Change.UPDATE


@dataclass
class AttendancePlan(Problems):
    meeting: Meeting
    numbered: bool
    rows: list[PlannedRow] = field(default_factory=list)
    # Attendances whose list number changes: cleared before any row is written, so that a
    # renumbered list never meets the (meeting, list_number) unique constraint half-way.
    renumbered_ids: list[int] = field(default_factory=list)

    def count(self, change: Change) -> int:
        return sum(1 for planned in self.rows if planned.change(self.numbered) == change)


def chunks(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``: no query takes an unbounded list of values."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def attendance_plan(
    *, meeting: Meeting, rows: Sequence[ParticipantRow], numbered: bool
) -> AttendancePlan:
    """Match each row to its person and attendance, and refuse the rows that would clash."""
    plan = AttendancePlan(meeting, numbered, [PlannedRow(row) for row in rows])
    people_by_name: dict[str, list[Person]] = defaultdict(list)
    for names in chunks([row.name for row in rows]):
        for person in Person.objects.filter(name__in=names):
            people_by_name[person.name].append(person)
    attendances = list(meeting.attendances.select_related("person", "entity"))
    attendance_of_person = {attendance.person_id: attendance for attendance in attendances}
    for planned in plan.rows:
        candidates = people_by_name.get(planned.row.name, [])
        if len(candidates) > 1:
            # Namesakes: the one already on this meeting's list is the one meant.
            candidates = [p for p in candidates if p.pk in attendance_of_person]
            if len(candidates) != 1:
                plan.add(
                    planned.row.file_row,
                    gettext(
                        "Row %(row)d: more than one person in the record is named “%(name)s”; "
                        "add this participant by hand."
                    ),
                    name=planned.row.name,
                )
                continue
        if candidates:
            planned.person = candidates[0]
            planned.attendance = attendance_of_person.get(planned.person.pk)
    if numbered:
        _check_list_numbers(plan, attendances)
    return plan


def _check_list_numbers(plan: AttendancePlan, attendances: list[Attendance]) -> None:
    """Refuse a number held by someone not in the file; note the attendances renumbered."""
    holder_of_number = {a.list_number: a for a in attendances if a.list_number is not None}
    in_file = {planned.person.pk for planned in plan.rows if planned.person is not None}
    for planned in plan.rows:
        row, person = planned.row, planned.person
        holder = holder_of_number.get(row.list_number) if row.list_number else None
        if (
            holder is not None
            and (person is None or holder.person_id != person.pk)
            and holder.person_id not in in_file
        ):
            plan.add(
                row.file_row,
                gettext(
                    "Row %(row)d: list number %(number)d is already given to “%(holder)s” at "
                    "%(meeting)s, who is not in this file."
                ),
                number=row.list_number,
                holder=holder.person.name,
                meeting=plan.meeting.short_label,
            )
        before = planned.attendance
        if before is not None and before.list_number not in (None, row.list_number):
            plan.renumbered_ids.append(before.pk)


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
