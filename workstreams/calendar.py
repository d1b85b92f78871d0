"""``/meetings/calendar.ics``: the meetings (meetings/feeds.py) and the workstreams' dated events.

An event the report dates to the day is an all-day VEVENT: DTSTART;VALUE=DATE, and DTEND the
day after its last day (DTEND is exclusive), with its place as LOCATION and the report it is
taken from in DESCRIPTION. An event dated only by its month or year ("June 2022") is left out,
as a meeting so dated is: a calendar event needs a day, and inventing one would put a guess in
people's calendars. The view lives here because ``meetings`` imports nothing from this app.
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Event

from meetings.feeds import UID_DOMAIN, calendar_response, calendar_stamp, meeting_calendar_build
from meetings.models import DatePrecision, Evidence, Meeting
from workstreams.models import WorkstreamEvent


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


@require_safe
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """Every meeting and workstream event with a known day, to subscribe to."""
    meetings = list(Meeting.objects.for_calendar())
    events = list(calendar_events())
    dated = [m for m in meetings if m.date_precision == DatePrecision.DAY]
    stamp = calendar_stamp([*dated, *events])
    extra = [event_component(event, request, stamp) for event in events]
    calendar = meeting_calendar_build(meetings, request, extra=extra, stamp=stamp)
    return calendar_response(request, calendar)


# Mounted under /meetings/ with the meetings app's own pages (emgtracker/urls.py).
meeting_urlpatterns = [path("calendar.ics", meeting_calendar, name="calendar")]
