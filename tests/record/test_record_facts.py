"""The record's facts, on the loaded record (issue 14): what it states, what it infers, what it
leaves unstated; mandates and silence. Run on SQLite and on PostgreSQL (DATABASE_URL).

The record's clock is read on a fixed day, so that nothing depends on the day the tests run.
"""

import datetime

import pytest

from meetings.models import AgendaItem, Intervention, Meeting
from workstreams.models import (
    Decision,
    ProgressUpdate,
    TimelineEntry,
    Workstream,
    WorkstreamEvent,
    WorkstreamLead,
)
from workstreams.standing import MandateNow, RecordClock, Standing, WorkstreamStanding

pytestmark = pytest.mark.usefixtures("record")

TODAY = datetime.date(2026, 12, 1)

SILENT = [
    "task-team-stockholm-50",
    "img-environmental-sustainability-management",
    "cp-sustainable-infrastructure",
    "consultations-environmental-social-sustainability",
    "task-team-un-sustainability-strategy",
    "model-approach-working-group",
]
LISTED_AT_SOM29_MIDTERM = [
    "img-biodiversity",
    "cp-pollution-free-planet",
    "img-human-rights-environment",
    "network-sustainability-strategy-focal-points",
    "cp-system-wide-framework-strategies",
    "nexus-dialogue-series",
    "rco-unct-triple-planetary-crisis",
]


def _workstream(slug: str) -> Workstream:
    return Workstream.objects.select_related("last_record_meeting").get(slug=slug)


def _standing(slug: str) -> WorkstreamStanding:
    return RecordClock.read(today=TODAY).standing_of(_workstream(slug))


def _cell(workstream: str, meeting: str) -> TimelineEntry:
    return TimelineEntry.objects.get(workstream__slug=workstream, meeting__slug=meeting)


# Silence -------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SILENT)
def test_six_workstreams_are_silent_since_the_som28_mid_term(slug: str) -> None:
    standing = _standing(slug)
    assert standing.standing == Standing.SILENT
    assert standing.not_listed_at is not None
    assert standing.not_listed_at.slug == "som29-mid-term"
    assert standing.cycles == 1
    assert standing.text == (
        "Last reported at SOM28 mid-term, silent since "
        "(not listed among the ongoing workstreams at SOM29 mid-term)"
    )


@pytest.mark.parametrize("slug", LISTED_AT_SOM29_MIDTERM)
def test_the_seven_listed_at_the_som29_midterm_are_reported(slug: str) -> None:
    standing = _standing(slug)
    assert standing.standing == Standing.REPORTED
    assert standing.text == "Active at SOM29 mid-term"


def test_the_som29_midterm_report_lists_the_ongoing_workstreams() -> None:
    clock = RecordClock.read(today=TODAY)
    assert clock.latest is not None
    assert clock.latest.slug == "som29-mid-term"
    assert clock.latest.lists_ongoing_workstreams


# Meetings ------------------------------------------------------------------------------------


def test_som28_is_held_on_the_2023_reports_words_inferred() -> None:
    som28 = Meeting.objects.select_related("status_source__meeting").get(slug="som28")
    assert som28.state_on(TODAY) == "held"
    assert som28.status_is_inferred
    assert som28.status_evidence_reason
    assert som28.status_source is not None
    assert som28.status_source.meeting.slug == "som29-mid-term"
    assert (som28.status_section, som28.status_quote) == (
        "section 1",
        "Overview of progress made by the EMG in response to SOM28 decisions and future plans",
    )


@pytest.mark.parametrize("slug", ["som29-technical", "som29-senior"])
def test_the_som29_segments_are_past_their_date_with_no_report(slug: str) -> None:
    meeting = Meeting.objects.get(slug=slug)
    assert meeting.status == "planned"
    assert meeting.state_on(TODAY) == "date_passed"
    assert meeting.state_on(datetime.date(2023, 5, 16)) == "planned"


def test_the_som28_mid_term_was_opened_by_hossein_fadaei() -> None:
    meeting = Meeting.objects.select_related("opened_by").get(slug="som28-mid-term")
    assert meeting.opened_by is not None
    assert meeting.opened_by.name == "Hossein Fadaei"
    item = AgendaItem.objects.select_related("presenter").get(meeting=meeting, number="1")
    assert item.title == "Opening remarks by Ligia Noronha, EMG Secretary"  # as the agenda has it
    assert item.presenter is not None
    assert item.presenter.name == "Hossein Fadaei"


# Stated and inferred -------------------------------------------------------------------------


def test_the_human_rights_extension_is_inferred_until_som28() -> None:
    decision = Decision.objects.get(
        meeting__slug="som27", workstream__slug="img-human-rights-environment"
    )
    assert (decision.kind, decision.evidence, decision.term, decision.until_som) == (
        "extend",
        "inferred",
        "until_som",
        28,
    )
    assert "names no meeting" in decision.evidence_reason
    assert decision.source_quote == "This IMG was extended up until the 2022 SOM."
    cell = _cell("img-human-rights-environment", "som27")
    assert (cell.evidence, cell.evidence_reason) == ("inferred", decision.evidence_reason)


def test_the_sustainable_infrastructure_endorsement_is_stated_its_active_cell_inferred() -> None:
    decision = Decision.objects.get(
        meeting__slug="som27", workstream__slug="cp-sustainable-infrastructure"
    )
    assert (decision.kind, decision.evidence) == ("endorse", "stated")
    cell = _cell("cp-sustainable-infrastructure", "som27")
    assert (cell.status, cell.evidence) == ("active", "inferred")
    assert cell.evidence_reason


def test_decision_terms() -> None:
    terms = dict(
        Decision.objects.filter(meeting__slug="som27").values_list("workstream__slug", "term")
    )
    assert terms == {
        "img-biodiversity": "",
        "cp-pollution-free-planet": "",
        "cp-sustainable-infrastructure": "",
        "img-human-rights-environment": "until_som",
        "consultations-environmental-social-sustainability": "another_year",
    }


def test_leads_named_only_as_presenters_are_inferred() -> None:
    lead = WorkstreamLead.objects.get(workstream__slug="img-biodiversity")
    assert (lead.entity.acronym, lead.evidence) == ("UNESCO", "inferred")
    assert "presenter" in lead.evidence_reason
    presented = WorkstreamLead.objects.filter(source_quote__contains="presented by")
    assert presented.count() == 12
    assert set(presented.values_list("evidence", flat=True)) == {"inferred"}


@pytest.mark.parametrize(
    "slug", ["task-team-un-sustainability-strategy", "model-approach-working-group"]
)
def test_the_consultations_sub_groups_have_no_lead(slug: str) -> None:
    assert not WorkstreamLead.objects.filter(workstream__slug=slug).exists()


# Missing until issue 14 ----------------------------------------------------------------------


def test_the_monitoring_and_reporting_working_group() -> None:
    group = Workstream.objects.select_related("parent").get(
        slug="monitoring-reporting-working-group"
    )
    assert group.kind == "working_group"
    assert group.parent is not None
    assert group.parent.slug == "consultations-environmental-social-sustainability"
    assert not group.leads.exists()
    update = ProgressUpdate.objects.select_related("agenda_item").get(workstream=group)
    assert update.agenda_item is not None
    assert (update.meeting.slug, update.agenda_item.number) == ("som28-mid-term", "3(e)")
    assert update.source_quote.startswith("An additional working group has been set up")
    # Reported at the SOM28 mid-term only, like its parent: silent since (docs/record.md).
    assert _standing(group.slug).standing == Standing.SILENT


def test_the_biodiversity_imgs_three_streams_and_their_leads() -> None:
    streams = Workstream.objects.filter(parent__slug="img-biodiversity", kind="stream")
    leads = {
        s.title: sorted((lead.entity.acronym, lead.role, lead.evidence) for lead in s.leads.all())
        for s in streams.prefetch_related("leads__entity")
    }
    assert leads == {
        "Awareness raising and knowledge sharing": [
            ("UNDP", "co_lead", "stated"),
            ("UNESCO", "co_lead", "stated"),
        ],
        "Accountability and global-level reporting": [("UNEP", "lead", "stated")],
        "The UN Decade on Ecosystem Restoration": [("FAO", "lead", "stated")],
    }
    assert not ProgressUpdate.objects.filter(workstream__in=streams).exists()


def test_the_nexus_dialogues_at_the_som28_mid_term_are_inferred_from_the_agenda() -> None:
    update = ProgressUpdate.objects.select_related("source", "agenda_item").get(
        workstream__slug="nexus-dialogue-series", meeting__slug="som28-mid-term"
    )
    assert update.agenda_item is not None
    assert update.agenda_item.number == "3(h)"
    assert (update.status, update.evidence) == ("active", "inferred")
    assert update.source is not None
    assert update.source.kind == "agenda"
    assert update.source_section == "item 3(h)"


def _event(workstream: str, title: str) -> WorkstreamEvent:
    return WorkstreamEvent.objects.get(workstream__slug=workstream, title__startswith=title)


def test_the_dated_events() -> None:
    cwg = _event("core-working-group-plastic-pollution", "Core Working Group meeting")
    assert (cwg.date, cwg.role, cwg.evidence) == (
        datetime.date(2022, 3, 16),
        "organises",
        "inferred",
    )
    assert "year" in cwg.evidence_reason
    dakar = _event("core-working-group-plastic-pollution", "Ad hoc open-ended working group")
    assert (dakar.kind, dakar.role, dakar.place) == ("negotiation", "relates", "Dakar, Senegal")
    assert dakar.date_display == "30 May 2022 – 1 June 2022"
    dialogue = _event("cp-sustainable-infrastructure", "EMG Nexus Dialogue on Investing")
    assert (dialogue.kind, dialogue.role, dialogue.date) == (
        "dialogue",
        "organises",
        datetime.date(2022, 6, 7),
    )
    side = _event("img-human-rights-environment", "IMG side event")
    assert (side.date, side.start_time, side.time_zone) == (datetime.date(2022, 6, 2), None, "")
    esm = _event("img-environmental-sustainability-management", "IMG meeting")
    assert (esm.date_precision, esm.date_display) == ("month", "June 2022")
    workshop = _event("monitoring-reporting-working-group", "Workshop")
    assert (workshop.place, workshop.date_display) == ("Geneva", "June 2022")
    marine = WorkstreamEvent.objects.filter(
        workstream__slug="task-team-marine-litter-microplastics"
    )
    assert list(marine.order_by("date").values_list("kind", "date")) == [
        ("meeting", datetime.date(2021, 11, 1)),
        ("launch", datetime.date(2022, 1, 1)),
        ("presentation", datetime.date(2022, 3, 1)),
        ("presentation", datetime.date(2022, 5, 1)),
    ]
    assert WorkstreamEvent.objects.filter(workstream__slug="img-biodiversity").count() == 2
    assert WorkstreamEvent.objects.filter(workstream__slug="task-team-stockholm-50").count() == 3


# Interventions -------------------------------------------------------------------------------


def test_the_secretariats_responses_in_report_order() -> None:
    interventions = Intervention.objects.filter(meeting__slug="som28-mid-term").order_by("position")
    responses = interventions.filter(kind="response")
    assert responses.count() == 10
    assert set(responses.values_list("speaker_as_recorded", "person__name", "entity__slug")) == {
        ("Mr. Fadaei", "Hossein Fadaei", "emg")
    }
    speakers = list(
        interventions.filter(agenda_item__number="3(i)").values_list(
            "speaker_as_recorded", flat=True
        )
    )
    assert speakers == [
        "The Children and Youth Media Group of UNEP",
        "Mr. Fadaei",
        "OCHA",
        "ILO",
        "Mr. Fadaei",
        "IFAD",
        "Mr. Fadaei",
    ]
    assert list(interventions.values_list("position", flat=True)) == list(range(1, 32))


def test_the_ilo_words_are_kept_and_the_likely_reading_noted() -> None:
    ilo = Intervention.objects.get(
        meeting__slug="som28-mid-term", agenda_item__number="4(1)c", entity__slug="ilo"
    )
    assert "expiration and exportation" in ilo.source_quote
    assert "expiration and exportation" in ilo.summary
    assert "the report's words; probably 'exploration and exploitation'" in ilo.summary


def test_the_core_working_group_met_to_agree_its_terms_of_reference() -> None:
    update = ProgressUpdate.objects.get(
        workstream__slug="core-working-group-plastic-pollution", meeting__slug="som28-mid-term"
    )
    assert update.summary.startswith("Met on 16 March 2022 to agree on its terms of reference.")
    assert "Agreed its terms" not in update.summary


def test_the_human_rights_update_gives_lack_of_capacity_only_for_the_pollution_guidance() -> None:
    summary = ProgressUpdate.objects.get(
        workstream__slug="img-human-rights-environment", meeting__slug="som28-mid-term"
    ).summary
    assert "An analysis of human rights strategies" in summary
    assert "pollution prevention programmes has not yet been done for lack of capacity" in summary
    assert "guidance on human rights in NDCs is also postponed." in summary
    assert "NDCs is postponed for lack of capacity" not in summary


# Mandates ------------------------------------------------------------------------------------


def test_mandates() -> None:
    clock = RecordClock.read(today=TODAY)
    human_rights = clock.standing_of(_workstream("img-human-rights-environment"))
    assert (human_rights.mandate, human_rights.mandate_until) == (MandateNow.LAPSED, 28)
    assert human_rights.reported_after_lapse
    consultations = clock.standing_of(
        _workstream("consultations-environmental-social-sustainability")
    )
    assert (consultations.mandate, consultations.mandate_until) == (MandateNow.LAPSED, 28)
    assert not consultations.reported_after_lapse
    for slug in ["img-biodiversity", "cp-pollution-free-planet"]:
        workstream = _workstream(slug)
        assert (workstream.mandate, workstream.mandate_until) == ("open", None)
        assert clock.standing_of(workstream).mandate == MandateNow.LIVE


# The record as at a meeting ----------------------------------------------------------------


def test_the_clock_as_at_a_meeting_stops_there() -> None:
    """Right after the SOM28 mid-term its own record is the latest and SOM28 is still to come;
    right after the SOM29 senior segment the latest record is the SOM29 mid-term (the two
    segments after it have none) and SOM30 is to come."""
    mid_term = Meeting.objects.get(slug="som28-mid-term")
    assert list(Meeting.objects.up_to(mid_term).values_list("slug", flat=True)) == [
        "som27",
        "som28-mid-term",
    ]
    clock = RecordClock.as_at(mid_term)
    assert (clock.latest, clock.next_som) == (mid_term, 28)
    senior = RecordClock.as_at(Meeting.objects.get(slug="som29-senior"))
    assert senior.latest is not None
    assert (senior.latest.slug, senior.next_som) == ("som29-mid-term", 30)
