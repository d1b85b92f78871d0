"""The loaded record checked against the SOM28 mid-term and SOM29 midterm reports."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Attendance, Meeting
from tests.factories import first
from workstreams.management.report_loader import reports_load
from workstreams.models import Decision, ProgressUpdate, Proposal, TimelineEntry, Workstream

pytestmark = pytest.mark.usefixtures("record")


def test_meetings_dates_and_times() -> None:
    meetings = {m.slug: m for m in Meeting.objects.all()}
    assert list(meetings) == [
        "som27",
        "som28-mid-term",
        "som28",
        "som29-mid-term",
        "som29-technical",
        "som29-senior",
    ]
    mid = meetings["som28-mid-term"]
    assert (mid.date, mid.start_time, mid.end_time) == (
        datetime.date(2022, 5, 18),
        datetime.time(15),
        datetime.time(17),
    )
    assert mid.time_zone_abbreviation() == "CEST"
    chair = meetings["som29-mid-term"].chair
    assert chair is not None
    assert chair.name == "Ligia Noronha"
    assert meetings["som29-mid-term"].reported_entity_count == 33
    senior = meetings["som29-senior"]
    assert (senior.date, senior.start_time, senior.end_time) == (
        datetime.date(2023, 10, 10),
        datetime.time(14),
        datetime.time(15, 30),
    )
    assert meetings["som28"].date_display == "November 2022"
    # Held on the SOM29 midterm report's words, our reading (issue 14).
    assert not meetings["som28"].is_planned
    assert meetings["som28"].status_is_inferred


def test_103_participants_with_their_entities() -> None:
    attendances = Attendance.objects.filter(meeting__slug="som28-mid-term")
    assert attendances.count() == 103
    tim = attendances.get(list_number=94)
    assert tim.entity is not None
    assert (tim.person.name, tim.entity.acronym) == ("Tim Scott", "UNDP")
    blank = attendances.get(list_number=10)
    assert (blank.person.name, blank.entity) == ("Alejandro Luque", None)
    assert attendances.get(list_number=47).listed_affiliation == "UNU- FLORES"


def test_presenters_and_their_entities() -> None:
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som28-mid-term"
    )
    assert update.presenter is not None
    assert update.entity is not None
    assert (update.presenter.name, update.entity.acronym) == ("Meriem Bouamrane", "UNESCO")
    # 12 presented in the report's sections, the monitoring and reporting working group's, and the
    # Nexus Dialogues' from the agenda (issue 14).
    assert ProgressUpdate.objects.filter(meeting__slug="som28-mid-term").count() == 14


def test_seven_workstreams_continue_in_2024() -> None:
    continuing = ProgressUpdate.objects.filter(
        meeting__slug="som29-mid-term", expected_to_continue_in=2024
    )
    assert continuing.count() == 7


def test_three_concept_notes() -> None:
    notes = Proposal.objects.filter(kind="concept_note").order_by("position")
    assert list(notes.values_list("presenter__name", "entity__acronym")) == [
        ("Tim Scott", "UNDP"),
        ("Tim Kasten", "UNEP"),
        ("Tim Kasten", "UNEP"),
    ]


def test_som27_decisions_keep_provenance() -> None:
    decision = Decision.objects.get(meeting__slug="som27", workstream__slug="img-biodiversity")
    assert decision.kind == "establish"
    assert decision.source_quote.startswith("The 27th SOM established this IMG")
    assert Decision.objects.filter(meeting__slug="som27").count() == 5


def test_silence_is_no_record() -> None:
    assert not TimelineEntry.objects.filter(
        workstream__slug="img-biodiversity", meeting__slug="som28"
    ).exists()
    # 17, the Consultations' monitoring and reporting working group and the Biodiversity IMG's
    # three streams (issue 14).
    assert Workstream.objects.count() == 21


def test_second_load_changes_nothing() -> None:
    report = reports_load()
    assert not report.changed


def test_database_refuses_meeting_ending_before_start() -> None:
    meeting = Meeting.objects.get(slug="som29-senior")
    meeting.end_time = datetime.time(13)
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_database_refuses_second_update_for_same_meeting() -> None:
    update = first(ProgressUpdate.objects.filter(meeting__slug="som28-mid-term"))
    update.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        update.save()


def test_timeline_page_shows_the_record(client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert "Issue Management Group on Biodiversity" in response.content.decode()
    assert "no record" in response.content.decode()
