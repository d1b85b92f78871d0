"""The workstreams' dated events in the iCalendar feed (/meetings/calendar.ics): all-day
VEVENTs for the events known to the day, none for those known only to the month."""

import datetime
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar, Component

from meetings.models import Document, Evidence
from workstreams.calendar import event_uid
from workstreams.models import Workstream, WorkstreamEvent

pytestmark = pytest.mark.usefixtures("record")


def _event(**kwargs: Any) -> WorkstreamEvent:
    fields = {
        "workstream": Workstream.objects.get(slug="core-working-group-plastic-pollution"),
        "kind": "negotiation",
        "role": "relates",
        "title": "INC ad hoc open-ended working group",
        "date": datetime.date(2022, 5, 30),
        "end_date": datetime.date(2022, 6, 1),
        "place": "Dakar, Senegal",
        "source": Document.objects.get(meeting__slug="som28-mid-term", kind="meeting_report"),
        "source_section": "section 2(d)",
        "source_quote": "held in Dakar from 30 May to 1 June 2022",
        **kwargs,
    }
    return WorkstreamEvent.objects.create(**fields)


def _vevents(client: Client) -> dict[str, Component]:
    response = client.get("/en/meetings/calendar.ics")
    assert response.status_code == 200
    # icalendar parses strictly here: a malformed line or a bad date raises.
    calendar = Calendar.from_ical(response.content)
    assert calendar.get_missing_tzids() == set()
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_an_event_of_several_days_is_an_all_day_vevent_with_its_place_and_source(
    client: Client,
) -> None:
    dakar = _event()
    vevent = _vevents(client)[event_uid(dakar)]
    assert str(vevent["uid"]).startswith("event-core-working-group-plastic-pollution-20220530-")
    assert vevent["dtstart"].params["VALUE"] == "DATE"
    assert vevent.decoded("dtstart") == datetime.date(2022, 5, 30)
    # DTEND is exclusive: the day after the last day.
    assert vevent.decoded("dtend") == datetime.date(2022, 6, 2)
    assert str(vevent["summary"]) == "INC ad hoc open-ended working group"
    assert str(vevent["location"]) == "Dakar, Senegal"
    description = str(vevent["description"])
    assert "Intergovernmental meeting of Core Working Group" in description
    assert "Related by the report" in description
    assert "Source: SOM28 mid-term" in description
    assert "section 2(d)" in description
    assert "held in Dakar from 30 May to 1 June 2022" in description
    assert str(vevent["url"]).endswith("/en/workstreams/core-working-group-plastic-pollution/")


def test_a_one_day_event_ends_the_next_day_and_an_inferred_one_says_why(client: Client) -> None:
    # The record's: "will be held on 07 June", in a report of May 2022.
    nexus = WorkstreamEvent.objects.get(
        workstream__slug="cp-sustainable-infrastructure",
        title="EMG Nexus Dialogue on Investing in Natural Infrastructure",
    )
    assert nexus.evidence == Evidence.INFERRED
    vevent = _vevents(client)[event_uid(nexus)]
    assert vevent.decoded("dtstart") == datetime.date(2022, 6, 7)
    assert vevent.decoded("dtend") == datetime.date(2022, 6, 8)
    assert "location" not in vevent
    assert f"Inferred: {nexus.evidence_reason}" in str(vevent["description"])


def test_an_event_known_only_to_the_month_is_left_out(client: Client) -> None:
    month = _event(
        title="A workshop in June",
        date=datetime.date(2022, 6, 1),
        end_date=None,
        date_precision="month",
    )
    assert event_uid(month) not in _vevents(client)


def test_the_calendar_changes_when_an_event_is_added(client: Client) -> None:
    first = client.get("/en/meetings/calendar.ics")
    _event()
    second = client.get("/en/meetings/calendar.ics")
    assert second["ETag"] != first["ETag"]
