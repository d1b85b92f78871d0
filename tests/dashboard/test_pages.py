"""The pages that read both apps: the timeline, a meeting's page and the entities, with what a
visitor reads on each and flat query counts."""

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.factories import MeetingFactory, ProgressUpdateFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("record")


def _text(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# The timeline ------------------------------------------------------------------------------


def test_timeline_cells_link_to_the_record_and_silence_says_no_record(client: Client) -> None:
    page = _text(client, "/")
    assert 'href="/workstreams/img-biodiversity/#som27"' in page
    assert 'href="/workstreams/img-biodiversity/#som29-mid-term"' in page
    assert "no record" in page
    assert "Latest published updates" in page


def test_timeline_counts_workstreams_by_status_now(client: Client) -> None:
    counts = {key: n for key, _, n in client.get("/").context["counts"]}
    running = sum(
        1 for w in Workstream.objects.all() if w.status_now in {"established", "active", "extended"}
    )
    assert counts["active"] == running > 0
    assert counts["concluded"] == 0


def test_timeline_shows_the_next_meeting_once_one_is_scheduled(client: Client) -> None:
    assert "No meeting is scheduled yet after today." in _text(client, "/")
    MeetingFactory.create()
    page = _text(client, "/")
    assert "Next meeting:" in page
    assert "Senior Segment of the 30th Senior Officials Meeting" in page


def test_drafts_never_reach_the_public_pages(client: Client) -> None:
    ProgressUpdateFactory.create(summary="A confidential draft sentence.")
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"),
        state="submitted",
        summary="A submitted sentence awaiting review.",
    )
    for url in [
        "/",
        "/workstreams/img-biodiversity/",
        "/meetings/som29-senior/",
        "/entities/unesco/",
    ]:
        page = _text(client, url)
        assert "confidential draft" not in page
        assert "awaiting review" not in page


# A meeting's page and an entity's page -----------------------------------------------------


def test_meeting_page_lists_103_participants_grouped_by_entity(client: Client) -> None:
    response = client.get("/meetings/som28-mid-term/")
    page = response.content.decode()
    assert "103 participants" in page
    groups = response.context["participant_groups"]
    assert sum(len(g.people) for g in groups) == 103
    unesco = next(g for g in groups if g.entity and g.entity.acronym == "UNESCO")
    assert len(unesco.people) == 4
    assert "15:00–17:00 CEST" in page
    assert "EMG SOM28/mid-term/02" in page


def test_meeting_page_gives_the_reported_count_where_nobody_is_listed(client: Client) -> None:
    page = _text(client, "/meetings/som29-mid-term/")
    assert "33 entities reported present" in page
    assert "Ligia Noronha" in page


def test_meeting_page_gives_the_submission_deadline_once_set(client: Client) -> None:
    meeting = MeetingFactory.create()
    assert "Progress updates due" not in _text(client, f"/meetings/{meeting.slug}/")
    meeting.submission_deadline = datetime.date(2026, 12, 12)
    meeting.save()
    page = _text(client, f"/meetings/{meeting.slug}/")
    assert "<dt>Progress updates due</dt>" in page
    assert '<time datetime="2026-12-12">12 December 2026</time>' in page


def test_entity_page_shows_what_it_leads_presented_and_attended(client: Client) -> None:
    page = _text(client, "/entities/unesco/")
    assert "Issue Management Group on Biodiversity" in page
    assert "Meriem Bouamrane" in page
    _text(client, "/entities/no-such-entity/", status=404)


# Query counts: the same at the record's size and with many more rows -----------------------


PAGES = {
    # meetings, workstreams with their parent, leads, entries, latest updates
    "/": 5,
    # meeting, agenda, documents, the participant and entity counts; a count and a page of
    # each of updates, proposals, decisions and interventions; a page of participants
    "/meetings/som29-senior/": 13,
    # count, a page of entities with their four counts
    "/entities/": 2,
    # entity; a count and a page of each of leads, updates, proposals, interventions and
    # attendances
    "/entities/unep/": 11,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
