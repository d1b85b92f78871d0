"""The workstream pages: the list and a workstream's page. They read only this app's rows
(and the meetings they refer to); the pages that read both apps are ``dashboard``'s.

Only published progress updates appear here; drafts and submitted updates stay in the workspace.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from emgtracker.paging import paged
from emgtracker.slugs import is_slug
from meetings.models import Meeting
from workstreams.as_at import RecordAsAt, page_as_at
from workstreams.cells import Cell, cells_for, current_cell
from workstreams.changes import MeetingOrderError, changes_between
from workstreams.filters import WorkstreamFilter
from workstreams.mandate_bar import mandate_bar
from workstreams.models import ProgressInput, Workstream, WorkstreamEvent
from workstreams.services import mandate_periods
from workstreams.standing import RecordClock, WorkstreamStanding

WORKSTREAMS_PER_PAGE = 50


def workstream_list(request: HttpRequest) -> HttpResponse:
    """Workstreams, filtered and searched with the FilterSet the API list uses; with
    ``?as-at=<meeting>``, their status, standing and mandate as they stood right after it."""
    as_at, as_at_context = page_as_at(request)
    # Status now reads the latest meeting with a record: joined, not a query a row.
    rows = Workstream.objects.for_list(as_at.meetings if as_at else None).select_related(
        "last_record_meeting"
    )
    if as_at:
        # The filters read the clock then and the statuses then (workstreams/as_at.py).
        rows = as_at.annotate(rows)
        request.record_clock = as_at.clock  # type: ignore[attr-defined]
    filterset = WorkstreamFilter(request.GET or None, queryset=rows, request=request)
    status = 400 if as_at_context["as_at_notice"] else 200
    if filterset.is_bound and not filterset.is_valid():
        return render(
            request,
            "workstreams/workstream_list.html",
            {**as_at_context, "filter": filterset, "page": None},
            status=400,
        )
    page = paged(request, filterset.qs, per_page=WORKSTREAMS_PER_PAGE)
    return render(
        request,
        "workstreams/workstream_list.html",
        {
            **as_at_context,
            "filter": filterset,
            "page": page,
            # The filters' clock: read once, for the standing filter and the rows alike.
            "rows": [_list_row(_stood(w, as_at), filterset.clock) for w in page.rows],
        },
        status=status,
    )


def _stood(workstream: Workstream, as_at: RecordAsAt | None) -> Workstream:
    return as_at.stand(workstream) if as_at else workstream


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
    events, and the record of each meeting, each fact stated or inferred; with
    ``?as-at=<meeting>``, as it stood right after that meeting."""
    as_at, as_at_context = page_as_at(request)
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
    workstream = get_object_or_404(as_at.annotate(found) if as_at else found, slug=slug)
    meetings = as_at.meetings if as_at else list(Meeting.objects.for_timeline())
    clock = as_at.clock if as_at else RecordClock.read()
    record = _record(workstream, as_at)
    last_som = max(clock.next_som or 0, meetings[-1].som_number if meetings else 0)
    return render(
        request,
        "workstreams/workstream_detail.html",
        {
            **as_at_context,
            "workstream": workstream,
            "cells": cells_for(workstream, meetings),
            "current": record.current,
            "standing": clock.standing_of(_stood(workstream, as_at)),
            "clock": clock,
            "bar": mandate_bar(mandate_periods(record.decisions), last_som=last_som or None),
            "updates": ProgressInput.objects.public_sources_of(record.updates),
            "decisions": record.decisions,
            "proposals": record.proposals,
            "events": record.events,
        },
        status=400 if as_at_context["as_at_notice"] else 200,
    )


@dataclass(frozen=True)
class Record:
    """What a workstream's page shows of its record: all of it, or (as at a meeting) what the
    meetings up to it said, read from the rows already prefetched."""

    current: Cell | None
    updates: list[Any]
    decisions: list[Any]
    proposals: list[Any]
    events: list[Any]


def _record(workstream: Workstream, as_at: RecordAsAt | None) -> Record:
    updates, decisions = list(workstream.updates.all()), list(workstream.decisions.all())
    proposals, events = list(workstream.proposals.all()), list(workstream.events.all())
    if as_at is None:
        return Record(current_cell(workstream), updates, decisions, proposals, events)
    ids = set(as_at.ids)
    entries = [e for e in workstream.timeline_entries.all() if e.meeting_id in ids]
    return Record(
        Cell(entries[-1].meeting, entries[-1]) if entries else None,
        [u for u in updates if u.meeting_id in ids],
        [d for d in decisions if d.meeting_id in ids],
        [p for p in proposals if p.meeting_id in ids],
        # An event as the reports up to M name it.
        [e for e in events if e.source is None or e.source.meeting_id in ids],
    )


def changes(request: HttpRequest, start: str, end: str) -> HttpResponse:
    """What changed from one meeting to a later one, grouped by kind, each change with the row
    of the record it rests on (workstreams/changes/)."""
    meetings = list(Meeting.objects.for_timeline())
    by_slug = {meeting.slug: meeting for meeting in meetings}
    if start not in by_slug or end not in by_slug:
        raise Http404(_("No meeting with that name."))
    context: dict[str, Any] = {
        "meetings": meetings,
        "start": by_slug[start],
        "end": by_slug[end],
    }
    try:
        context["changes"] = changes_between(by_slug[start], by_slug[end])
    except MeetingOrderError as error:
        context["error"] = str(error)
        return render(request, "workstreams/changes.html", context, status=400)
    return render(request, "workstreams/changes.html", context)


def changes_choose(request: HttpRequest) -> HttpResponse:
    """The form of the changes page: to the page of the two meetings chosen."""
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if not (is_slug(start) and is_slug(end)):
        meetings = list(Meeting.objects.for_timeline())
        context = {
            "meetings": meetings,
            "error": _("Choose a meeting to start from and one to end at."),
        }
        return render(request, "workstreams/changes.html", context, status=400)
    return redirect("workstreams:changes", start=start, end=end)
