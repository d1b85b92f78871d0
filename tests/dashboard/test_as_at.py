"""The timeline as at a meeting (``/?as-at=som28-mid-term``): only the meetings up to it, the
counts and flags of that day, computed by hand from the record below, the banner, the form, the
links that keep it, a bad meeting answered 400, the queries it costs and its own cache entry."""

from typing import Any

import pytest
from django.test import Client

from tests.dashboard.test_timeline import CLOCK_QUERIES, TIMELINE_QUERIES
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("record")

AS_AT = "/en/?as-at=som28-mid-term"

# Right after the SOM28 mid-term (18 May 2022), read by hand from the two reports: its own
# record is the latest, and the SOM28 main meeting is still to come.
#  - reported at it (a running status there): the Consultations on Environmental and Social
#    Sustainability, the CPs on Sustainable Infrastructure, on a Pollution-Free Planet and on a
#    System-wide Framework of Strategies, the Core Working Group on Plastic Pollution, the Nexus
#    Dialogue series, the IMGs on Biodiversity, on Environmental Sustainability Management and on
#    Human Rights and Environment, the Model Approach and the Monitoring and Reporting working
#    groups, the Task Teams on the UN Sustainability Strategy, on Marine Litter and
#    Microplastics and on Stockholm+50: 14;
#  - none silent: the SOM28 mid-term is the first meeting with a record of any;
#  - proposed there: the IMG on Environmental Data and Statistics, the Nexus Dialogue on
#    Minerals and Metals and the RCO/UNCT support on the triple planetary crisis: 3;
#  - no record yet: the Network of sustainability strategy focal points (first at SOM29
#    mid-term) and the Biodiversity IMG's three streams (never a cell of their own): 4.
# Mandates: the Consultations were extended for another year and the Human Rights IMG until
# the 2022 SOM, both at SOM27: each ends at SOM28, the next SOM then, with no renewal on record;
# none had lapsed. (Now both have lapsed, and the Human Rights IMG reported after.)
THEN = {"reported": 14, "silent": 0, "proposed": 3, "concluded": 0, "no_record": 4}
NOW = {"reported": 7, "silent": 9, "proposed": 2, "concluded": 0, "no_record": 3}


def _counts(response: Any) -> dict[str, int]:
    return {figure.key: figure.count for figure in response.context["counts"]}


def test_the_matrix_as_at_the_som28_mid_term_has_its_meetings_only(client: Client) -> None:
    response = client.get(AS_AT)
    assert response.status_code == 200
    assert [m.slug for m in response.context["meetings"]] == ["som27", "som28-mid-term"]
    page = response.content.decode()
    assert 'id="matrix-som29"' not in page
    assert 'id="matrix-m-som28"' not in page  # the SOM28 main meeting came after
    assert 'data-meeting="SOM29 mid-term"' not in page
    # Each cell is its own meeting's record; the status then reads the latest up to it.
    rows = {r.workstream.slug: r for g in response.context["groups"] for r in g.rows}
    rco = rows["rco-unct-triple-planetary-crisis"]
    assert [c.status for c in rco.cells] == ["", "proposed"]
    assert rco.standing.text == "Proposed at SOM28 mid-term"
    assert rows["network-sustainability-strategy-focal-points"].standing.text == "No record"
    assert rows["task-team-stockholm-50"].standing.standing == "reported"


def test_its_counts_and_flags_are_those_of_that_day(client: Client) -> None:
    response = client.get(AS_AT)
    assert _counts(response) == THEN
    assert sum(THEN.values()) == Workstream.objects.count()
    flags = {
        f.key: sorted(flag.workstream.slug for flag in f.flags) for f in response.context["flags"]
    }
    assert flags == {
        "ending": [
            "consultations-environmental-social-sustainability",
            "img-human-rights-environment",
        ]
    }
    assert response.context["clock"].next_som == 28
    # Now, the same record counts otherwise.
    now = client.get("/en/")
    assert _counts(now) == NOW
    assert {f.key for f in now.context["flags"]} == {"lapsed", "after_lapse"}


def test_the_latest_updates_and_the_next_meeting_are_those_of_that_day(client: Client) -> None:
    response = client.get(AS_AT)
    assert response.context["next_meeting"].slug == "som28"
    updates = response.context["latest_updates"]
    assert updates
    assert {u.meeting.slug for u in updates} <= {"som27", "som28-mid-term"}
    assert any(
        u.meeting.slug == "som29-mid-term" for u in client.get("/en/").context["latest_updates"]
    )


def test_the_banner_names_the_meeting_and_links_back_to_now(client: Client) -> None:
    page = client.get(AS_AT).content.decode()
    assert (
        "The record as it stood right after <bdi>SOM28 mid-term</bdi>, <bdi>18 May 2022</bdi>"
        in page
    )
    assert '<a href="/en/">See the record as it stands now</a>' in page
    assert '<option value="som28-mid-term" selected>' in page
    assert '<label for="as-at-meeting">Read the record as at</label>' in page
    # Other parameters stay on the way back; the page now has no banner.
    windowed = client.get("/en/?from=som27&as-at=som28-mid-term").content.decode()
    assert '<a href="/en/?from=som27">See the record as it stands now</a>' in windowed
    assert "as-at-banner" not in client.get("/en/").content.decode()


def test_its_links_to_pages_with_a_status_keep_the_meeting(client: Client) -> None:
    page = client.get(AS_AT).content.decode()
    assert 'href="/en/workstreams/img-biodiversity/?as-at=som28-mid-term"' in page
    assert 'href="/en/workstreams/?standing=reported&amp;as-at=som28-mid-term"' in page
    assert 'href="/en/workstreams/img-human-rights-environment/?as-at=som28-mid-term"' in page
    assert '<input type="hidden" name="as-at" value="som28-mid-term">' in page


@pytest.mark.parametrize("value", ["som99", "nope", "x" * 300, "som28-mid-term'--", "som28\x00"])
def test_an_unknown_meeting_is_answered_400_with_a_notice(client: Client, value: str) -> None:
    response = client.get("/en/", {"as-at": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The record has no meeting" in page
    assert "Showing the record as it stands now." in page
    assert _counts(response) == NOW  # the page itself, as it stands now
    fragment = client.get(
        "/en/timeline/rows/", {"as-at": value, "kind": "img"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 400
    assert "The record has no meeting" in fragment.content.decode()


def test_a_group_fragment_as_at_a_meeting_has_its_columns(client: Client) -> None:
    def cells(query: str) -> int:
        url = f"/en/timeline/rows/?kind=task_team&page=1{query}"
        fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
        return fragment.count("<td data-meeting=")

    # The same rows, at the two meetings up to the SOM28 mid-term of the six.
    assert cells("&as-at=som28-mid-term") * 3 == cells("")
    fragment = client.get(
        "/en/timeline/rows/?kind=task_team&page=1&as-at=som28-mid-term",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "?as-at=som28-mid-term#som28-mid-term" in fragment


# What it costs: the meeting asked, the meetings up to it and the clock then (3) in place of
# the clock now (4); the decisions behind the mandates then (1); one list of flags (ending) and
# its decisions (2) in place of two (3). The same again with thirty more of everything, and as
# at the last meeting, where the grown rows are.
AS_AT_QUERIES = TIMELINE_QUERIES - CLOCK_QUERIES + 3 + 1 - 1


@pytest.mark.parametrize("meeting", ["som28-mid-term", "som29-senior"])
def test_the_page_as_at_a_meeting_costs_the_same_queries_as_the_record_grows(
    assert_flat_query_count: Any, meeting: str
) -> None:
    expected = AS_AT_QUERIES if meeting == "som28-mid-term" else AS_AT_QUERIES + 1
    assert_flat_query_count(f"/en/?as-at={meeting}", expected)


@pytest.mark.usefixtures("record_cache")
def test_a_page_as_at_a_meeting_is_cached_apart_from_now(client: Client) -> None:
    now = client.get("/en/")
    then = client.get(AS_AT)
    assert then["ETag"] != now["ETag"]
    again = client.get(AS_AT)
    assert again.content == then.content
    assert b"as-at-banner" in again.content
    assert b"as-at-banner" not in client.get("/en/").content
    other = client.get("/en/?as-at=som29-mid-term")
    assert other["ETag"] not in {now["ETag"], then["ETag"]}
    assert client.get(AS_AT, HTTP_IF_NONE_MATCH=then["ETag"]).status_code == 304
