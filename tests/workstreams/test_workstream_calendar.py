"""A workstream's own iCalendar feed (/workstreams/<slug>/calendar.ics): its meetings and its
dated events, with the UIDs of the site-wide calendar, and the links to it on its page."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar, Component

from meetings.models import AgendaItem, Document, Meeting
from tests.factories import MeetingFactory, ProgressUpdateFactory, UserFactory
from workstreams import services
from workstreams.calendar import event_uid
from workstreams.models import ProgressUpdate, Workstream, WorkstreamEvent

pytestmark = pytest.mark.usefixtures("record")

BIODIVERSITY = "/en/workstreams/img-biodiversity/calendar.ics"


def _event(workstream: str, title: str, day: datetime.date) -> WorkstreamEvent:
    return WorkstreamEvent.objects.create(
        workstream=Workstream.objects.get(slug=workstream),
        kind="meeting",
        role="organises",
        title=title,
        date=day,
        source=Document.objects.get(meeting__slug="som29-mid-term", kind="meeting_report"),
        source_section="section 3",
    )


def _vevents(client: Client, path: str = BIODIVERSITY) -> dict[str, Component]:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    # icalendar parses strictly here: a malformed line or a bad date raises.
    calendar = Calendar.from_ical(response.content)
    assert calendar.get_missing_tzids() == set()
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_workstreams_calendar_holds_its_meetings_and_its_dated_events(client: Client) -> None:
    own = _event(
        "img-biodiversity", "IMG meeting on the post-2020 framework", datetime.date(2022, 9, 14)
    )
    other = _event("core-working-group-plastic-pollution", "CWG call", datetime.date(2022, 9, 15))
    response = client.get(BIODIVERSITY)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="emg-img-biodiversity.ics"'
    assert "max-age=3600" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["x-wr-calname"] == "Issue Management Group on Biodiversity: meetings and events"
    uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
    # The record holds the IMG's updates at SOM28 mid-term and SOM29 mid-term, and its
    # establishment at SOM27, which the record dates only to the year: no event for that.
    assert uids == {
        "som28-mid-term@emg-tracker",
        "som29-mid-term@emg-tracker",
        event_uid(own),
    }
    assert event_uid(other) not in uids
    # Its events dated only by their month ("March 2022", "June 2022") are left out.
    assert (
        WorkstreamEvent.objects.filter(
            workstream__slug="img-biodiversity", date_precision="month"
        ).count()
        == 2
    )

    again = client.get(BIODIVERSITY, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_its_events_are_those_of_the_site_wide_calendar_with_the_same_uids(
    client: Client,
) -> None:
    _event("img-biodiversity", "IMG meeting on the post-2020 framework", datetime.date(2022, 9, 14))
    mine = _vevents(client)
    everyone = _vevents(client, "/en/meetings/calendar.ics")
    assert set(mine) <= set(everyone)
    for uid, vevent in mine.items():
        for field in ("summary", "description", "url", "status"):
            assert vevent[field] == everyone[uid][field], (uid, field)
        assert vevent.decoded("dtstart") == everyone[uid].decoded("dtstart")
        assert vevent.decoded("dtend") == everyone[uid].decoded("dtend")


def test_a_coming_meeting_is_in_it_once_the_workstreams_update_there_is_published(
    client: Client,
) -> None:
    senior = Meeting.objects.get(slug="som29-senior")
    # A draft on the meeting's agenda is not public: the calendar says nothing of it.
    agenda_item = AgendaItem.objects.create(
        meeting=senior, position=1, number="3(a)", title="Biodiversity"
    )
    update = ProgressUpdateFactory.create(
        agenda_item=agenda_item, state=ProgressUpdate.State.SUBMITTED
    )
    assert "som29-senior@emg-tracker" not in _vevents(client)
    services.progress_update_publish(update=update, by=UserFactory.create(role="secretariat"))
    vevent = _vevents(client)["som29-senior@emg-tracker"]
    assert str(vevent["status"]) == "TENTATIVE"
    assert str(vevent["url"]).endswith("/en/meetings/som29-senior/")


def test_an_unknown_workstream_is_404(client: Client) -> None:
    assert client.get("/en/workstreams/no-such-workstream/calendar.ics").status_code == 404


def test_the_query_count_is_flat(client: Client, django_assert_num_queries: Any) -> None:
    # the workstream; its meetings, with their chairs; its events, with their sources
    with django_assert_num_queries(3):
        client.get(BIODIVERSITY)
    for n in range(3):
        meeting = MeetingFactory.create(
            slug=f"som{40 + n}", som_number=40 + n, date=datetime.date(2030 + n, 3, 1)
        )
        ProgressUpdateFactory.create(
            meeting=meeting, state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now()
        )
        _event("img-biodiversity", f"IMG meeting {n}", datetime.date(2030 + n, 4, 1))
    with django_assert_num_queries(3):
        response = client.get(BIODIVERSITY)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2 + 3 + 3


def test_the_workstream_page_links_its_calendar_and_its_atom_feed(client: Client) -> None:
    page = client.get("/en/workstreams/img-biodiversity/").content.decode()
    calendar = "/en/workstreams/img-biodiversity/calendar.ics"
    feed = "/en/workstreams/img-biodiversity/feed/"
    assert f'<a href="{calendar}" type="text/calendar">Calendar (iCalendar)</a>' in page
    assert f'<a href="{feed}" type="application/atom+xml">Atom feed</a>' in page
    assert '<link rel="alternate" type="text/calendar" title="Biodiversity: meetings' in page
    assert (
        f'type="application/atom+xml" title="Biodiversity: updates and decisions" href="{feed}"'
        in page
    )
    assert client.get(calendar).status_code == 200
    assert client.get(feed).status_code == 200

    french = client.get("/fr/workstreams/img-biodiversity/").content.decode()
    assert 'href="/fr/workstreams/img-biodiversity/calendar.ics"' in french
