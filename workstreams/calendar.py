"""``/meetings/calendar.ics``: the meetings (meetings/feeds.py) and the workstreams' dated events;
``/workstreams/<slug>/calendar.ics``: one workstream's meetings and dated events, built by the
same functions, so that an event has the same UID in both calendars.

An event the report dates to the day is an all-day VEVENT: DTSTART;VALUE=DATE, and DTEND the
day after its last day (DTEND is exclusive), with its place as LOCATION and the report it is
taken from in DESCRIPTION. An event dated only by its month or year ("June 2022") is left out,
as a meeting so dated is: a calendar event needs a day, and inventing one would put a guess in
people's calendars. The view lives here because ``meetings`` imports nothing from this app.

A workstream's meetings are those where the public record holds something of it: a status (a
timeline entry), a published progress update, a decision or a proposal. An agenda item names a
workstream only through the updates and proposals placed on it, so a meeting that has the
workstream on its agenda is there by those. A draft is not public, and its writes do not move
the record's version that names the cached answer (emgtracker/caching.py): it counts only once
published.
"""

import datetime
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Event

from meetings.feeds import (
    CALENDAR_FILENAME,
    UID_DOMAIN,
    calendar_response,
    calendar_stamp,
    meeting_calendar_build,
)
from meetings.models import DatePrecision, Evidence, Meeting
from meetings.templatetags.translated import translated
from workstreams.models import (
    Decision,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    Workstream,
    WorkstreamEvent,
)


def calendar_events() -> QuerySet[WorkstreamEvent]:
    """The events known to the day, with their workstream and source, and ``last_changed``:
    the time of their latest saved change (from their history; None if it has none)."""
    changes = WorkstreamEvent.history.model.objects.filter(id=OuterRef("pk"))
    return (
        WorkstreamEvent.objects.filter(date_precision=DatePrecision.DAY)
        .with_relations()
        .annotate(
            last_changed=Subquery(changes.order_by("-history_date").values("history_date")[:1])
        )
        .order_by("date", "title", "pk")
    )


def event_uid(event: WorkstreamEvent) -> str:
    """The event's natural key (a workstream names an event once a day, by its title), so
    that a subscriber's copy is updated, not duplicated, when the record is loaded again."""
    title = slugify(event.title)[:60]
    return f"event-{event.workstream.slug}-{event.date:%Y%m%d}-{title}@{UID_DOMAIN}"


def _event_description(event: WorkstreamEvent, url: str) -> str:
    lines = [
        _("%(kind)s of %(workstream)s")
        % {"kind": event.get_kind_display(), "workstream": event.workstream.title},
        str(event.get_role_display()),
    ]
    if event.provenance:
        lines.append(_("Source: %(where)s") % {"where": event.provenance})
    if event.source_quote:
        lines.append(f"“{event.source_quote}”")
    if event.evidence == Evidence.INFERRED:
        lines.append(_("Inferred: %(reason)s") % {"reason": event.evidence_reason})
    lines.append(url)
    return "\n".join(lines)


def event_component(
    event: WorkstreamEvent, request: HttpRequest, stamp: datetime.datetime
) -> Event:
    """A workstream's event known to the day, as an all-day VEVENT."""
    page = reverse("workstreams:detail", kwargs={"slug": event.workstream.slug})
    url = request.build_absolute_uri(page)
    component = Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", stamp)
    component.add("summary", event.title)
    component.add("description", _event_description(event, url))
    component.add("url", url)
    if event.place:
        component.add("location", event.place)
    # The report relates the event as one that took place or will: nothing tentative about it.
    component.add("status", "CONFIRMED")
    component.add("dtstart", event.date)
    component.add("dtend", (event.end_date or event.date) + datetime.timedelta(days=1))
    return component


def workstream_meetings(workstream: Workstream) -> QuerySet[Meeting]:
    """The calendar's meetings (``for_calendar``) where the public record holds something of
    ``workstream`` (see the module): one query, whatever the number of meetings or records."""
    at = OuterRef("pk")
    records = [
        TimelineEntry.objects.filter(workstream=workstream, meeting=at),
        ProgressUpdate.objects.published().filter(workstream=workstream, meeting=at),
        Decision.objects.filter(workstream=workstream, meeting=at),
        Proposal.objects.filter(workstream=workstream, meeting=at),
    ]
    return Meeting.objects.for_calendar().filter(reduce(or_, (Q(Exists(r)) for r in records)))


def _calendar(
    request: HttpRequest,
    meetings: Iterable[Meeting],
    events: Iterable[WorkstreamEvent],
    *,
    name: str = "",
    description: str = "",
    filename: str = CALENDAR_FILENAME,
) -> HttpResponse:
    """The calendar of ``meetings`` and ``events``, stamped with their latest change; named,
    described and saved as the site-wide calendar unless told otherwise."""
    meetings, events = list(meetings), list(events)
    dated = [m for m in meetings if m.date_precision == DatePrecision.DAY]
    stamp = calendar_stamp([*dated, *events])
    extra = [event_component(event, request, stamp) for event in events]
    calendar = meeting_calendar_build(
        meetings, request, extra=extra, stamp=stamp, name=name, description=description
    )
    return calendar_response(request, calendar, filename=filename)


@require_safe
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """Every meeting and workstream event with a known day, to subscribe to."""
    return _calendar(request, Meeting.objects.for_calendar(), calendar_events())


@require_safe
def workstream_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """One workstream's meetings and events with a known day, to subscribe to."""
    workstream = get_object_or_404(Workstream, slug=slug)
    title = translated(workstream, "title", "plain")
    return _calendar(
        request,
        workstream_meetings(workstream),
        calendar_events().filter(workstream=workstream),
        name=_("%(workstream)s: meetings and events") % {"workstream": title},
        description=_(
            "The Senior Officials Meetings where the record holds something of %(workstream)s, "
            "and its dated events."
        )
        % {"workstream": title},
        filename=f"emg-{workstream.slug}.ics",
    )


# Mounted under /meetings/ with the meetings app's own pages (emgtracker/urls.py).
meeting_urlpatterns = [path("calendar.ics", meeting_calendar, name="calendar")]
