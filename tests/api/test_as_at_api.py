"""``?as_at=<meeting>`` in the API: the timeline's cells of the meetings up to it, the
workstreams' status, standing and mandate then, the same counts as the page, a bad meeting
refused in the one error shape, the schema's parameter, and flat query counts."""

from collections import Counter
from typing import Any

import pytest
from django.test import Client

from tests.dashboard.test_as_at import THEN
from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.usefixtures("record")


def _json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    return response.json()


def test_the_timeline_as_at_a_meeting_has_the_cells_of_the_meetings_up_to_it(
    client: Client,
) -> None:
    rows = _json(client, "/api/v1/timeline/?as_at=som28-mid-term&page_size=100")["results"]
    assert {tuple(row["cells"]) for row in rows} == {("som27", "som28-mid-term")}
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["rco-unct-triple-planetary-crisis"]["cells"] == {
        "som27": None,
        "som28-mid-term": "proposed",
    }
    assert set(by_slug["cp-pollution-free-planet"]["evidence"]) == {"som27", "som28-mid-term"}
    now = _json(client, "/api/v1/timeline/?page_size=100")["results"]
    assert "som29-mid-term" in now[0]["cells"]


def test_the_workstreams_as_at_a_meeting_count_as_the_page_does(client: Client) -> None:
    rows = _json(client, "/api/v1/workstreams/?as_at=som28-mid-term&page_size=100")["results"]
    counted = Counter(row["standing"]["standing"] for row in rows)
    assert {key: counted.get(key, 0) for key in THEN} == THEN
    page = client.get("/en/?as-at=som28-mid-term")
    assert {f.key: f.count for f in page.context["counts"]} == THEN
    by_slug = {row["slug"]: row for row in rows}
    rco = by_slug["rco-unct-triple-planetary-crisis"]
    assert (rco["status_now"], rco["last_meeting"]) == ("proposed", "som28-mid-term")
    assert rco["standing"]["text"] == "Proposed at SOM28 mid-term"
    human_rights = by_slug["img-human-rights-environment"]
    assert human_rights["mandate"] == {
        "state": "ending",
        "kept": "until",
        "until_som": 28,
        "reported_after_lapse": False,
    }
    network = by_slug["network-sustainability-strategy-focal-points"]
    assert (network["status_now"], network["first_meeting"]) == (None, None)


def test_the_filters_as_at_a_meeting_read_the_record_then(client: Client) -> None:
    def slugs(query: str) -> list[str]:
        return [r["slug"] for r in _json(client, f"/api/v1/workstreams/?{query}")["results"]]

    assert len(slugs("as_at=som28-mid-term&standing=proposed")) == 3
    assert len(slugs("standing=proposed")) == 2
    assert slugs("as_at=som28-mid-term&mandate=ending") == [
        "consultations-environmental-social-sustainability",
        "img-human-rights-environment",
    ]
    assert slugs("as_at=som28-mid-term&standing=silent") == []
    timeline = _json(client, "/api/v1/timeline/?as_at=som28-mid-term&status=proposed")
    assert timeline["count"] == 3


def test_one_workstream_as_at_a_meeting(client: Client) -> None:
    url = "/api/v1/workstreams/img-human-rights-environment/"
    then = _json(client, f"{url}?as_at=som28-mid-term")
    assert then["standing"]["last_record_meeting"] == "som28-mid-term"
    assert then["mandate"]["state"] == "ending"
    now = _json(client, url)
    assert (now["standing"]["last_record_meeting"], now["mandate"]["state"]) == (
        "som29-mid-term",
        "lapsed",
    )
    cells = _json(client, f"{url}timeline/?as_at=som28-mid-term")
    assert [c["meeting"] for c in cells] == ["som27", "som28-mid-term"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/timeline/?as_at=som99",
        "/api/v1/workstreams/?as_at=SOM28",
        "/api/v1/workstreams/img-biodiversity/?as_at=nope",
        "/api/v1/workstreams/img-biodiversity/timeline/?as_at=%20som28",
        "/api/v1/timeline/?as_at=som28%00",  # a NUL: PostgreSQL refuses even to look it up
    ],
)
def test_an_unknown_meeting_is_refused_in_the_one_error_shape(client: Client, url: str) -> None:
    error = _json(client, url, status=400)["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    (message,) = error["fields"]["as_at"]
    assert "The record has no meeting" in message


def test_a_method_not_allowed_is_405_whatever_the_meeting() -> None:
    secretariat = Client(
        HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role='secretariat'))}"
    )
    answer = secretariat.generic("TRACE", "/api/v1/workstreams/?as_at=nope")
    assert answer.status_code == 405
    assert answer.json()["error"]["status"] == 405


def test_an_empty_meeting_is_the_record_now(client: Client) -> None:
    assert _json(client, "/api/v1/timeline/?as_at=") == _json(client, "/api/v1/timeline/")


def test_the_schema_documents_the_parameter(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    for path in ["/api/v1/timeline/", "/api/v1/workstreams/", "/api/v1/workstreams/{slug}/"]:
        (parameter,) = [
            p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "as_at"
        ]
        assert parameter["in"] == "query"
        # A slug, or empty as any filter may be (the record now).
        slug, empty = parameter["schema"]["anyOf"]
        assert (slug["type"], slug["pattern"]) == ("string", "^[-a-zA-Z0-9_]+$")
        assert empty == {"type": "string", "maxLength": 0}
        assert "som28-mid-term" in parameter["description"]


# As at a meeting the lists read the meeting asked, the meetings up to it, the decisions behind
# the mandates then and the clock then (4) in place of the clock now (4) and, for the timeline,
# every meeting (1); the workstreams their cross-references (1). The same after thirty more of
# everything.
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/workstreams/?as_at=som28-mid-term", 10),
        ("/api/v1/workstreams/?as_at=som29-senior&standing=reported", 10),
        ("/api/v1/timeline/?as_at=som28-mid-term", 8),
    ],
)
def test_the_query_count_as_at_a_meeting_is_flat(
    assert_flat_query_count: Any, url: str, expected: int
) -> None:
    assert_flat_query_count(url, expected, HTTP_ACCEPT="application/json")
