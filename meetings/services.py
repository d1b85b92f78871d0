"""Writes to the meetings' record that span rows: typed, keyword-only, atomic."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Aggregate, Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from meetings.imports.plan import (
    BATCH_SIZE,
    AttendancePlan,
    Change,
    attendance_plan,
    chunks,
    new_person_slugs,
)
from meetings.imports.rows import ParticipantRow
from meetings.models import Attendance, Intervention, Meeting, Person
from meetings.record_version import record_version_bump
from meetings.signals import people_added


class ImportRefused(Exception):
    """The list cannot be imported as it stands; ``messages`` name the rows of the file."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass(frozen=True)
class ImportResult:
    meeting: Meeting
    added: int
    updated: int
    unchanged: int


@transaction.atomic
def attendance_import(
    *, meeting: Meeting, rows: Sequence[ParticipantRow], numbered: bool, by: User
) -> ImportResult:
    """Write a meeting's list of participants: the attendances of ``rows``, adding anyone not
    yet in the record as a person, and (if ``numbered``, the file having a list_number column)
    their numbers on the list. Adds and updates; never removes an attendance.

    The list is matched again under a lock on the meeting, so that what changed since a
    preview is refused the same way; ImportRefused, or any database error, undoes it all.
    People and attendances are written BATCH_SIZE to a query.
    """
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    plan = attendance_plan(meeting=meeting, rows=rows, numbered=numbered)
    if plan.errors:
        raise ImportRefused(plan.errors)
    result = ImportResult(
        meeting, plan.count(Change.NEW), plan.count(Change.UPDATE), plan.count(Change.SKIP)
    )
    for ids in chunks(plan.renumbered_ids):
        Attendance.objects.filter(pk__in=ids).update(list_number=None)
    _create_people(plan)
    _write_attendances(plan)
    meeting_counts_refresh(meeting_ids=[meeting.pk])
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[meeting],
        action_flag=CHANGE,
        change_message=gettext(
            "Imported participants: %(new)d added, %(update)d updated, %(skip)d unchanged."
        )
        % {"new": result.added, "update": result.updated, "skip": result.unchanged},
        single_object=True,
    )
    record_version_bump()
    return result


def _attendances_counted(count: Aggregate) -> Coalesce:
    counted = (
        Attendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=count)
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@transaction.atomic
def meeting_counts_refresh(*, meeting_ids: Iterable[int]) -> None:
    """Count again the participants and entities of these meetings' lists, kept on the meeting
    (``participant_count``, ``entity_count``), in one UPDATE. Every write of attendances calls
    it in its transaction: the import, the admin, the report loader."""
    Meeting.objects.filter(pk__in=list(meeting_ids)).update(
        participant_count=_attendances_counted(Count("pk")),
        entity_count=_attendances_counted(Count("entity", distinct=True)),
    )


def _create_people(plan: AttendancePlan) -> None:
    newcomers = [planned for planned in plan.rows if planned.person is None]
    slugs = new_person_slugs([planned.row.name for planned in newcomers])
    people = [
        Person(slug=slug, name=planned.row.name, entity=planned.row.entity)
        for planned, slug in zip(newcomers, slugs, strict=True)
    ]
    # PostgreSQL gives bulk-created rows their ids.
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    people_added.send(sender=Person, people=people)
    for planned, person in zip(newcomers, people, strict=True):
        planned.person = person


def _write_attendances(plan: AttendancePlan) -> None:
    created: list[Attendance] = []
    updated: list[Attendance] = []
    for planned in plan.rows:
        change = planned.change(plan.numbered)
        if change == Change.SKIP:
            continue
        assert planned.person is not None  # _create_people created the new people.
        attendance = planned.attendance or Attendance(meeting=plan.meeting)
        attendance.person = planned.person
        attendance.entity = planned.row.entity
        attendance.listed_affiliation = planned.row.listed_affiliation
        attendance.list_number = planned.values(plan.numbered)[3]
        (created if change == Change.NEW else updated).append(attendance)
    Attendance.objects.bulk_create(created, batch_size=BATCH_SIZE)
    Attendance.objects.bulk_update(
        updated, ["person", "entity", "listed_affiliation", "list_number"], batch_size=BATCH_SIZE
    )


def _intervention_require(by: User | AnonymousUser, action: str, row: Intervention) -> None:
    if not by.has_perm(f"meetings.{action}_intervention", row if row.pk else None):
        raise PermissionDenied(gettext("You may not %(action)s this.") % {"action": action})


@transaction.atomic
def intervention_save(
    *, intervention: Intervention, by: User | AnonymousUser | None
) -> Intervention:
    """Add or change an entity's intervention at a meeting, as the admin or the report loader
    (``by`` None: no person runs it, and no rule is asked)."""
    if by is not None:
        _intervention_require(by, "change" if intervention.pk else "add", intervention)
    intervention.full_clean()
    intervention.save()
    record_version_bump()
    return intervention


@transaction.atomic
def intervention_delete(*, intervention: Intervention, by: User | AnonymousUser) -> None:
    _intervention_require(by, "delete", intervention)
    intervention.delete()
    record_version_bump()
