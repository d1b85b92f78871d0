"""The public pages that read both apps: a meeting's page and the entities (the timeline matrix
is ``dashboard/timeline.py``).

A meeting's page shows the updates presented there and an entity's page what it leads, so they
read ``workstreams`` as well as ``meetings``: they live here, because ``meetings`` never
imports ``workstreams`` (docs/architecture.md). Each view reads through the QuerySet methods
named after its screen. Only published progress updates appear here.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dashboard.attendance import (
    attended_in_order,
    meetings_attended,
    participant_groups,
    participants_in_groups,
)
from emgtracker.paging import Paged, paged
from meetings.models import Attendance, Entity, Intervention, Meeting
from workstreams.changes import previous_meeting
from workstreams.models import Decision, ProgressInput, ProgressUpdate, Proposal, WorkstreamLead

# The longest a list may run on a meeting's or an entity's page before it goes on to a next page.
PER_SECTION = 25
PARTICIPANTS_PER_PAGE = 150
ENTITIES_PER_PAGE = 50


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A meeting: agenda, documents, what was presented, proposed, decided and said, and who
    came. Each of the last five is a page of its list, with a link to the rest."""
    # Who opened it and the report its status is read from, when not its own: joined.
    found = Meeting.objects.for_detail().select_related("opened_by", "status_source__meeting")
    meeting = get_object_or_404(found, slug=slug)
    # Kept on the meeting by every attendance write (meetings.services.meeting_counts_refresh).
    participant_count, entity_count = meeting.participant_count, meeting.entity_count
    participants = paged(
        request,
        participants_in_groups(meeting),
        per_page=PARTICIPANTS_PER_PAGE,
        param="participants",
        anchor="participants-heading",
        count=participant_count,
    )
    sections = _sections(
        request,
        updates=ProgressUpdate.objects.presented().filter(meeting=meeting),
        proposals=Proposal.objects.with_relations().filter(meeting=meeting).order_by("position"),
        decisions=Decision.objects.with_relations()
        .filter(meeting=meeting)
        .order_by("workstream_title", "pk"),
        interventions=Intervention.objects.filter(meeting=meeting)
        .select_related("entity", "person", "agenda_item", "source__meeting")
        .order_by("position"),
    )
    ProgressInput.objects.public_sources_of(sections["updates"].rows)
    return render(
        request,
        "dashboard/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": _agenda_tree(list(meeting.agenda_items.all())),
            "participant_count": participant_count,
            "entity_count": entity_count,
            "participants": participants,
            "participant_groups": participant_groups(participants.rows),
            "previous_meeting": previous_meeting(meeting),
            **sections,
        },
    )


def _sections(request: HttpRequest, **lists: QuerySet[Any]) -> dict[str, Paged[Any]]:
    """A page of each list, named by the list: the parameter that pages it (``?decisions=2``)
    and the anchor of its heading (``#decisions-heading``) take the same name."""
    return {
        name: paged(request, rows, per_page=PER_SECTION, param=name, anchor=f"{name}-heading")
        for name, rows in lists.items()
    }


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
    """The entities in the record, a page at a time, with what each leads, presented, said and
    attended."""
    entities = Entity.objects.annotate(
        lead_count=_count(WorkstreamLead.objects.all(), "entity"),
        update_count=_count(ProgressUpdate.objects.published(), "entity"),
        intervention_count=_count(Intervention.objects.all(), "entity"),
        attendance_count=_count(Attendance.objects.all(), "entity"),
    ).order_by("acronym", "name", "pk")
    return render(
        request,
        "dashboard/entity_list.html",
        {"entities": paged(request, entities, per_page=ENTITIES_PER_PAGE)},
    )


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What an entity leads, presented, said and attended: a page of each, with a link to the
    rest."""
    entity = get_object_or_404(Entity, slug=slug)
    attended = paged(
        request,
        attended_in_order(entity),
        per_page=PARTICIPANTS_PER_PAGE,
        param="attended",
        anchor="attended-heading",
    )
    sections = _sections(
        request,
        leads=WorkstreamLead.objects.filter(entity=entity)
        .select_related("workstream")
        .order_by("workstream__title", "pk"),
        updates=ProgressUpdate.objects.published_with_relations()
        .filter(entity=entity)
        .order_by("meeting_date", "workstream_title", "pk"),
        proposals=Proposal.objects.with_relations()
        .filter(entity=entity)
        .order_by("meeting_date", "position", "pk"),
        interventions=Intervention.objects.filter(entity=entity)
        .select_related("meeting", "agenda_item", "person")
        .order_by("meeting__date", "position", "pk"),
    )
    return render(
        request,
        "dashboard/entity_detail.html",
        {
            "entity": entity,
            "attended": attended,
            "meetings_attended": meetings_attended(attended.rows),
            "page_title": _("%(entity)s in the EMG record") % {"entity": entity.label},
            **sections,
        },
    )
