"""Mandates: the periods a workstream's decisions open, renew and close, and what the workstream
keeps of them; the record's clock and where each workstream stands against it."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from meetings.models import Meeting
from tests.factories import UserFactory, first
from workstreams import services
from workstreams.models import Decision, MandateState, MandateTerm, Workstream
from workstreams.services import mandate_periods, mandate_state
from workstreams.standing import MandateNow, RecordClock, Standing

TODAY = datetime.date(2026, 12, 1)


def _meeting(som: int, segment: str = "meeting") -> Meeting:
    return Meeting(som_number=som, segment=segment, date=datetime.date(2000 + som - 6, 11, 1))


def _decision(kind: str, som: int, term: str = "", until: int | None = None) -> Decision:
    return Decision(kind=kind, meeting=_meeting(som), term=term, until_som=until)


def test_no_decision_no_mandate() -> None:
    assert mandate_state(mandate_periods([])) == (MandateState.NONE, None)


def test_established_with_no_term_runs_with_no_end_on_record() -> None:
    periods = mandate_periods([_decision("establish", 27)])
    assert [(p.starts_at_som, p.ends_at_som, p.closed_by) for p in periods] == [(27, None, None)]
    assert mandate_state(periods) == (MandateState.OPEN, None)


def test_until_a_named_meeting_and_another_year() -> None:
    until = mandate_periods([_decision("extend", 27, MandateTerm.UNTIL_SOM, 28)])
    assert mandate_state(until) == (MandateState.UNTIL, 28)
    # "Another year" runs to the next annual meeting: the SOM after the decision's.
    year = mandate_periods([_decision("extend", 27, MandateTerm.ANOTHER_YEAR)])
    assert mandate_state(year) == (MandateState.UNTIL, 28)


def test_a_renewal_closes_the_period_before_and_opens_the_next() -> None:
    opened = _decision("establish", 26, MandateTerm.ANOTHER_YEAR)
    renewed = _decision("continue", 27, MandateTerm.OPEN_ENDED)
    periods = mandate_periods([renewed, opened])  # in any order: sorted by meeting
    assert [p.opened_by for p in periods] == [opened, renewed]
    assert periods[0].closed_by is renewed
    assert periods[0].is_renewed
    assert not periods[0].is_concluded
    assert mandate_state(periods) == (MandateState.OPEN, None)


def test_a_decision_to_conclude_closes_the_mandate() -> None:
    opened = _decision("establish", 26)
    concluded = _decision("conclude", 28)
    periods = mandate_periods([opened, _decision("endorse", 27), concluded])
    assert len(periods) == 1
    assert periods[0].closed_by is concluded
    assert periods[0].is_concluded
    assert mandate_state(periods) == (MandateState.CONCLUDED, None)


@pytest.mark.usefixtures("record")
def test_a_decision_saved_through_its_service_moves_the_mandate() -> None:
    secretariat = UserFactory.create(role="secretariat")
    workstream = first(Workstream.objects.filter(slug="img-biodiversity"))
    som28 = first(Meeting.objects.filter(slug="som28"))
    decision = Decision(
        meeting=som28,
        workstream=workstream,
        kind=Decision.Kind.EXTEND,
        text="Extended the IMG until the 30th SOM.",
        term=MandateTerm.UNTIL_SOM,
        until_som=30,
    )
    services.decision_save(decision=decision, by=secretariat)
    workstream.refresh_from_db()
    assert (workstream.mandate, workstream.mandate_until) == (MandateState.UNTIL, 30)
    services.decision_delete(decision=decision, by=secretariat)
    workstream.refresh_from_db()
    assert workstream.mandate != MandateState.UNTIL


@pytest.mark.usefixtures("record")
def test_an_anonymous_caller_cannot_save_a_decision() -> None:
    decision = Decision(
        meeting=first(Meeting.objects.filter(slug="som28")),
        workstream=first(Workstream.objects.filter(slug="img-biodiversity")),
        kind=Decision.Kind.CONCLUDE,
        text="Concluded.",
    )
    with pytest.raises(PermissionDenied):
        services.decision_save(decision=decision, by=AnonymousUser())
    assert not Decision.objects.filter(kind=Decision.Kind.CONCLUDE).exists()


@pytest.mark.usefixtures("record")
def test_the_clock_reads_the_latest_meeting_with_a_record_and_the_next_som() -> None:
    clock = RecordClock.read(today=TODAY)
    assert clock.latest is not None
    assert clock.latest.slug == "som29-mid-term"
    # SOM29's senior segment (10 October 2023) is past: the next SOM is the 30th.
    assert clock.next_som == 30
    earlier = RecordClock.read(today=datetime.date(2023, 6, 1))
    assert earlier.next_som == 29


@pytest.mark.usefixtures("record")
def test_mandate_filters_against_the_next_som() -> None:
    clock = RecordClock.read(today=TODAY)
    workstream = first(Workstream.objects.filter(slug="img-biodiversity"))
    Workstream.objects.filter(pk=workstream.pk).update(mandate="until", mandate_until=30)
    workstream.refresh_from_db()
    ending = Workstream.objects.filter(clock.mandate_q(MandateNow.ENDING))
    live = Workstream.objects.filter(clock.mandate_q(MandateNow.LIVE))
    assert workstream in ending
    assert workstream in live
    assert clock.mandate_of(workstream) == MandateNow.ENDING
    Workstream.objects.filter(pk=workstream.pk).update(mandate_until=29)
    workstream.refresh_from_db()
    assert workstream in Workstream.objects.filter(clock.mandate_q(MandateNow.LAPSED))
    assert workstream not in Workstream.objects.filter(clock.mandate_q(MandateNow.LIVE))
    assert clock.mandate_of(workstream) == MandateNow.LAPSED
    # Reported at SOM29 mid-term, after a mandate that ran to SOM28.
    Workstream.objects.filter(pk=workstream.pk).update(mandate_until=28)
    workstream = first(
        Workstream.objects.select_related("last_record_meeting").filter(pk=workstream.pk)
    )
    assert clock.standing_of(workstream).reported_after_lapse


@pytest.mark.usefixtures("record")
def test_standing_filter_agrees_with_each_workstreams_standing() -> None:
    # The SOM29 midterm report lists every ongoing workstream (the record says so too).
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    clock = RecordClock.read(today=TODAY)
    everyone = list(Workstream.objects.select_related("last_record_meeting"))
    for standing in Standing:
        filtered = set(Workstream.objects.filter(clock.standing_q(standing)))
        by_row = {w for w in everyone if clock.standing_of(w).standing == standing}
        assert filtered == by_row, standing
    silent = first(
        Workstream.objects.select_related("last_record_meeting").filter(
            slug="task-team-stockholm-50"
        )
    )
    words = clock.standing_of(silent)
    assert words.standing == Standing.SILENT
    assert words.cycles == 1
    assert words.text == (
        "Last reported at SOM28 mid-term, silent since "
        "(not listed among the ongoing workstreams at SOM29 mid-term)"
    )
    reported = first(
        Workstream.objects.select_related("last_record_meeting").filter(slug="img-biodiversity")
    )
    assert clock.standing_of(reported).text == "Active at SOM29 mid-term"
