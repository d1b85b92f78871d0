"""The workstream list and a workstream's page as at a meeting (``?as-at=``): the status,
standing and mandate then, the record of the meetings up to it, the filters on them, a bad
meeting answered 400, and the queries they cost."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.usefixtures("record")

HUMAN_RIGHTS = "/en/workstreams/img-human-rights-environment/"


def _rows(client: Client, query: str) -> list[tuple[str, str]]:
    response = client.get(f"/en/workstreams/?{query}")
    assert response.status_code == 200, query
    return [(row.workstream.slug, row.standing.standing) for row in response.context["rows"]]


def test_the_list_as_at_a_meeting_filters_on_the_standing_then(client: Client) -> None:
    proposed = ["img-environmental-data-statistics", "nexus-dialogue-minerals-metals"]
    # The RCO/UNCT support was proposed at the SOM28 mid-term and taken forward at SOM29's.
    assert [s for s, _ in _rows(client, "standing=proposed&as-at=som28-mid-term")] == [
        *proposed,
        "rco-unct-triple-planetary-crisis",
    ]
    assert [s for s, _ in _rows(client, "standing=proposed")] == proposed
    assert _rows(client, "standing=silent&as-at=som28-mid-term") == []
    assert len(_rows(client, "standing=silent")) == 9
    assert [s for s, _ in _rows(client, "mandate=ending&as-at=som28-mid-term")] == [
        "consultations-environmental-social-sustainability",
        "img-human-rights-environment",
    ]
    assert _rows(client, "mandate=lapsed&as-at=som28-mid-term") == []
    assert len(_rows(client, "status=proposed&as-at=som28-mid-term")) == 3


def test_the_list_as_at_a_meeting_shows_the_status_then(client: Client) -> None:
    response = client.get("/en/workstreams/?as-at=som28-mid-term")
    page = response.content.decode()
    rows = {row.workstream.slug: row for row in response.context["rows"]}
    network = rows["network-sustainability-strategy-focal-points"]
    assert (network.current, network.first, network.standing.text) == (None, None, "No record")
    rco = rows["rco-unct-triple-planetary-crisis"]
    assert rco.current is not None
    assert rco.current.status == "proposed"
    assert rco.last is not None
    assert rco.last.slug == "som28-mid-term"
    assert "The record as it stood right after <bdi>SOM28 mid-term</bdi>" in page
    assert '<th scope="col">Status then</th>' in page
    assert 'href="/en/workstreams/img-biodiversity/?as-at=som28-mid-term"' in page
    assert '<input type="hidden" name="as-at" value="som28-mid-term">' in page


def test_a_workstreams_page_as_at_a_meeting_shows_its_status_then(client: Client) -> None:
    response = client.get(f"{HUMAN_RIGHTS}?as-at=som28-mid-term")
    assert response.status_code == 200
    standing = response.context["standing"]
    assert (standing.text, standing.mandate, standing.reported_after_lapse) == (
        "Active at SOM28 mid-term",
        "ending",
        False,
    )
    assert [c.meeting.slug for c in response.context["cells"]] == ["som27", "som28-mid-term"]
    assert {u.meeting.slug for u in response.context["updates"]} == {"som28-mid-term"}
    page = response.content.decode()
    assert "Mandate ends at SOM28, the next SOM, with no renewal on record." in page
    assert "after its mandate lapsed" not in page
    assert '<a href="/en/workstreams/img-human-rights-environment/">' in page  # back to now
    # Now: active at the SOM29 mid-term, after its mandate lapsed.
    now = client.get(HUMAN_RIGHTS).context["standing"]
    assert (now.text, now.mandate, now.reported_after_lapse) == (
        "Active at SOM29 mid-term",
        "lapsed",
        True,
    )


def test_a_proposal_taken_forward_later_is_a_proposal_then(client: Client) -> None:
    response = client.get("/en/workstreams/rco-unct-triple-planetary-crisis/?as-at=som28-mid-term")
    assert response.context["standing"].text == "Proposed at SOM28 mid-term"
    assert response.context["current"].status == "proposed"
    assert "Status then" in response.content.decode()


@pytest.mark.parametrize("url", ["/en/workstreams/", HUMAN_RIGHTS])
def test_an_unknown_meeting_is_answered_400_with_a_notice(client: Client, url: str) -> None:
    response = client.get(url, {"as-at": "som31"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The record has no meeting “som31”" in page
    assert "as-at-banner" not in page


# As at a meeting, a page costs what it costs now: the meeting asked, the meetings up to it and
# the clock then (3) and the decisions behind the mandates then (1) in place of the clock now (4:
# the latest meeting with a record, and with no main meeting to come the last held and the last
# of all). A workstream's page reads the meetings up to it in place of every meeting: one fewer.
def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "fewer"),
    [("/en/workstreams/?kind=task_team", 0), ("/en/workstreams/", 0), (HUMAN_RIGHTS, 1)],
)
@pytest.mark.parametrize("meeting", ["som28-mid-term", "som29-senior"])
def test_a_page_as_at_a_meeting_costs_the_same_queries(
    client: Client, assert_flat_query_count: Any, url: str, fewer: int, meeting: str
) -> None:
    now = _queries(client, url)
    joiner = "&" if "?" in url else "?"
    assert_flat_query_count(f"{url}{joiner}as-at={meeting}", now - fewer)
