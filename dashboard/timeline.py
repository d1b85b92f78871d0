"""The timeline at ``/``: the status matrix, its headline counts, the next meeting and the latest
updates; and the rows of one kind group's page, which the page's "next" links fetch with htmx.

Columns: a window of SOM cycles (``dashboard/window.py``). Rows: each kind group one page at a
time (``dashboard/matrix.py``). The page costs the same number of queries, and reads the same
number of rows at most, whatever the number of workstreams.
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from dashboard.matrix import (
    Counts,
    KindGroup,
    kind_pages,
    legend,
    matrix_groups,
    record_counts,
    som_groups,
)
from dashboard.overview import flag_lists, overview_counts, standing_counts
from dashboard.window import Window, window_from
from meetings.models import Meeting
from workstreams.as_at import RecordAsAt, page_as_at
from workstreams.models import ProgressUpdate
from workstreams.standing import RecordClock

LATEST_UPDATES = 5


def _asked_page(params: Mapping[str, str], counts: Counts) -> tuple[str, int] | str | None:
    """The kind group and page ``?kind=…&page=…`` ask for; None, none asked; or why not."""
    kind, number = params.get("kind", ""), params.get("page", "1")
    if not (kind or "page" in params):
        return None
    if not kind:
        return _("Say which group the page is of: ?kind=img&page=2.")
    if not counts.by_kind.get(kind):
        return _("The matrix has no group of workstreams of kind “%(kind)s”.") % {"kind": kind[:40]}
    pages = kind_pages(counts, (kind, 1))[kind].count
    if not (number.isdigit() and 1 <= int(number) <= pages):
        return _("That group has pages 1 to %(pages)s.") % {"pages": pages}
    return kind, int(number)


def _matrix(
    params: Mapping[str, str],
    meetings: list[Meeting],
    counts: Counts,
    clock: RecordClock,
    *,
    only_asked: bool = False,
    as_at: RecordAsAt | None = None,
) -> tuple[Window, list[KindGroup], str | None]:
    """The window, the kind groups at the pages asked (every group at its first page when the
    page asked cannot be shown; only the group asked, ``only_asked``), and the kind asked for.
    As at a meeting, ``meetings`` are those up to it and the rows stand as they stood then."""
    window = window_from(params, meetings, as_at.query if as_at else "")
    asked = _asked_page(params, counts)
    if isinstance(asked, str):
        window.notices.append(asked)
        asked = None
    pages = kind_pages(counts, asked)
    if only_asked:
        pages = {kind: page for kind, page in pages.items() if asked and kind == asked[0]}
    groups = matrix_groups(pages, window.meetings, clock, as_at)
    return window, groups, asked[0] if asked else None


def timeline(request: HttpRequest) -> HttpResponse:
    """The workstreams × meetings status matrix for a window of SOM cycles, with the headline
    figures; ``?as-at=<meeting>``, as they stood right after that meeting. A value the page
    cannot use is answered 400, with the default window (or the record now) and a notice."""
    as_at, as_at_context = page_as_at(request)
    meetings = list(Meeting.objects.for_timeline())
    counts = record_counts()
    today = timezone.localdate()
    clock = as_at.clock if as_at else RecordClock.read(today)
    shown = as_at.meetings if as_at else meetings
    window, groups, opened = _matrix(request.GET, shown, counts, clock, as_at=as_at)
    standing = overview_counts(clock, as_at)
    return render(
        request,
        "dashboard/timeline.html",
        {
            **as_at_context,
            "all_meetings": meetings,
            "window": window,
            "meetings": window.meetings,
            "som_groups": som_groups(window.meetings),
            "groups": groups,
            "opened": opened,
            "legend": legend(),
            "counts": standing_counts(standing, as_at),
            "flags": flag_lists(clock, standing, as_at),
            "clock": clock,
            "next_meeting": _next_meeting(meetings, today, as_at),
            "latest_updates": _latest_updates(as_at),
        },
        status=400 if window.notices or as_at_context["as_at_notice"] else 200,
    )


def _next_meeting(meetings: list[Meeting], today: Any, as_at: RecordAsAt | None) -> Meeting | None:
    """The next meeting: the first not yet held today, or (as at a meeting) the one after it."""
    if as_at:
        return as_at.next_meeting(meetings)
    return next((m for m in meetings if m.is_upcoming(today)), None)


def _latest_updates(as_at: RecordAsAt | None) -> list[ProgressUpdate]:
    """The newest published updates: as at a meeting, of the meetings up to it."""
    updates = ProgressUpdate.objects.newest_by_meeting()
    if as_at:
        updates = updates.filter(meeting__in=as_at.ids)
    return list(updates[:LATEST_UPDATES])


def timeline_rows(request: HttpRequest) -> HttpResponseBase:
    """One kind group's page of rows, as the ``<tbody>`` that replaces the group's on ``/``.

    Its own address, so that no cache keyed by the address (ours, a CDN's, the browser's) can
    give a fragment for the page or the page for a fragment. Without htmx (a link opened by
    hand) it sends the visitor to the same page of the whole timeline.
    """
    if request.headers.get("HX-Request") != "true":
        query = request.META.get("QUERY_STRING", "")
        response: HttpResponseBase = HttpResponseRedirect(
            reverse("workstreams:timeline") + (f"?{query}" if query else "")
        )
    else:
        response = _rows(request, record_counts())
    patch_vary_headers(response, ["HX-Request"])
    return response


def _rows(request: HttpRequest, counts: Counts) -> HttpResponse:
    as_at, as_at_context = page_as_at(request)
    if as_at_context["as_at_notice"]:
        return HttpResponse(
            as_at_context["as_at_notice"], status=400, content_type="text/plain; charset=utf-8"
        )
    meetings = as_at.meetings if as_at else list(Meeting.objects.for_timeline())
    clock = as_at.clock if as_at else RecordClock.read()
    window, groups, opened = _matrix(
        request.GET, meetings, counts, clock, only_asked=True, as_at=as_at
    )
    group = next((g for g in groups if g.kind == opened), None)
    if window.notices or group is None:
        message = " ".join(window.notices) or _("Say which group the page is of: ?kind=img&page=2.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    context: dict[str, Any] = {
        **as_at_context,
        "window": window,
        "meetings": window.meetings,
        "group": group,
    }
    return render(request, "dashboard/includes/matrix_group.html", {**context, "focus": True})
