"""What changed between two meetings, on the record: the module, the page and the API agree."""

import html
from typing import Any

import pytest
from django.test import Client

from meetings.models import Meeting
from tests.factories import grow_record
from tests.record.test_record_facts import LISTED_AT_SOM29_MIDTERM
from tests.record.test_record_facts import SILENT as SILENT_NOT_LISTED
from workstreams.changes import Category, Changes, changes_between
from workstreams.models import Decision, Proposal, Workstream
from workstreams.services import workstream_timeline_refresh

pytestmark = pytest.mark.usefixtures("record")

# The seven the SOM29 midterm report lists as ongoing, and the six silent since the SOM28 mid-term
# that are not listed there, nor any parent of theirs (the record's own facts).
CONTINUING = set(LISTED_AT_SOM29_MIDTERM)
SILENT = set(SILENT_NOT_LISTED)
# Silent too (docs/record.md, "Silence"): last on record at the SOM28 mid-term. The first two's
# parent is among the seven; that they reported through it would be our reading.
SILENT_TOO = {
    "core-working-group-plastic-pollution",
    "task-team-marine-litter-microplastics",
    "monitoring-reporting-working-group",
}
PAGE = "/en/changes/som28-mid-term/som29-mid-term/"
API = "/api/v1/changes/?from=som28-mid-term&to=som29-mid-term"


def _between(start: str, end: str) -> Changes:
    return changes_between(Meeting.objects.get(slug=start), Meeting.objects.get(slug=end))


def _slugs(changes: Changes, category: str) -> set[str]:
    return {c.workstream.slug for c in changes.of(category)}


@pytest.fixture
def midterms() -> Changes:
    return _between("som28-mid-term", "som29-mid-term")


# The record: SOM28 mid-term to SOM29 midterm ------------------------------------------------


def test_the_seven_continuing_workstreams(midterms: Changes) -> None:
    assert _slugs(midterms, Category.CONTINUED) == CONTINUING
    assert _slugs(midterms, Category.REPORTED) == CONTINUING
    continued = {c.workstream.slug: c for c in midterms.of(Category.CONTINUED)}
    for change in continued.values():
        assert change.meeting.slug == "som29-mid-term"
        assert change.kind == "update"
        assert change.row.source_quote.startswith("All seven workstreams are expected")
        assert change.evidence == "stated"
    # The two not running at the SOM28 mid-term say why they are here.
    assert "Proposed at SOM28 mid-term." in continued["rco-unct-triple-planetary-crisis"].text
    network = continued["network-sustainability-strategy-focal-points"]
    assert "No record of it before SOM29 mid-term." in network.text


def test_the_silent_ones_are_not_listed_at_the_som29_midterm(midterms: Changes) -> None:
    silent = {c.workstream.slug: c for c in midterms.of(Category.SILENT)}
    assert set(silent) == SILENT | SILENT_TOO
    for change in silent.values():
        assert change.meeting.slug == "som28-mid-term"
        assert change.text.startswith("Last on record at SOM28 mid-term; no record of it since.")
        assert "Not listed among the ongoing workstreams at SOM29 mid-term." in change.text
        assert change.evidence == "stated"
    for slug in SILENT:
        assert "Its parent" not in silent[slug].text
    parent_said = "Its parent, Consultative Process on a Pollution-Free Planet, has a record since"
    assert parent_said in silent["core-working-group-plastic-pollution"].text
    assert parent_said in silent["task-team-marine-litter-microplastics"].text


def test_the_rco_unct_concept_note_was_taken_forward(midterms: Changes) -> None:
    [change] = midterms.of(Category.TAKEN_FORWARD)
    assert change.workstream.slug == "rco-unct-triple-planetary-crisis"
    assert isinstance(change.row, Proposal)
    # The record links the concept note to the workstream it became (Proposal.workstream).
    assert change.row.title == (
        "Strengthening UN System-wide Support to RCOs/UNCTs for Triple Planetary Crisis Responses"
    )
    assert change.row.meeting.slug == "som28-mid-term"
    assert change.row.source_section == "section 3(a)"
    # No decision is on record: that it was taken forward is our reading.
    assert change.evidence == "inferred"
    assert "no decision taking it forward is on record" in change.reason
    assert "became this workstream: Active at SOM29 mid-term" in change.text


def test_the_other_two_concept_notes_are_read_as_not_taken_forward(midterms: Changes) -> None:
    changes = midterms.of(Category.NOT_TAKEN_FORWARD)
    assert {c.workstream.slug for c in changes} == {
        "img-environmental-data-statistics",
        "nexus-dialogue-minerals-metals",
    }
    for change in changes:
        assert change.evidence == "inferred"
        assert "Not among the ongoing workstreams the report of SOM29 mid-term lists" in (
            change.reason
        )


def test_two_mandates_lapsed_and_nothing_else_changed(midterms: Changes) -> None:
    lapsed = {c.workstream.slug: c for c in midterms.of(Category.MANDATE_LAPSED)}
    assert set(lapsed) == {
        "img-human-rights-environment",
        "consultations-environmental-social-sustainability",
    }
    for change in lapsed.values():
        assert isinstance(change.row, Decision)
        assert change.row.meeting.slug == "som27"
        assert change.text == "The mandate ran to SOM28; no renewal on record by SOM29 mid-term."
        assert change.evidence == "inferred"
    for category in (
        Category.ESTABLISHED,
        Category.CONCLUDED,
        Category.SUCCEEDED,
        Category.PENDING,
        Category.NEW_LEAD,
        Category.MANDATE_OPENED,
        Category.MANDATE_RENEWED,
    ):
        assert midterms.of(category) == [], category


def test_from_som27_the_leads_are_new_and_the_proposals_pending() -> None:
    changes = _between("som27", "som28-mid-term")
    leads = {(c.entity.slug, c.workstream.slug) for c in changes.of(Category.NEW_LEAD) if c.entity}
    assert ("unesco", "img-biodiversity") in leads
    assert ("undp", "rco-unct-triple-planetary-crisis") in leads
    biodiversity = next(
        c for c in changes.of(Category.NEW_LEAD) if c.workstream.slug == "img-biodiversity"
    )
    # The lead row's own evidence: named as presenter in the agenda, our reading.
    assert biodiversity.evidence == "inferred"
    assert "Named as presenter in the agenda" in biodiversity.reason
    assert _slugs(changes, Category.PENDING) == {
        "rco-unct-triple-planetary-crisis",
        "img-environmental-data-statistics",
        "nexus-dialogue-minerals-metals",
    }
    assert changes.of(Category.SILENT) == []


def test_a_decision_in_the_interval_establishes_and_opens_a_mandate() -> None:
    workstream = Workstream.objects.get(slug="img-environmental-data-statistics")
    Decision.objects.create(
        meeting=Meeting.objects.get(slug="som28"),
        workstream=workstream,
        kind="establish",
        text="Established.",
        term="until_som",
        until_som=30,
    )
    workstream_timeline_refresh(workstreams=Workstream.objects.filter(pk=workstream.pk))
    changes = _between("som28-mid-term", "som29-mid-term")
    assert "img-environmental-data-statistics" in _slugs(changes, Category.ESTABLISHED)
    [opened] = changes.of(Category.MANDATE_OPENED)
    assert opened.text == "Mandate opened at SOM28: until SOM30."
    [forward] = [c for c in changes.of(Category.TAKEN_FORWARD) if c.workstream.pk == workstream.pk]
    assert forward.evidence == "stated"  # the decision says so


# The page and the API ------------------------------------------------------------------------


def test_the_page_groups_the_changes_with_their_evidence(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>What changed from SOM28 mid-term to SOM29 mid-term</h1>" in page
    assert '<h2 id="changes-continued">Workstreams continued <span class="count">(7)</span>' in page
    assert (
        '<h2 id="changes-silent">Workstreams fallen silent <span class="count">(9)</span>' in page
    )
    assert '<label for="changes-from">From meeting</label>' in page
    assert '<option value="som28-mid-term" selected>' in page
    assert 'href="/en/workstreams/img-biodiversity/#som29-mid-term"' in page
    assert 'href="/en/meetings/som28-mid-term/#proposals-heading"' in page
    assert "Stated in the record" in page
    assert "Inferred: The concept note names this workstream" in page


def test_the_page_and_the_api_agree(client: Client, midterms: Changes) -> None:
    answer = client.get(API)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["from"]["slug"], body["to"]["slug"]) == ("som28-mid-term", "som29-mid-term")
    listed = [(c["category"], c["workstream"]["slug"], c["text"]) for c in body["changes"]]
    assert listed == [(c.category, c.workstream.slug, c.text) for c in midterms.changes]
    page = html.unescape(client.get(PAGE).content.decode())
    for change in body["changes"]:
        assert change["text"] in page
        assert change["evidence"]["page"].removeprefix("http://testserver") in page
    forward = next(c for c in body["changes"] if c["category"] == "taken_forward")
    assert forward["evidence"] == {
        "kind": "proposal",
        "id": forward["evidence"]["id"],
        "url": f"http://testserver/api/v1/proposals/{forward['evidence']['id']}/",
        "page": "http://testserver/en/meetings/som28-mid-term/#proposals-heading",
        "meeting": "som28-mid-term",
        "quote": forward["evidence"]["quote"],
        "evidence": "inferred",
        "reason": forward["evidence"]["reason"],
        "source": "SOM28 mid-term Meeting Report, section 3(a)",
    }
    assert client.get(forward["evidence"]["url"]).status_code == 200


def test_the_choose_form_goes_to_the_page(client: Client) -> None:
    response = client.get("/en/changes/?from=som27&to=som29-senior")
    assert response.status_code == 302
    assert response["Location"] == "/en/changes/som27/som29-senior/"
    assert client.get("/en/changes/?from=som27").status_code == 400


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/en/changes/som29/som29-mid-term/", 404, ""),
        (
            "/en/changes/som29-mid-term/som28-mid-term/",
            400,
            "SOM29 mid-term is not before SOM28 mid-term",
        ),
        ("/en/changes/som28/som28/", 400, "SOM28 is not before SOM28"),
    ],
)
def test_bad_pages(client: Client, url: str, status: int, says: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert says in response.content.decode()


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"from": ["Name a meeting by its slug."], "to": ["Name a meeting by its slug."]}),
        ("?from=som27", {"to": ["Name a meeting by its slug."]}),
        ("?from=som27&to=nowhere", {"to": ["No meeting “nowhere”."]}),
        ("?from=som27&to=som%00x", {"to": ["No meeting “som\x00x”."]}),
        (
            "?from=som29-mid-term&to=som27",
            {"to": ["SOM29 mid-term is not before SOM27: choose an earlier meeting first."]},
        ),
        ("?from=som27&to=som29-senior&extra=1", None),
    ],
)
def test_bad_api_requests_are_400_in_the_one_shape(
    client: Client, query: str, fields: dict[str, list[str]] | None
) -> None:
    answer = client.get(f"/api/v1/changes/{query}")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    if fields is not None:
        assert error["fields"] == fields
    else:
        assert set(error["fields"]) == {"extra"}


def test_query_counts_do_not_grow_with_the_record(assert_flat_query_count: Any) -> None:
    # Meetings; those up to the later one; entries, updates, decisions, concept notes and
    # leads; the record's clock as at each meeting.
    assert_flat_query_count(PAGE, 9)


def test_api_query_count_does_not_grow_with_the_record(
    django_assert_num_queries: Any, client: Client
) -> None:
    url = "/api/v1/changes/?from=som28-mid-term&to=som29-senior"
    with django_assert_num_queries(9):
        client.get(url)
    grow_record(30)
    with django_assert_num_queries(9):
        assert len(client.get(url).json()["changes"]) > 30


# The meeting page's link ---------------------------------------------------------------------


def test_each_meeting_page_links_to_the_changes_since_the_one_before(client: Client) -> None:
    page = client.get("/en/meetings/som29-mid-term/").content.decode()
    assert 'href="/en/changes/som28/som29-mid-term/"' in page
    assert "What changed since the previous meeting" in page
    first = client.get("/en/meetings/som27/").content.decode()
    assert "What changed since the previous meeting" not in first


def test_a_meeting_with_no_record_silences_no_one() -> None:
    """The SOM29 senior segment has no record at all: nobody fell silent there."""
    changes = _between("som29-technical", "som29-senior")
    assert changes.of(Category.SILENT) == []
    assert changes.of(Category.CONTINUED) == []
    # Still pending: no outcome on record.
    assert _slugs(changes, Category.PENDING) == {
        "img-environmental-data-statistics",
        "nexus-dialogue-minerals-metals",
    }
