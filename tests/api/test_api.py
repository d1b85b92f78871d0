"""The API v1 contract: whole payloads from the EMG record, flat query counts, CSV, ETags,
hostile input and the one error shape."""

import csv
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from tests.factories import ProgressUpdateFactory, first
from workstreams.models import Decision, ProgressUpdate, Proposal, WorkstreamLead

pytestmark = pytest.mark.usefixtures("record")

API = "http://testserver/api/v1"
PROVENANCE_2B = {
    "document": "Meeting Report",
    "meeting": "som28-mid-term",
    "section": "section 2(b)",
    "text": "SOM28 mid-term Meeting Report, section 2(b)",
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    # Throttle counts live in the cache; each test starts as a new client would.
    cache.clear()


def _json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def test_meeting_payload(client: Client) -> None:
    meeting = _json(client, "/api/v1/meetings/som28-mid-term/")
    summary = meeting.pop("summary")
    assert summary.startswith("Held virtually to update EMG members")
    documents = meeting.pop("documents")
    assert len(documents) == 7
    assert documents[2] == {
        "number": "02",
        "symbol": "EMG SOM28/mid-term/02",
        "title": "Provisional Agenda",
        "kind": "agenda",
        "url": None,
    }
    # Who opened it is the record's to correct (issue 14): tests/api/test_standing_api.py
    # holds the field to a meeting of its own.
    assert meeting.pop("opened_by") in {None, "Hossein Fadaei"}
    assert meeting == {
        "slug": "som28-mid-term",
        "url": f"{API}/meetings/som28-mid-term/",
        "label": "SOM28 mid-term",
        "som_number": 28,
        "segment": "mid-term",
        "title": "Mid-Term Technical Segment of the 28th Senior Officials Meeting",
        "status": "held",
        "state_now": "held",
        "status_evidence": "stated",
        "status_evidence_reason": "",
        "status_provenance": None,
        "date": "2022-05-18",
        "date_precision": "day",
        "start_time": "15:00:00",
        "end_time": "17:00:00",
        "time_zone": "Europe/Zurich",
        "starts_at": "2022-05-18T15:00:00+02:00",
        "ends_at": "2022-05-18T17:00:00+02:00",
        "submission_deadline": None,
        "format": "virtual",
        "venue": "MS Teams",
        "chair": None,
        "lists_ongoing_workstreams": False,
        "participant_count": 103,
        "entity_count": 47,
        "missing_translations": [],
    }


def test_meeting_with_a_reported_count_and_a_chair(client: Client) -> None:
    meeting = _json(client, "/api/v1/meetings/som29-mid-term/")
    assert (meeting["chair"], meeting["entity_count"]) == ("Ligia Noronha", 33)


def test_participants_payload(client: Client) -> None:
    page = _json(client, "/api/v1/meetings/som28-mid-term/participants/?page_size=200")
    assert page["count"] == 103
    assert page["results"][1] == {
        "list_number": 2,
        "person": "alphonse-muia",
        "name": "Alphonse Muia",
        "entity": "cynesa",
        "entity_acronym": "CYNESA",
        "listed_affiliation": "CYNESA",
    }
    unesco = _json(client, "/api/v1/meetings/som28-mid-term/participants/?entity=unesco")
    assert sorted(p["name"] for p in unesco["results"]) == [
        "Bernard Combes",
        "Hélène Le Brun",
        "Meriem Bouamrane",
        "Nigel Crawhall",
    ]
    _json(client, "/api/v1/meetings/no-such-meeting/participants/", status=404)


def test_workstream_payload(client: Client) -> None:
    decision = Decision.objects.get(workstream__slug="img-biodiversity")
    quote = "The 27th SOM established this IMG with its Terms of Reference confirmed in 2021."
    payload = _json(client, "/api/v1/workstreams/img-biodiversity/")
    # The agenda names UNESCO as presenter, not as lead: the record's lead is our reading.
    reason = first(WorkstreamLead.objects.filter(workstream__slug="img-biodiversity"))
    assert reason.evidence_reason.startswith("Named as presenter in the agenda")
    # The record's events change as it grows; tests/api/test_standing_api.py holds their shape.
    assert isinstance(payload.pop("events"), list)
    assert payload == {
        "slug": "img-biodiversity",
        "url": f"{API}/workstreams/img-biodiversity/",
        "title": "Issue Management Group on Biodiversity",
        "short_title": "Biodiversity",
        "kind": "img",
        "parent": None,
        "successor": None,
        "lead_entities": ["unesco"],
        "leads": [
            {
                "entity": "unesco",
                "role": "lead",
                "evidence": "inferred",
                "evidence_reason": reason.evidence_reason,
                "provenance": {
                    "document": "EMG SOM28/mid-term/02",
                    "meeting": "som28-mid-term",
                    "section": "item 3(a)",
                    "quote": "a) Issue Management Group on Biodiversity (presented by UNESCO)",
                    "text": "SOM28 mid-term Provisional Agenda, item 3(a)",
                },
            }
        ],
        "status_now": "active",
        "standing": {
            "standing": "reported",
            "text": "Active at SOM29 mid-term",
            "last_record_meeting": "som29-mid-term",
            "silent_cycles": 0,
            "not_listed_at": None,
        },
        "mandate": {
            "state": "live",
            "kept": "open",
            "until_som": None,
            "reported_after_lapse": False,
        },
        "mandates": [
            {
                "opened_by": {
                    "kind": "establish",
                    "meeting": "som27",
                    "text": decision.text,
                    "evidence": "stated",
                    "evidence_reason": "",
                    "provenance": {**PROVENANCE_2B, "quote": quote},
                    "missing_translations": [],
                },
                "term": "",
                "starts_at_som": 27,
                "ends_at_som": None,
                "closed_by": None,
                "renewed": False,
                "concluded": False,
            }
        ],
        "first_meeting": "som27",
        "last_meeting": "som29-mid-term",
        "also_known_as": "IMG on Biodiversity",
        "description": "Supports the UN Common Approach on Biodiversity, which commits UN "
        "programmes and agencies to mainstream biodiversity and act together on the drivers "
        "of its loss.",
        "references": [],
        "missing_translations": [],
    }


def test_workstream_timeline_payload(client: Client) -> None:
    timeline = _json(client, "/api/v1/workstreams/img-biodiversity/timeline/")
    assert [(c["meeting"], c["status"]) for c in timeline] == [
        ("som27", "established"),
        ("som28-mid-term", "active"),
        ("som28", None),
        ("som29-mid-term", "active"),
        ("som29-technical", None),
        ("som29-senior", None),
    ]
    som27 = timeline[0]
    decision = Decision.objects.get(workstream__slug="img-biodiversity")
    quote = "The 27th SOM established this IMG with its Terms of Reference confirmed in 2021."
    provenance = {**PROVENANCE_2B, "quote": quote}
    assert som27 == {
        "meeting": "som27",
        "meeting_label": "SOM27",
        "date": "2021-01-01",
        "status": "established",
        "basis": "decision",
        "evidence": "stated",
        "evidence_reason": "",
        "presenter": None,
        "entity": None,
        "summary": None,
        "next_steps": None,
        "decisions": [
            {
                "id": decision.pk,
                "meeting": "som27",
                "workstream": "img-biodiversity",
                "kind": "establish",
                "text": "Established the Issue Management Group on Biodiversity; its Terms of "
                "Reference were confirmed in 2021.",
                "term": "",
                "until_som": None,
                "evidence": "stated",
                "evidence_reason": "",
                "provenance": provenance,
                "missing_translations": [],
            }
        ],
        "provenance": provenance,
        "missing_translations": [],
    }
    assert timeline[1]["presenter"] == "Meriem Bouamrane"
    assert timeline[1]["entity"] == "unesco"


def test_update_payload(client: Client) -> None:
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som28-mid-term"
    )
    payload = _json(client, f"/api/v1/updates/{update.pk}/")
    assert payload.pop("summary").startswith("Work organised in three streams")
    assert payload.pop("next_steps").startswith("Finish the monitoring and reporting framework")
    assert payload == {
        "id": update.pk,
        "url": f"{API}/updates/{update.pk}/",
        "workstream": "img-biodiversity",
        "meeting": "som28-mid-term",
        "presenter": "meriem-bouamrane",
        "presenter_name": "Meriem Bouamrane",
        "entity": "unesco",
        "status": "active",
        "expected_to_continue_in": None,
        "state": "published",
        "returned_reason": "",
        "published_at": "2022-05-18T15:00:00Z",
        "version": 1,
        "evidence": "stated",
        "evidence_reason": "",
        "provenance": {
            **PROVENANCE_2B,
            "quote": "(b) Issue Management Group on Biodiversity (presented by Meriem "
            "Bouamrane, UNESCO)",
        },
        "sources_public": False,
        "sources": [],
        "references": [],
        "missing_translations": [],
    }


def test_decision_and_proposal_payloads(client: Client) -> None:
    decisions = _json(client, "/api/v1/decisions/?workstream=img-biodiversity")["results"]
    assert [d["kind"] for d in decisions] == ["establish"]
    proposal = Proposal.objects.get(meeting__slug="som28-mid-term", position=1)
    payload = _json(client, f"/api/v1/proposals/{proposal.pk}/")
    assert payload.pop("summary").startswith("A workstream, aligned with the UNSDG Core Group")
    assert payload == {
        "id": proposal.pk,
        "meeting": "som28-mid-term",
        "kind": "concept_note",
        "position": 1,
        "title": "Strengthening UN System-wide Support to RCOs/UNCTs for Triple Planetary "
        "Crisis Responses",
        "presenter": "Tim Scott",
        "entity": "undp",
        "workstream": "rco-unct-triple-planetary-crisis",
        "document": "Concept Note - Strengthening UN System-wide Support to RCOs/UNCTs for "
        "Triple Planetary Crisis Responses",
        "evidence": "stated",
        "evidence_reason": "",
        "provenance": {
            "document": "Meeting Report",
            "meeting": "som28-mid-term",
            "section": "section 3(a)",
            "quote": "(a) Strengthening UN System-wide Support to RCOs/UNCTs for Triple "
            "Planetary Crisis Response (presented by Tim Scott, UNDP)",
            "text": "SOM28 mid-term Meeting Report, section 3(a)",
        },
    }


def test_entity_payload(client: Client) -> None:
    assert _json(client, "/api/v1/entities/unesco/") == {
        "slug": "unesco",
        "url": f"{API}/entities/unesco/",
        "acronym": "UNESCO",
        "name": "United Nations Educational, Scientific and Cultural Organization",
        "kind": "un_system",
    }


def test_timeline_matrix_row(client: Client) -> None:
    rows = _json(client, "/api/v1/timeline/?search=biodiversity")["results"]
    # The IMG's three streams match too (issue 14); they have no cells of their own.
    streams = [r for r in rows if r["parent"] == "img-biodiversity"]
    assert len(streams) == 3
    assert {c for r in streams for c in r["cells"].values()} == {None}
    assert [r for r in rows if r not in streams] == [
        {
            "slug": "img-biodiversity",
            "title": "Issue Management Group on Biodiversity",
            "kind": "img",
            "parent": None,
            "cells": {
                "som27": "established",
                "som28-mid-term": "active",
                "som28": None,
                "som29-mid-term": "active",
                "som29-technical": None,
                "som29-senior": None,
            },
            "evidence": {
                meeting: {"evidence": "stated", "evidence_reason": ""}
                for meeting in ["som27", "som28-mid-term", "som29-mid-term"]
            },
            "missing_translations": [],
        }
    ]


def test_anonymous_clients_see_published_updates_only(client: Client) -> None:
    draft = ProgressUpdateFactory.create()
    listed = _json(client, "/api/v1/updates/?page_size=200")["results"]
    assert draft.pk not in [u["id"] for u in listed]
    assert {u["state"] for u in listed} == {"published"}
    _json(client, f"/api/v1/updates/{draft.pk}/", status=404)
    assert _json(client, "/api/v1/updates/?state=draft")["count"] == 0


# Filters, ordering and pagination ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("/workstreams/?kind=img&lead=unesco", ["img-biodiversity"]),
        (
            "/workstreams/?meeting=som27&status=established&ordering=slug",
            ["cp-pollution-free-planet", "img-biodiversity"],
        ),
        ("/meetings/?som=29&segment=senior", ["som29-senior"]),
        ("/meetings/?year=2022&ordering=-date", ["som28", "som28-mid-term"]),
        ("/updates/?meeting=som29-mid-term&workstream=img-biodiversity", ["img-biodiversity"]),
        ("/entities/?search=unesco", ["unesco"]),
    ],
)
def test_filters_and_ordering(client: Client, query: str, expected: list[str]) -> None:
    results = _json(client, f"/api/v1{query}")["results"]
    assert [r.get("slug") or r.get("workstream") for r in results] == expected


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("/workstreams/?kind=nonsense", 400, "kind"),
        ("/workstreams/?search=%00", 400, "search"),
        ("/workstreams/?lead=no-such-entity", 400, "lead"),
        ("/workstreams/?year=99999999999999999999", 400, "year"),
        ("/workstreams/?ordering=password", 400, "ordering"),
        ("/workstreams/?ordering=-title,nope", 400, "ordering"),
        ("/meetings/?year=2022-05-18", 400, "year"),
        ("/meetings/?som=%00", 400, "som"),
        ("/updates/?status=sleeping", 400, "status"),
        ("/updates/?meeting=%00", 400, "meeting"),
        ("/workstreams/?page_size=-5", 400, "page_size"),
        ("/workstreams/?page_size=abc", 400, "page_size"),
        ("/workstreams/?page_size=201", 400, "page_size"),
        ("/workstreams/?page_size=10000000000000000000", 400, "page_size"),
        ("/workstreams/?colour=blue", 400, "colour"),
        ("/updates/?ordering=meeting__date", 400, "ordering"),
        ("/workstreams/?page=-1", 404, None),
        ("/workstreams/?page=abc", 404, None),
        ("/workstreams/?page=99999999999999999999", 404, None),
        ("/workstreams/no-such-workstream/", 404, None),
        ("/workstreams/no-such-workstream/timeline/", 404, None),
        ("/updates/99999999999999999999/", 404, None),
        ("/updates/%00/", 404, None),
        ("/no-such-resource/", 404, None),
    ],
)
def test_hostile_input_gets_a_4xx_in_the_one_error_shape(
    client: Client, query: str, status: int, field: str | None
) -> None:
    body = _json(client, f"/api/v1{query}", status=status)
    error = body["error"]
    assert error["status"] == status
    assert error["message"]
    if field:
        assert field in error["fields"]


def test_the_largest_page_size_is_200(client: Client) -> None:
    page = _json(client, "/api/v1/meetings/som28-mid-term/participants/?page_size=200")
    assert len(page["results"]) == 103


def test_an_empty_csv_list_still_has_its_header(client: Client) -> None:
    response = client.get("/api/v1/decisions/?format=csv&workstream=task-team-stockholm-50")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "id,meeting,workstream,kind,text,term,until_som,evidence,evidence_reason,provenance,"
        "references,missing_translations"
    ]


def test_answers_vary_with_the_token(client: Client) -> None:
    response = client.get("/api/v1/updates/")
    assert "Authorization" in response["Vary"]


# Formats and conditional GET ---------------------------------------------------------------


@pytest.mark.parametrize("how", ["query", "accept"])
def test_every_list_answers_csv(client: Client, how: str) -> None:
    for resource in [
        "meetings",
        "workstreams",
        "updates",
        "decisions",
        "proposals",
        "entities",
        "timeline",
        "meetings/som28-mid-term/participants",
    ]:
        if how == "query":
            response = client.get(f"/api/v1/{resource}/?format=csv&page_size=200")
        else:
            response = client.get(f"/api/v1/{resource}/?page_size=200", HTTP_ACCEPT="text/csv")
        assert response.status_code == 200, resource
        assert response["Content-Type"].startswith("text/csv"), resource
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert (
            len(rows) == _json(client, f"/api/v1/{resource}/?page_size=200")["count"]
            or len(rows) == 200
        )


def test_csv_rows_hold_the_values(client: Client) -> None:
    response = client.get("/api/v1/timeline/?format=csv&search=biodiversity")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # The IMG and its three streams (issue 14).
    [row] = [r for r in rows if r["slug"] == "img-biodiversity"]
    assert len(rows) == 4
    assert row["cells.som27"] == "established"
    assert row["cells.som28"] == ""


def test_errors_are_json_even_when_csv_was_asked_for(client: Client) -> None:
    response = client.get("/api/v1/workstreams/?format=csv&kind=nonsense")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["fields"]["kind"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/updates/?workstream=img-biodiversity",
        "/api/v1/workstreams/img-biodiversity/timeline/",
    ],
)
def test_etag_round_trip(client: Client, url: str) -> None:
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som29-mid-term"
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(next_steps_en="Changed since.")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_anonymous_clients_are_throttled(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    statuses = [client.get("/api/v1/entities/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get("/api/v1/entities/").json()
    assert body["error"]["status"] == 429


def test_docs_are_served_from_this_site(client: Client) -> None:
    swagger = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in swagger
    # ReDoc's bundle, from the sidecar too, is served with its logo from here (emgtracker/apidocs).
    redoc = client.get("/api/redoc/").content.decode()
    assert '<script src="/api/redoc/redoc.standalone.js">' in redoc
    for page in [swagger, redoc]:
        assert "cdn" not in page.lower()
    schema = client.get("/api/schema/?format=json").json()
    assert schema["info"]["title"] == "EMG Workstream Tracker API"
    assert "/api/v1/workstreams/{slug}/timeline/" in schema["paths"]


def test_the_schema_is_valid_and_generates_without_warnings(tmp_path: Any) -> None:
    # What `manage.py spectacular --validate --fail-on-warn` checks: a warning (two names for one
    # enum, a field whose type could not be guessed) fails the command.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "/api/v1/webhooks/{id}/deliveries/" in (tmp_path / "schema.yaml").read_text()


# Query counts: the same at the record's size and with thirty more of everything -------------

LISTS = {
    # count, meetings with counts and chair, their documents
    "/api/v1/meetings/": 3,
    # meeting, count, page of attendances with person and entity
    "/api/v1/meetings/som28-mid-term/participants/": 3,
    # count, page with status now, the record's clock (latest meeting with a record, next SOM:
    # up to four), leads with their sources, decisions with meetings, entries with meetings,
    # cross-references
    "/api/v1/workstreams/": 10,
    # workstream, leads, children, predecessors, updates, decisions, proposals, entries, meetings;
    # the cross-references of the workstream, of its updates and of its decisions
    "/api/v1/workstreams/img-biodiversity/timeline/": 12,
    # count, page of updates with workstream, meeting, presenter, entity, source; their
    # cross-references
    "/api/v1/updates/": 3,
    "/api/v1/decisions/": 3,
    "/api/v1/proposals/": 2,
    "/api/v1/entities/": 2,
    # meetings, count, page of workstreams with parent, leads, entries
    "/api/v1/timeline/": 5,
}


@pytest.mark.parametrize("url", list(LISTS))
def test_api_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, LISTS[url], HTTP_ACCEPT="application/json")
