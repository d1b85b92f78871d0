"""The public pages. Each view reads through one QuerySet method named after its screen.

Only published progress updates appear here; drafts and submitted updates stay in the workspace.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Attendance, Entity, Intervention, Meeting
from workstreams.filters import WorkstreamFilter
from workstreams.matrix import Cell, build_matrix, cells_for, legend, som_groups, summary_counts
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream, WorkstreamLead

LATEST_UPDATES = 5
WORKSTREAMS_PER_PAGE = 50


def timeline(request: HttpRequest) -> HttpResponse:
    """The workstreams × meetings status matrix, SOM27 onward, with the headline figures."""
    meetings = list(Meeting.objects.for_timeline())
    groups = build_matrix(Workstream.objects.for_timeline(), meetings)
    today = timezone.localdate()
    return render(
        request,
        "workstreams/timeline.html",
        {
            "meetings": meetings,
            "som_groups": som_groups(meetings),
            "groups": groups,
            "legend": legend(),
            "counts": summary_counts(groups),
            "next_meeting": next((m for m in meetings if m.is_upcoming(today)), None),
            "latest_updates": ProgressUpdate.objects.published()
            .select_related("workstream", "meeting", "entity")
            .order_by("-meeting__date", "-published_at", "workstream__title")[:LATEST_UPDATES],
        },
    )


def workstream_list(request: HttpRequest) -> HttpResponse:
    """Workstreams, filtered and searched with the FilterSet the API list uses."""
    filterset = WorkstreamFilter(request.GET or None, queryset=Workstream.objects.for_list())
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request,
            "workstreams/workstream_list.html",
            {"filter": filterset, "page": None},
            status=400,
        )
    paginator = Paginator(filterset.qs, WORKSTREAMS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workstreams/workstream_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": [_list_row(w) for w in page.object_list],
            "query": query.urlencode(),
        },
    )


@dataclass(frozen=True)
class ListRow:
    workstream: Workstream
    current: Cell | None
    first: Meeting | None
    last: Meeting | None


def _list_row(workstream: Workstream) -> ListRow:
    entries = list(workstream.timeline_entries.all())
    if not entries:
        return ListRow(workstream, None, None, None)
    latest = entries[-1]
    return ListRow(workstream, Cell(latest.meeting, latest), entries[0].meeting, latest.meeting)


def workstream_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workstream = get_object_or_404(Workstream.objects.for_detail(), slug=slug)
    meetings = list(Meeting.objects.for_timeline())
    cells = cells_for(workstream, meetings)
    updates: list[ProgressUpdate] = workstream.published_updates  # type: ignore[attr-defined]
    return render(
        request,
        "workstreams/workstream_detail.html",
        {
            "workstream": workstream,
            "cells": cells,
            "current": next((c for c in reversed(cells) if c.entry), None),
            "updates": updates,
            "decisions": workstream.decisions.all(),
            "proposals": workstream.proposals.all(),
        },
    )


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A meeting: agenda, documents, what was presented, proposed, decided and said, and who came."""
    meeting = get_object_or_404(
        Meeting.objects.for_detail().prefetch_related(
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.presented(),
                to_attr="published_updates",
            ),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related(
                    "presenter", "entity", "workstream", "document"
                ).order_by("position"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("workstream", "source__meeting"),
            ),
        ),
        slug=slug,
    )
    attendances = list(meeting.attendances.all())
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": _agenda_tree(list(meeting.agenda_items.all())),
            "updates": meeting.published_updates,  # type: ignore[attr-defined]
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
    return render(request, "meetings/entity_list.html", {"entities": entities})


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    attendances = Attendance.objects.filter(entity=entity).select_related("meeting", "person")
    attended: dict[Meeting, list[Attendance]] = defaultdict(list)
    for attendance in attendances.order_by("meeting__date", "person__name"):
        attended[attendance.meeting].append(attendance)
    return render(
        request,
        "meetings/entity_detail.html",
        {
            "entity": entity,
            "leads": WorkstreamLead.objects.filter(entity=entity)
            .select_related("workstream")
            .order_by("workstream__title"),
            "updates": ProgressUpdate.objects.published()
            .filter(entity=entity)
            .select_related("workstream", "meeting", "presenter")
            .order_by("meeting__date", "workstream__title"),
            "proposals": Proposal.objects.filter(entity=entity).select_related(
                "meeting", "presenter", "workstream"
            ),
            "interventions": Intervention.objects.filter(entity=entity)
            .select_related("meeting", "agenda_item", "person")
            .order_by("meeting__date", "position"),
            "attended": list(attended.items()),
            "page_title": _("%(entity)s in the EMG record") % {"entity": entity.label},
        },
    )
