"""The workstream pages: the list and a workstream's page. They read only this app's rows
(and the meetings they refer to); the pages that read both apps are ``dashboard``'s.

Only published progress updates appear here; drafts and submitted updates stay in the workspace.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from emgtracker.paging import paged
from meetings.models import Meeting
from workstreams.cells import Cell, cells_for, current_cell
from workstreams.filters import WorkstreamFilter
from workstreams.mandate_bar import mandate_bar
from workstreams.models import Workstream, WorkstreamEvent
from workstreams.services import mandate_periods
from workstreams.standing import RecordClock, WorkstreamStanding

WORKSTREAMS_PER_PAGE = 50


def workstream_list(request: HttpRequest) -> HttpResponse:
    """Workstreams, filtered and searched with the FilterSet the API list uses."""
    # Status now reads the latest meeting with a record: joined, not a query a row.
    rows = Workstream.objects.for_list().select_related("last_record_meeting")
    filterset = WorkstreamFilter(request.GET or None, queryset=rows)
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request,
            "workstreams/workstream_list.html",
            {"filter": filterset, "page": None},
            status=400,
        )
    page = paged(request, filterset.qs, per_page=WORKSTREAMS_PER_PAGE)
    return render(
        request,
        "workstreams/workstream_list.html",
        {
            "filter": filterset,
            "page": page,
            # The filters' clock: read once, for the standing filter and the rows alike.
            "rows": [_list_row(w, filterset.clock) for w in page.rows],
        },
    )


@dataclass(frozen=True)
class ListRow:
    workstream: Workstream
    current: Cell | None
    first: Meeting | None
    last: Meeting | None
    standing: WorkstreamStanding


def _list_row(workstream: Workstream, clock: RecordClock) -> ListRow:
    return ListRow(
        workstream,
        current_cell(workstream),
        workstream.first_meeting,
        workstream.last_meeting,
        clock.standing_of(workstream),
    )


def workstream_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A workstream: where it stands now, its status at each meeting, its mandate bar, leads,
    events, and the record of each meeting, each fact stated or inferred."""
    found = (
        Workstream.objects.for_detail()
        .select_related("last_record_meeting")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=WorkstreamEvent.objects.select_related("source__meeting").in_date_order(),
            )
        )
    )
    workstream = get_object_or_404(found, slug=slug)
    meetings = list(Meeting.objects.for_timeline())
    clock = RecordClock.read()
    decisions = list(workstream.decisions.all())
    last_som = max(clock.next_som or 0, meetings[-1].som_number if meetings else 0)
    return render(
        request,
        "workstreams/workstream_detail.html",
        {
            "workstream": workstream,
            "cells": cells_for(workstream, meetings),
            "current": current_cell(workstream),
            "standing": clock.standing_of(workstream),
            "clock": clock,
            "bar": mandate_bar(mandate_periods(decisions), last_som=last_som or None),
            "updates": workstream.updates.all(),
            "decisions": decisions,
            "proposals": workstream.proposals.all(),
            "events": workstream.events.all(),
        },
    )
