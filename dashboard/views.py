"""The public pages that read both apps: the timeline matrix, a meeting's page, the entities.

A meeting's page shows the updates presented there and an entity's page what it leads, so they
read ``workstreams`` as well as ``meetings``: they live here, because ``meetings`` never
imports ``workstreams`` (docs/architecture.md). Each view reads through the QuerySet methods
named after its screen. Only published progress updates appear here.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from meetings.models import Attendance, Entity, Intervention, Meeting
from workstreams.models import Decision, ProgressUpdate, Proposal, WorkstreamLead


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A meeting: agenda, documents, what was presented, proposed, decided and said, and who came."""
    meeting = get_object_or_404(
        Meeting.objects.for_detail().prefetch_related(
            # Only the presented updates: ``meeting.updates.all()`` below reads these.
            Prefetch("updates", queryset=ProgressUpdate.objects.presented()),
            Prefetch("proposals", queryset=Proposal.objects.with_relations().order_by("position")),
            Prefetch("decisions", queryset=Decision.objects.with_relations()),
        ),
        slug=slug,
    )
    attendances = list(meeting.attendances.all())
    return render(
        request,
        "dashboard/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": _agenda_tree(list(meeting.agenda_items.all())),
            "updates": meeting.updates.all(),
            "participants": _participant_groups(attendances),
            "participant_count": len(attendances),
            "entity_count": len({a.entity_id for a in attendances if a.entity_id}),
        },
    )


@dataclass
class ParticipantGroup:
    """The participants of one entity, or of one affiliation the record links to no entity."""

    entity: Entity | None
    affiliation: str
    people: list[Attendance]

    @property
    def label(self) -> str:
        return self.entity.label if self.entity else self.affiliation


def _participant_groups(attendances: list[Attendance]) -> list[ParticipantGroup]:
    groups: dict[tuple[str, Any], ParticipantGroup] = {}
    for attendance in attendances:
        key = (
            ("entity", attendance.entity_id)
            if attendance.entity_id
            else ("affiliation", attendance.listed_affiliation)
        )
        if key not in groups:
            groups[key] = ParticipantGroup(attendance.entity, attendance.listed_affiliation, [])
        groups[key].people.append(attendance)
    # Named groups alphabetically; people with no affiliation listed come last.
    return sorted(groups.values(), key=lambda g: (not g.label, g.label.casefold()))


def _agenda_tree(items: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Top-level agenda items, each with its sub-items, in agenda order."""
    children: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        if item.parent_id:
            children[item.parent_id].append(item)
    return [(item, children[item.pk]) for item in items if not item.parent_id]


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    """A correlated count: cheaper than a GROUP BY over several joins as rows grow."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def entity_list(request: HttpRequest) -> HttpResponse:
    """Every entity in the record, with what it leads, presented, said and attended."""
    entities = Entity.objects.annotate(
        lead_count=_count(WorkstreamLead.objects.all(), "entity"),
        update_count=_count(ProgressUpdate.objects.published(), "entity"),
        intervention_count=_count(Intervention.objects.all(), "entity"),
        attendance_count=_count(Attendance.objects.all(), "entity"),
    ).order_by("acronym", "name")
    return render(request, "dashboard/entity_list.html", {"entities": entities})


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    attendances = Attendance.objects.filter(entity=entity).select_related("meeting", "person")
    attended: dict[Meeting, list[Attendance]] = defaultdict(list)
    for attendance in attendances.order_by("meeting__date", "person__name"):
        attended[attendance.meeting].append(attendance)
    return render(
        request,
        "dashboard/entity_detail.html",
        {
            "entity": entity,
            "leads": WorkstreamLead.objects.filter(entity=entity)
            .select_related("workstream")
            .order_by("workstream__title"),
            "updates": ProgressUpdate.objects.published_with_relations()
            .filter(entity=entity)
            .order_by("meeting__date", "workstream__title"),
            "proposals": Proposal.objects.with_relations().filter(entity=entity),
            "interventions": Intervention.objects.filter(entity=entity)
            .select_related("meeting", "agenda_item", "person")
            .order_by("meeting__date", "position"),
            "attended": list(attended.items()),
            "page_title": _("%(entity)s in the EMG record") % {"entity": entity.label},
        },
    )
