"""The Atom feeds of published updates and decisions."""

import datetime
from typing import Any

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from meetings.models import Entity, Meeting
from tests.factories import ProgressUpdateFactory
from workstreams.feeds import FEED_LIMIT, feed_entries
from workstreams.models import Decision, ProgressUpdate, Workstream, WorkstreamLead

pytestmark = pytest.mark.usefixtures("record")

SOM27_DECISIONS = {
    "img-biodiversity",
    "cp-pollution-free-planet",
    "cp-sustainable-infrastructure",
    "img-human-rights-environment",
    "consultations-environmental-social-sustainability",
}


def _feed(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def _entry(parsed: Any, link: str, title_part: str = "") -> Any:
    found = [e for e in parsed.entries if e.link == link and title_part in e.title]
    assert len(found) == 1, [e.link for e in parsed.entries]
    return found[0]


def _publish_more(count: int) -> None:
    """``count`` more workstreams, each with a lead, a published update and a decision."""
    meeting = Meeting.objects.get(slug="som29-senior")
    entity = Entity.objects.get(slug="unep")
    for n in range(count):
        workstream = Workstream.objects.create(
            slug=f"extra-{n}",
            title=f"Extra workstream {n}",
            short_title=f"Extra {n}",
            kind="network",
        )
        WorkstreamLead.objects.create(workstream=workstream, entity=entity)
        ProgressUpdateFactory.create(
            workstream=workstream,
            meeting=meeting,
            # Every other one names no entity, so that its author comes from the leads.
            entity=entity if n % 2 else None,
            state=ProgressUpdate.State.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(minutes=n),
        )
        Decision.objects.create(
            meeting=meeting, workstream=workstream, kind="continue", text=f"Continued {n}."
        )


# The site-wide Atom feed ----------------------------------------------------------------------


def test_site_feed_holds_the_published_updates_and_the_som27_decisions(client: Client) -> None:
    parsed = _feed(client, "/en/feed/")
    assert parsed.feed.title == "EMG Workstream Tracker: progress updates and decisions"
    assert parsed.feed.id == "tag:emg-tracker,2026:feed"

    update = _entry(
        parsed, "http://testserver/en/workstreams/img-biodiversity/#som29-mid-term", "at SOM29"
    )
    assert update.title == "Issue Management Group on Biodiversity at SOM29 mid-term: Active"
    assert update.id == "tag:emg-tracker,2026:update/img-biodiversity/som29-mid-term"
    # The record names no entity for SOM29's updates: the workstream's leads are the author.
    assert update.author == "UNESCO"
    assert "SOM29 mid-term Meeting Report Summary, section 1(a)" in update.summary
    # 17:00 in Zurich, CEST: the meeting's close, when the loader published the update.
    assert update.updated_parsed[:5] == (2023, 5, 16, 15, 0)

    som28 = _entry(
        parsed, "http://testserver/en/workstreams/img-biodiversity/#som28-mid-term", "at SOM28"
    )
    assert som28.author == "UNESCO"
    assert "Meriem Bouamrane" in som28.summary
    assert "Next steps" in som28.summary
    assert "Finish the monitoring and reporting framework" in som28.summary

    decisions = [e for e in parsed.entries if e.title.startswith("SOM27 decision: ")]
    assert {e.link.split("/")[-2] for e in decisions} == SOM27_DECISIONS
    establish = _entry(parsed, "http://testserver/en/workstreams/img-biodiversity/#som27")
    assert establish.title == "SOM27 decision: Establish — Issue Management Group on Biodiversity"
    assert establish.id == "tag:emg-tracker,2026:decision/img-biodiversity/som27/establish"
    assert "Terms of Reference were confirmed in 2021" in establish.summary
    assert "SOM28 mid-term Meeting Report, section 2(b)" in establish.summary
    # SOM27 is dated by its year only: its decisions are dated at midnight UTC of 1 January.
    assert establish.updated_parsed[:6] == (2021, 1, 1, 0, 0, 0)


def test_site_feed_entries_are_unique_and_newest_first(client: Client) -> None:
    parsed = _feed(client, "/en/feed/")
    published = ProgressUpdate.objects.published().count()
    assert len(parsed.entries) == published + Decision.objects.count()
    ids = [e.id for e in parsed.entries]
    assert len(set(ids)) == len(ids)
    dates = [e.updated_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


def test_feeds_never_show_a_draft_or_submitted_update(client: Client) -> None:
    ProgressUpdateFactory.create(summary="A DRAFT NOBODY MAY READ")
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="cp-pollution-free-planet"),
        summary="A SUBMITTED UPDATE NOBODY MAY READ",
        state=ProgressUpdate.State.SUBMITTED,
    )
    for url in ("/en/feed/", "/en/workstreams/img-biodiversity/feed/"):
        response = client.get(url)
        assert b"NOBODY MAY READ" not in response.content
        assert b"som29-senior" not in response.content


def test_a_published_update_appears_with_its_publication_time(client: Client) -> None:
    at = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    ProgressUpdateFactory.create(
        summary="Published just now.",
        state=ProgressUpdate.State.PUBLISHED,
        published_at=at,
    )
    newest = _feed(client, "/en/feed/").entries[0]
    assert newest.link == "http://testserver/en/workstreams/img-biodiversity/#som29-senior"
    assert newest.title == "Issue Management Group on Biodiversity at SOM29 senior: Active"
    assert newest.updated_parsed[:6] == (2030, 1, 2, 3, 4, 5)
    assert "Published just now." in newest.summary


def test_feed_summaries_are_escaped(client: Client) -> None:
    ProgressUpdateFactory.create(
        summary="<script>alert(1)</script>",
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
    )
    response = client.get("/en/feed/")
    # Escaped once for the HTML of the summary, once more for the XML around it.
    assert b"&amp;lt;script&amp;gt;" in response.content
    assert b"<script>" not in response.content


def test_the_site_feed_is_bounded(client: Client) -> None:
    _publish_more(FEED_LIMIT)
    assert len(_feed(client, "/en/feed/").entries) == FEED_LIMIT
    assert len(feed_entries(limit=3)) == 3


# The feed of one workstream -------------------------------------------------------------------


def test_workstream_feed_holds_only_its_workstream(client: Client) -> None:
    parsed = _feed(client, "/en/workstreams/img-biodiversity/feed/")
    assert (
        parsed.feed.title
        == "Issue Management Group on Biodiversity: progress updates and decisions"
    )
    assert parsed.feed.link == "http://testserver/en/workstreams/img-biodiversity/"
    links = sorted(e.link for e in parsed.entries)
    assert links == [
        f"http://testserver/en/workstreams/img-biodiversity/#{meeting}"
        for meeting in ("som27", "som28-mid-term", "som29-mid-term")
    ]


def test_workstream_feed_of_a_workstream_with_no_record_is_empty(client: Client) -> None:
    Workstream.objects.create(slug="quiet", title="Quiet", short_title="Quiet", kind="network")
    assert _feed(client, "/en/workstreams/quiet/feed/").entries == []


@pytest.mark.parametrize(
    "url",
    [
        "/en/workstreams/no-such-workstream/feed/",
        "/en/workstreams/a%00b/feed/",
        "/en/workstreams/a\x00b/feed/",
        "/en/workstreams/" + "a" * 5000 + "/en/feed/",
        "/en/workstreams/%E2%80%8Fimg-biodiversity/feed/",
    ],
)
def test_an_unknown_or_hostile_slug_is_not_found(client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


# Caching --------------------------------------------------------------------------------------


def test_feeds_are_cacheable_and_answer_a_matching_etag_with_304(client: Client) -> None:
    response = client.get("/en/feed/")
    assert "max-age=900" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    # The newest entry's date is not when the feed last changed: no Last-Modified.
    assert not response.has_header("Last-Modified")
    again = client.get("/en/feed/", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    ProgressUpdateFactory.create(state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now())
    changed = client.get("/en/feed/", headers={"if-none-match": response["ETag"]})
    assert changed.status_code == 200


# Queries --------------------------------------------------------------------------------------

# updates; their workstreams' leads; decisions
SITE_FEED_QUERIES = 3
# the workstream; its updates; its leads; its decisions
WORKSTREAM_FEED_QUERIES = 4


def test_feed_query_counts_are_flat(client: Client, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(SITE_FEED_QUERIES):
        client.get("/en/feed/")
    with django_assert_num_queries(WORKSTREAM_FEED_QUERIES):
        client.get("/en/workstreams/img-biodiversity/feed/")
    _publish_more(20)
    # More published updates for img-biodiversity too: the one its factory makes, and another.
    ProgressUpdateFactory.create(state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now())
    ProgressUpdateFactory.create(
        meeting=Meeting.objects.get(slug="som29-technical"),
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
    )
    with django_assert_num_queries(SITE_FEED_QUERIES):
        response = client.get("/en/feed/")
    assert len(feedparser.parse(response.content).entries) == FEED_LIMIT
    with django_assert_num_queries(WORKSTREAM_FEED_QUERIES):
        response = client.get("/en/workstreams/img-biodiversity/feed/")
    assert len(feedparser.parse(response.content).entries) == 5
    with django_assert_num_queries(WORKSTREAM_FEED_QUERIES):
        client.get("/en/workstreams/extra-1/feed/")


# The pages advertise the feed ------------------------------------------------------------------


def test_pages_advertise_the_site_feed(client: Client) -> None:
    page = client.get("/en/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/en/feed/"' in page


def test_an_inferred_decision_or_update_says_so_and_why(client: Client) -> None:
    reason = "The report says the Terms of Reference were confirmed, not who confirmed them."
    Decision.objects.filter(workstream__slug="img-biodiversity").update(
        evidence="inferred", evidence_reason=reason
    )
    ProgressUpdate.objects.filter(
        workstream__slug="img-biodiversity", meeting__slug="som28-mid-term"
    ).update(evidence="not_stated")
    feed = _feed(client, "/en/feed/")
    decision = _entry(feed, "http://testserver/en/workstreams/img-biodiversity/#som27")
    assert f"Inferred from the report, not stated in it: {reason}" in decision.summary
    update = _entry(feed, "http://testserver/en/workstreams/img-biodiversity/#som28-mid-term")
    assert "Not stated in the report" in update.summary
    stated = _entry(feed, "http://testserver/en/workstreams/img-biodiversity/#som29-mid-term")
    assert "Basis" not in stated.summary
