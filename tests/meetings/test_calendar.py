"""The iCalendar feed of meetings."""

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar, Component

from meetings.models import Meeting, Person
from workstreams.models import WorkstreamEvent

pytestmark = pytest.mark.usefixtures("record")


def _calendar(client: Client) -> Calendar:
    response = client.get("/en/meetings/calendar.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, Component]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


# The iCalendar feed of meetings ---------------------------------------------------------------


def test_calendar_is_served_as_text_calendar_inline(client: Client) -> None:
    response = client.get("/en/meetings/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="emg-meetings.ics"'
    assert "max-age=3600" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["method"] == "PUBLISH"
    assert calendar["version"] == "2.0"
    assert "EMG" in str(calendar["prodid"])
    assert calendar["x-wr-calname"] == "EMG Senior Officials Meetings"


def test_a_timed_meeting_is_in_its_own_time_zone(client: Client) -> None:
    calendar = _calendar(client)
    event = _events(calendar)["som28-mid-term@emg-tracker"]
    # The record states the times in CEST, Geneva time, and stores them as Europe/Zurich.
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert event["dtstart"].params["TZID"] == "Europe/Zurich"
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2022, 5, 18, 15, 0)
    assert (end.hour, end.minute) == (17, 0)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert start.tzname() == "CEST"
    assert (
        str(event["summary"]) == "Mid-Term Technical Segment of the 28th Senior Officials Meeting"
    )
    assert str(event["location"]) == "MS Teams"
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["url"]) == "http://testserver/en/meetings/som28-mid-term/"
    description = str(event["description"])
    for part in ("SOM 28", "Mid-term technical segment", "Virtual", "MS Teams", "Held"):
        assert part in description
    assert "http://testserver/en/meetings/som28-mid-term/" in description
    assert isinstance(event.decoded("dtstamp"), datetime.datetime)
    # Every zone used has its VTIMEZONE, and only those.
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert calendar.get_missing_tzids() == set()


def test_the_chair_and_a_planned_status_are_described(client: Client) -> None:
    events = _events(_calendar(client))
    assert "Chair: Ligia Noronha" in str(events["som29-mid-term@emg-tracker"]["description"])
    assert str(events["som29-mid-term@emg-tracker"]["status"]) == "CONFIRMED"
    # Planned, and its date (10 October 2023) long passed with no report on record.
    senior = events["som29-senior@emg-tracker"]
    assert "Status: Date passed, no report on record" in str(senior["description"])
    assert str(senior["status"]) == "TENTATIVE"


@time_machine.travel(datetime.datetime(2023, 10, 1, 9, 0, tzinfo=datetime.UTC))
def test_a_planned_meeting_before_its_date_is_tentative_and_says_planned(client: Client) -> None:
    senior = _events(_calendar(client))["som29-senior@emg-tracker"]
    assert str(senior["status"]) == "TENTATIVE"
    assert "Status: Planned" in str(senior["description"])


def test_a_meeting_without_times_is_an_all_day_event(client: Client) -> None:
    Meeting.objects.filter(slug="som29-technical").update(start_time=None, end_time=None)
    event = _events(_calendar(client))["som29-technical@emg-tracker"]
    assert event.decoded("dtstart") == datetime.date(2023, 9, 26)
    assert not isinstance(event.decoded("dtstart"), datetime.datetime)
    assert event.decoded("dtend") == datetime.date(2023, 9, 27)


def test_meetings_dated_by_month_or_year_are_left_out(client: Client) -> None:
    uids = {uid for uid in _events(_calendar(client)) if not uid.startswith("event-")}
    assert "som28@emg-tracker" not in uids
    assert "som27@emg-tracker" not in uids
    assert uids == {
        f"{slug}@emg-tracker"
        for slug in Meeting.objects.filter(date_precision="day").values_list("slug", flat=True)
    }


def test_each_time_zone_used_gets_its_vtimezone(client: Client) -> None:
    Meeting.objects.create(
        slug="som30",
        som_number=30,
        segment="meeting",
        title="30th Senior Officials Meeting",
        date=datetime.date(2024, 11, 5),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        time_zone="America/New_York",
        format="in_person",
        venue="UN Headquarters",
        status="planned",
    )
    calendar = _calendar(client)
    assert {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Europe/Zurich",
        "America/New_York",
    }
    start = _events(calendar)["som30@emg-tracker"].decoded("dtstart")
    assert start.utcoffset() == datetime.timedelta(hours=-5)


def test_calendar_uids_are_stable(client: Client) -> None:
    first = set(_events(_calendar(client)))
    Meeting.objects.filter(slug="som29-senior").update(venue="Nairobi")
    assert set(_events(_calendar(client))) == first


def test_calendar_query_count_is_flat(client: Client, django_assert_num_queries: Any) -> None:
    # meetings with their chairs; workstream events with their workstreams and sources
    with django_assert_num_queries(2):
        client.get("/en/meetings/calendar.ics")
    chair = Person.objects.get(name="Ligia Noronha")
    for n in range(10):
        Meeting.objects.create(
            slug=f"som{40 + n}",
            som_number=40 + n,
            segment="meeting",
            title=f"Meeting {40 + n}",
            date=datetime.date(2030 + n, 3, 1),
            chair=chair,
            status="planned",
        )
    with django_assert_num_queries(2):
        response = client.get("/en/meetings/calendar.ics")
    components = Calendar.from_ical(response.content).walk("VEVENT")
    assert len([e for e in components if not str(e["uid"]).startswith("event-")]) == 4 + 10


def test_calendar_copies_of_unchanged_meetings_are_identical(client: Client) -> None:
    """DTSTAMP is the meetings' latest change, not the clock: a copy a second later is the same
    body with the same ETag, and a subscriber that sends the ETag back gets 304."""
    with time_machine.travel(datetime.datetime(2031, 5, 4, 9, 0, 0, tzinfo=datetime.UTC)):
        first = client.get("/en/meetings/calendar.ics")
    with time_machine.travel(datetime.datetime(2031, 5, 4, 9, 0, 1, tzinfo=datetime.UTC)):
        second = client.get("/en/meetings/calendar.ics")
        again = client.get("/en/meetings/calendar.ics", HTTP_IF_NONE_MATCH=first["ETag"])
    assert first["ETag"]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert again.status_code == 304
    latest = max(
        [
            Meeting.history.latest("history_date").history_date,
            *WorkstreamEvent.history.values_list("history_date", flat=True),
        ]
    )
    stamps = {e.decoded("dtstamp") for e in Calendar.from_ical(first.content).walk("VEVENT")}
    assert stamps == {latest.replace(microsecond=0)}


def test_calendar_changes_with_a_meeting(client: Client) -> None:
    first = client.get("/en/meetings/calendar.ics")
    changed_at = datetime.datetime(2031, 5, 4, 9, 0, 0, tzinfo=datetime.UTC)
    with time_machine.travel(changed_at):
        meeting = Meeting.objects.get(slug="som29-senior")
        meeting.venue = "Nairobi"
        meeting.save()  # as the admin saves it, with its history
    second = client.get("/en/meetings/calendar.ics")
    assert second.content != first.content
    assert second["ETag"] != first["ETag"]
    event = _events(Calendar.from_ical(second.content))["som29-senior@emg-tracker"]
    assert event.decoded("dtstamp") == changed_at
    assert str(event["location"]) == "Nairobi"
