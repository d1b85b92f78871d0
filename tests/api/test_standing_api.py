"""Issue 14 in the API: every fact's basis (stated, inferred, not stated), where each workstream
stands (reported or silent), its mandate and mandate periods, the workstreams' dated events, and
a meeting's state today."""

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from meetings.models import Document, Evidence, Meeting, Person
from workstreams.models import (
    Decision,
    Proposal,
    Workstream,
    WorkstreamEvent,
    WorkstreamLead,
)
from workstreams.services.mandates import workstream_mandate_refresh

pytestmark = pytest.mark.usefixtures("record")

# The six the issue names: reported at SOM28 mid-term, not among SOM29 midterm's ongoing seven.
SILENT_AT_SOM28 = {
    "task-team-stockholm-50",
    "img-environmental-sustainability-management",
    "cp-sustainable-infrastructure",
    "consultations-environmental-social-sustainability",
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


def _json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, (url, response.content[:400])
    return response.json()


def _event(workstream: str = "core-working-group-plastic-pollution", **kwargs: Any) -> Any:
    source = Document.objects.filter(meeting__slug="som28-mid-term", kind="meeting_report").first()
    fields = {
        "kind": "negotiation",
        "role": "relates",
        "title": "INC ad hoc open-ended working group",
        "date": datetime.date(2022, 5, 30),
        "end_date": datetime.date(2022, 6, 1),
        "place": "Dakar, Senegal",
        "source": source,
        "source_section": "section 2(d)",
        "source_quote": "held in Dakar from 30 May to 1 June 2022",
        **kwargs,
    }
    return WorkstreamEvent.objects.create(
        workstream=Workstream.objects.get(slug=workstream), **fields
    )


# Evidence, one shape everywhere ---------------------------------------------------------------


def test_an_inferred_cell_says_so_and_why_in_the_timeline(client: Client) -> None:
    timeline = _json(client, "/api/v1/workstreams/cp-sustainable-infrastructure/timeline/")
    som27 = next(c for c in timeline if c["meeting"] == "som27")
    assert som27["status"] == "active"
    assert som27["evidence"] == "inferred"
    assert "endorse" in som27["evidence_reason"]
    # A meeting with no record of the workstream: nothing stated.
    som29 = next(c for c in timeline if c["meeting"] == "som29-senior")
    assert (som29["status"], som29["evidence"], som29["evidence_reason"]) == (
        None,
        "not_stated",
        "",
    )


def test_leads_decisions_proposals_carry_their_basis(client: Client) -> None:
    lead = WorkstreamLead.objects.filter(workstream__slug="img-biodiversity").get()
    lead.evidence, lead.evidence_reason = Evidence.NOT_STATED, ""
    lead.save()
    decision = Decision.objects.get(workstream__slug="img-biodiversity")
    reason = "The report names no meeting; we read the 2022 SOM as SOM28."
    Decision.objects.filter(pk=decision.pk).update(
        evidence=Evidence.INFERRED, evidence_reason=reason, term="until_som", until_som=28
    )
    proposal = Proposal.objects.filter(meeting__slug="som28-mid-term").first()
    assert proposal is not None
    payload = _json(client, "/api/v1/workstreams/img-biodiversity/")
    assert payload["lead_entities"] == ["unesco"]
    assert [(x["entity"], x["role"], x["evidence"]) for x in payload["leads"]] == [
        ("unesco", "lead", "not_stated")
    ]
    decided = _json(client, f"/api/v1/decisions/{decision.pk}/")
    assert (decided["evidence"], decided["evidence_reason"]) == ("inferred", reason)
    assert (decided["term"], decided["until_som"]) == ("until_som", 28)
    assert _json(client, f"/api/v1/proposals/{proposal.pk}/")["evidence"] == "stated"


# Standing: reported or silent ----------------------------------------------------------------


def test_silence_reads_as_silence(client: Client) -> None:
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    silent = _json(client, "/api/v1/workstreams/?standing=silent&page_size=200")["results"]
    assert {w["slug"] for w in silent} >= SILENT_AT_SOM28
    stockholm = next(w for w in silent if w["slug"] == "task-team-stockholm-50")
    assert stockholm["standing"] == {
        "standing": "silent",
        "text": "Last reported at SOM28 mid-term, silent since (not listed among the ongoing "
        "workstreams at SOM29 mid-term)",
        "last_record_meeting": "som28-mid-term",
        "silent_cycles": 1,
        "not_listed_at": "som29-mid-term",
    }
    reported = _json(client, "/api/v1/workstreams/?standing=reported&page_size=200")["results"]
    assert "img-biodiversity" in {w["slug"] for w in reported}
    assert not SILENT_AT_SOM28 & {w["slug"] for w in reported}
    assert {w["standing"]["standing"] for w in reported} == {"reported"}


# Mandates ------------------------------------------------------------------------------------


def _extend_until(slug: str, som: int, meeting: str = "som27") -> Decision:
    workstream = Workstream.objects.get(slug=slug)
    decision = Decision.objects.create(
        meeting=Meeting.objects.get(slug=meeting),
        workstream=workstream,
        kind="extend",
        text="Extended until the 2022 SOM.",
        term="until_som",
        until_som=som,
        evidence=Evidence.INFERRED,
        evidence_reason="The report says 'the 2022 SOM', which is SOM28.",
    )
    workstream_mandate_refresh(workstreams=Workstream.objects.filter(pk=workstream.pk))
    return decision


def test_a_lapsed_mandate_its_lineage_and_work_reported_after_it(client: Client) -> None:
    decision = _extend_until("img-biodiversity", 28)
    payload = _json(client, "/api/v1/workstreams/img-biodiversity/")
    # Reported at SOM29 mid-term, a year after a mandate that ran to SOM28.
    assert payload["mandate"] == {
        "state": "lapsed",
        "kept": "until",
        "until_som": 28,
        "reported_after_lapse": True,
    }
    first, second = payload["mandates"]
    assert (first["opened_by"]["kind"], first["renewed"], first["ends_at_som"]) == (
        "establish",
        True,
        None,
    )
    assert first["closed_by"]["kind"] == "extend"
    assert second["opened_by"] == {
        "kind": "extend",
        "meeting": "som27",
        "text": decision.text,
        "evidence": "inferred",
        "evidence_reason": decision.evidence_reason,
        "provenance": None,
        "missing_translations": [],
    }
    assert (second["term"], second["starts_at_som"], second["ends_at_som"]) == (
        "until_som",
        27,
        28,
    )
    assert (second["closed_by"], second["renewed"], second["concluded"]) == (None, False, False)
    lapsed = _json(client, "/api/v1/workstreams/?mandate=lapsed")["results"]
    # With the record's own: the Human Rights IMG (until SOM28) and the Consultations (another
    # year from SOM27).
    assert [w["slug"] for w in lapsed] == [
        "consultations-environmental-social-sustainability",
        "img-biodiversity",
        "img-human-rights-environment",
    ]
    assert lapsed[1]["mandates"] == payload["mandates"]
    live = {w["slug"] for w in _json(client, "/api/v1/workstreams/?mandate=live")["results"]}
    assert "img-biodiversity" not in live


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/workstreams/?standing=asleep", "standing"),
        ("/workstreams/?mandate=forever", "mandate"),
        ("/timeline/?standing=asleep", "standing"),
        ("/events/?role=hosts", "role"),
        ("/events/?kind=party", "kind"),
        ("/events/?workstream=no-such-workstream", "workstream"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(
    client: Client, query: str, field: str
) -> None:
    error = _json(client, f"/api/v1{query}", status=400)["error"]
    assert error["status"] == 400
    assert "not one of the available choices" in " ".join(error["fields"][field])


# Events --------------------------------------------------------------------------------------


def test_events_list_detail_and_filters(client: Client) -> None:
    dakar = _event()
    # The record's own: Sustainable Infrastructure's section dates it.
    nexus = WorkstreamEvent.objects.get(
        workstream__slug="cp-sustainable-infrastructure",
        title="EMG Nexus Dialogue on Investing in Natural Infrastructure",
    )
    listed = _json(client, "/api/v1/events/")
    assert listed["count"] == WorkstreamEvent.objects.count()
    mine = _json(client, "/api/v1/events/?workstream=core-working-group-plastic-pollution")
    assert [e["id"] for e in mine["results"]] == list(
        WorkstreamEvent.objects.filter(workstream__slug="core-working-group-plastic-pollution")
        .order_by("date", "start_time", "title")
        .values_list("pk", flat=True)
    )
    ours = next(e for e in mine["results"] if e["id"] == dakar.pk)
    assert ours == {
        "id": dakar.pk,
        "workstream": "core-working-group-plastic-pollution",
        "kind": "negotiation",
        "role": "relates",
        "title": "INC ad hoc open-ended working group",
        "date": "2022-05-30",
        "date_precision": "day",
        "end_date": "2022-06-01",
        "date_display": "30 May 2022 – 1 June 2022",
        "start_time": None,
        "time_zone": "",
        "place": "Dakar, Senegal",
        "evidence": "stated",
        "evidence_reason": "",
        "provenance": ours["provenance"],
    }
    assert ours["provenance"]["section"] == "section 2(d)"
    organised = _json(client, "/api/v1/events/?role=organises&kind=dialogue")["results"]
    assert nexus.pk in [e["id"] for e in organised]
    assert dakar.pk not in [e["id"] for e in organised]
    detail = _json(client, "/api/v1/workstreams/cp-sustainable-infrastructure/")
    assert nexus.pk in [e["id"] for e in detail["events"]]
    # The list keeps the detail's events off: they are one workstream's.
    assert "events" not in _json(client, "/api/v1/workstreams/")["results"][0]


def test_events_list_is_cached_like_the_record(client: Client) -> None:
    _event()
    first = client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    assert first["ETag"]
    again = client.get(
        "/api/v1/events/", HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_events_list_query_count_is_flat(client: Client, django_assert_num_queries: Any) -> None:
    _event()
    # count, page of events with workstream and source
    with django_assert_num_queries(2):
        client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    for n in range(5):
        _event("cp-sustainable-infrastructure", title=f"Workshop {n}", kind="workshop")
    with django_assert_num_queries(2):
        client.get("/api/v1/events/", HTTP_ACCEPT="application/json")


def test_workstream_list_query_count_stays_flat_with_mandates_and_events(
    client: Client, django_assert_num_queries: Any
) -> None:
    # count, page, the clock (up to four), leads, decisions, entries, cross-references: see
    # test_api.LISTS
    with django_assert_num_queries(10):
        client.get("/api/v1/workstreams/", HTTP_ACCEPT="application/json")
    for slug in ["img-biodiversity", "task-team-stockholm-50", "cp-pollution-free-planet"]:
        _extend_until(slug, 28)
        _event(slug, title=f"Workshop of {slug}")
    with django_assert_num_queries(10):
        client.get("/api/v1/workstreams/", HTTP_ACCEPT="application/json")


def test_a_standing_filter_reads_the_same_clock_as_the_rows(
    client: Client, django_assert_num_queries: Any
) -> None:
    # As the plain list: the filter and the rows share the request's one read of the clock.
    with django_assert_num_queries(10):
        client.get("/api/v1/workstreams/?standing=silent", HTTP_ACCEPT="application/json")
    with django_assert_num_queries(10):
        client.get("/api/v1/workstreams/?mandate=live", HTTP_ACCEPT="application/json")


# Meetings today -------------------------------------------------------------------------------


def test_a_meeting_says_what_it_is_today_and_what_its_status_rests_on(client: Client) -> None:
    report = Document.objects.filter(meeting__slug="som29-mid-term").first()
    assert report is not None
    hossein, _ = Person.objects.get_or_create(
        slug="hossein-fadaei", defaults={"name": "Hossein Fadaei"}
    )
    Meeting.objects.filter(slug="som28-mid-term").update(opened_by=hossein)
    Meeting.objects.filter(slug="som28").update(
        status="held",
        status_evidence=Evidence.INFERRED,
        status_evidence_reason="A later report speaks of SOM28's decisions.",
        status_source=report,
        status_section="section 1",
        status_quote="progress made by the EMG in response to SOM28 decisions",
    )
    som28 = _json(client, "/api/v1/meetings/som28/")
    assert (som28["status"], som28["state_now"]) == ("held", "held")
    assert (som28["status_evidence"], som28["status_evidence_reason"]) == (
        "inferred",
        "A later report speaks of SOM28's decisions.",
    )
    assert som28["status_provenance"] == {
        "document": str(report.symbol or report.title),
        "meeting": "som29-mid-term",
        "section": "section 1",
        "quote": "progress made by the EMG in response to SOM28 decisions",
    }
    assert _json(client, "/api/v1/meetings/som28-mid-term/")["opened_by"] == "Hossein Fadaei"
    # The SOM29 segments: planned, and their dates long passed with nothing on record.
    for slug in ["som29-technical", "som29-senior"]:
        meeting = _json(client, f"/api/v1/meetings/{slug}/")
        assert (meeting["status"], meeting["state_now"]) == ("planned", "date_passed")
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    assert _json(client, "/api/v1/meetings/som29-mid-term/")["lists_ongoing_workstreams"] is True


# The schema ------------------------------------------------------------------------------------


def test_the_schema_documents_the_new_fields_filters_and_endpoint(client: Client) -> None:
    schema = _json(client, "/api/schema/?format=json")
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/v1/workstreams/"]["get"]["parameters"]
    }
    # Either a value of the enum or empty (no filter), as every choice filter here.
    assert parameters["standing"]["schema"]["anyOf"][0]["enum"] == [
        "concluded",
        "no_record",
        "proposed",
        "reported",
        "silent",
    ]
    assert parameters["mandate"]["schema"]["anyOf"][0]["enum"] == ["ending", "lapsed", "live"]
    assert "/api/v1/events/" in schema["paths"]
    events = {p["name"] for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"workstream", "role", "kind"} <= events
    components = schema["components"]["schemas"]
    assert components["EvidenceEnum"]["enum"] == ["stated", "inferred", "not_stated"]
    for name in ["Workstream", "WorkstreamDetail"]:
        assert {"leads", "standing", "mandate", "mandates"} <= set(components[name]["properties"])
    assert "events" in components["WorkstreamDetail"]["properties"]
    for name in ["Decision", "ProgressUpdate", "Proposal", "Lead", "Event", "TimelineCell"]:
        properties = components[name]["properties"]
        assert {"evidence", "evidence_reason"} <= set(properties), name
    meeting = components["Meeting"]["properties"]
    assert {"state_now", "status_evidence", "status_provenance", "opened_by"} <= set(meeting)
