"""The meetings as an iCalendar feed, for calendar apps to subscribe to.

One event per meeting whose record gives a day. A meeting dated only by a month or a year
("November 2022") is left out: a calendar event needs a day, and inventing one would put a
guess in people's calendars. A meeting with a start time is timed in its own IANA time zone,
with the VTIMEZONE that zone needs; one with a day but no time is an all-day event.

A planned meeting is ``STATUS:TENTATIVE``, a held one ``CONFIRMED``; a planned meeting whose
date has passed with nothing on record says so in its description ("Date passed, no report on
record"). The workstreams' dated events join the calendar through ``extra`` (the view that
serves it is ``workstreams.calendar``'s): like the rest of this app, this module imports
nothing from ``workstreams``.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from meetings.models import Meeting, MeetingStateNow

CALENDAR_FILENAME = "emg-meetings.ics"
CALENDAR_MAX_AGE = 60 * 60
PRODID = "-//UN Environment Management Group//EMG Workstream Tracker//EN"
UID_DOMAIN = "emg-tracker"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def cacheable(request: HttpRequest, response: HttpResponse, *, max_age: int) -> HttpResponse:
    """Let browsers, feed readers and shared caches keep a public feed for ``max_age`` seconds.

    The response gets a hash of its body as its ETag, and a reader that sends that ETag back
    is answered 304 Not Modified. The feeds hold no per-user data, so a shared cache may keep
    them.
    """
    patch_cache_control(response, public=True, max_age=max_age)
    if request.method in ("GET", "HEAD"):
        set_response_etag(response)
        # Only the ETag is compared: no Last-Modified is passed, so If-Modified-Since never
        # answers 304 on a date that does not say when the body last changed.
        conditional = get_conditional_response(
            request, etag=response.get("ETag"), response=response
        )
        assert conditional is not None  # it returns the response passed when nothing matches
        return conditional
    return response


def _description(meeting: Meeting, url: str, today: datetime.date) -> str:
    """The text of an event: what the meeting is, how and where it meets, and its page."""
    lines = [
        str(
            _("SOM %(number)s, %(segment)s")
            % {"number": meeting.som_number, "segment": meeting.get_segment_display()}
        )
    ]
    how = [str(meeting.get_format_display())] if meeting.format else []
    if meeting.venue:
        how.append(meeting.venue)
    if how:
        lines.append(str(_("Format: %(how)s") % {"how": ", ".join(how)}))
    if meeting.chair is not None:
        lines.append(str(_("Chair: %(chair)s") % {"chair": meeting.chair.name}))
    state = MeetingStateNow(meeting.state_on(today)).label
    lines.append(str(_("Status: %(status)s") % {"status": state}))
    lines.append(url)
    return "\n".join(lines)


def _event(
    meeting: Meeting, request: HttpRequest, stamp: datetime.datetime, today: datetime.date
) -> Event:
    url = request.build_absolute_uri(reverse("meetings:detail", kwargs={"slug": meeting.slug}))
    event = Event()
    # The slug is the meeting's natural key, so a subscriber's copy of an event is updated,
    # not duplicated, when the meeting's details change.
    event.add("uid", f"{meeting.slug}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", meeting.title)
    event.add("description", _description(meeting, url, today))
    event.add("url", url)
    if meeting.venue:
        event.add("location", meeting.venue)
    # A planned meeting may yet move or not take place: tentative until the record says it
    # was held, and still tentative after its date with no report on record.
    event.add("status", "TENTATIVE" if meeting.is_planned else "CONFIRMED")
    starts, ends = meeting.starts_at(), meeting.ends_at()
    if starts is not None:
        # Aware datetimes in a ZoneInfo zone are written with TZID=<IANA name>.
        event.add("dtstart", starts)
        if ends is not None:
            event.add("dtend", ends)
    else:
        # An all-day event: DTEND is exclusive, so a one-day meeting ends the day after.
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    return event


def calendar_stamp(rows: Iterable[Any]) -> datetime.datetime:
    """DTSTAMP: with METHOD, when this copy of the calendar was made (RFC 5545). Its content
    is the same as at its rows' latest change (meetings', events'), so that is when it was made:
    two copies of unchanged data are then the same, byte for byte, and keep their ETag. A row
    written around the services, with no history, counts as unchanged since the Unix epoch."""
    changes = [getattr(row, "last_changed", None) for row in rows]
    latest = max((c for c in changes if c is not None), default=EPOCH)
    return latest.astimezone(datetime.UTC).replace(microsecond=0)


def meeting_calendar_build(
    meetings: Iterable[Meeting],
    request: HttpRequest,
    *,
    extra: Sequence[Event] = (),
    stamp: datetime.datetime | None = None,
    name: str = "",
    description: str = "",
) -> Calendar:
    """The calendar of ``meetings`` (only day-precision ones become events), and the ``extra``
    events after them, all stamped ``stamp`` (default: the meetings' latest change), named
    ``name`` and described by ``description`` (default: the Senior Officials' meetings)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or str(_("EMG Senior Officials Meetings")))
    calendar.add(
        "x-wr-caldesc",
        description
        or str(_("Meetings of the UN Environment Management Group's Senior Officials.")),
    )
    dated = [m for m in meetings if m.date_precision == Meeting.DatePrecision.DAY]
    stamp = stamp or calendar_stamp(dated)
    today = timezone.localdate()
    for meeting in dated:
        calendar.add_component(_event(meeting, request, stamp, today))
    for component in extra:
        calendar.add_component(component)
    if dated:
        # Each VTIMEZONE lists the zone's transitions between these dates only: from
        # 1970 to 2038 (the default) it would be a long list, the same for every subscriber.
        first = min(m.date for m in dated)
        last = max(m.date for m in dated)
        calendar.add_missing_timezones(
            first_date=datetime.date(first.year - 1, 1, 1),
            last_date=datetime.date(last.year + 2, 1, 1),
        )
    return calendar


def calendar_response(
    request: HttpRequest, calendar: Calendar, *, filename: str = CALENDAR_FILENAME
) -> HttpResponse:
    """The calendar as ``/meetings/calendar.ics`` (and a workstream's) serves it, to subscribe
    to: inline, as ``filename``, cached as the feeds are."""
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return cacheable(request, response, max_age=CALENDAR_MAX_AGE)
