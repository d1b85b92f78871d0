"""The workstream pages: the list and a workstream's page. They read only this app's rows
(and the meetings they refer to); the pages that read both apps are ``dashboard``'s.

Only published progress updates appear here; drafts and submitted updates stay in the workspace.
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from emgtracker.paging import paged
from meetings.models import Meeting
from workstreams.cells import Cell, cells_for, current_cell
from workstreams.filters import WorkstreamFilter
from workstreams.models import Workstream

WORKSTREAMS_PER_PAGE = 50


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
    page = paged(request, filterset.qs, per_page=WORKSTREAMS_PER_PAGE)
    return render(
        request,
        "workstreams/workstream_list.html",
        {"filter": filterset, "page": page, "rows": [_list_row(w) for w in page.rows]},
    )


@dataclass(frozen=True)
class ListRow:
    workstream: Workstream
    current: Cell | None
    first: Meeting | None
    last: Meeting | None


def _list_row(workstream: Workstream) -> ListRow:
    return ListRow(
        workstream, current_cell(workstream), workstream.first_meeting, workstream.last_meeting
    )


def workstream_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workstream = get_object_or_404(Workstream.objects.for_detail(), slug=slug)
    meetings = list(Meeting.objects.for_timeline())
    cells = cells_for(workstream, meetings)
    return render(
        request,
        "workstreams/workstream_detail.html",
        {
            "workstream": workstream,
            "cells": cells,
            "current": current_cell(workstream),
            "updates": workstream.updates.all(),
            "decisions": workstream.decisions.all(),
            "proposals": workstream.proposals.all(),
        },
    )
