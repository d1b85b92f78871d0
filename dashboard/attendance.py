"""Who came, a page at a time: a meeting's participants grouped by entity, and the meetings an
entity's people attended.

The database sorts the rows into their groups and hands over one page; the page's rows are
grouped here. A group may run on from one page to the next, so each row also brings the size of
its whole group, counted by a window over the group in the same query.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, Lower, NullIf

from meetings.models import Attendance, Entity, Meeting


@dataclass
class ParticipantGroup:
    """The participants of one entity, or of one affiliation the record links to no entity."""

    entity: Entity | None
    affiliation: str
    total: int
    people: list[Attendance] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.entity.label if self.entity else self.affiliation


def participants_in_groups(meeting: Meeting) -> QuerySet[Attendance]:
    """A meeting's participants in the order of their groups, each with ``group_total``: by
    entity, or by the affiliation as listed where the list links to no entity; groups by name,
    people with no affiliation listed last; within a group, by spelling then name."""
    label = Coalesce(NullIf("entity__acronym", Value("")), "entity__name", "listed_affiliation")
    affiliation = Case(When(entity=None, then=F("listed_affiliation")), default=Value(""))
    unlisted = Case(When(entity=None, listed_affiliation="", then=Value(1)), default=Value(0))
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "entity")
        .annotate(group_total=Window(Count("pk"), partition_by=[F("entity"), affiliation]))
        .order_by(
            unlisted,
            Lower(label),
            F("entity").asc(nulls_last=True),
            "listed_affiliation",
            "person__name",
            "pk",
        )
    )


def participant_groups(page: Any) -> list[ParticipantGroup]:
    """The page's participants (from ``participants_in_groups``) in their groups."""
    groups: dict[tuple[int | None, str], ParticipantGroup] = {}
    for attendance in page:
        entity = attendance.entity
        key = (entity.pk, "") if entity else (None, attendance.listed_affiliation)
        if key not in groups:
            groups[key] = ParticipantGroup(entity, key[1], attendance.group_total)
        groups[key].people.append(attendance)
    return list(groups.values())


@dataclass
class MeetingAttended:
    """The people of an entity at one meeting."""

    meeting: Meeting
    total: int
    people: list[Attendance] = field(default_factory=list)


def attended_in_order(entity: Entity) -> QuerySet[Attendance]:
    """The entity's people at meetings, oldest meeting first, by name, each with
    ``group_total``, how many of its people were at that meeting."""
    return (
        Attendance.objects.filter(entity=entity)
        .select_related("meeting", "person")
        .annotate(group_total=Window(Count("pk"), partition_by=[F("meeting")]))
        .order_by("meeting__date", "meeting__som_number", "meeting", "person__name", "pk")
    )


def meetings_attended(page: Any) -> list[MeetingAttended]:
    """The page's attendances (from ``attended_in_order``) by meeting."""
    meetings: dict[int, MeetingAttended] = {}
    for attendance in page:
        if attendance.meeting_id not in meetings:
            meetings[attendance.meeting_id] = MeetingAttended(
                attendance.meeting, attendance.group_total
            )
        meetings[attendance.meeting_id].people.append(attendance)
    return list(meetings.values())
