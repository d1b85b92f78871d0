"""The public pages: what a visitor reads on each, hostile filters, and flat query counts."""

import datetime
from typing import Any

import pytest
from django.test import Client

from tests.factories import MeetingFactory, ProgressUpdateFactory, grow_record
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("record")


def _text(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _slugs(client: Client, query: str) -> list[str]:
    response = client.get(f"/workstreams/?{query}")
    assert response.status_code == 200, query
    return [row.workstream.slug for row in response.context["rows"]]


# The timeline ------------------------------------------------------------------------------


def test_timeline_cells_link_to_the_record_and_silence_says_no_record(client: Client) -> None:
    page = _text(client, "/")
    assert 'href="/workstreams/img-biodiversity/#som27"' in page
    assert 'href="/workstreams/img-biodiversity/#som29-mid-term"' in page
    assert "no record" in page
    assert "Latest published updates" in page


def test_timeline_counts_workstreams_by_status_now(client: Client) -> None:
    counts = {key: n for key, _, n in client.get("/").context["counts"]}
    # The status now (with_current_status() names status_now current_status).
    running = sum(
        w.status_now in {"established", "active", "extended"} for w in Workstream.objects.all()
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


# The workstream list and its filters -------------------------------------------------------


def test_filter_by_kind(client: Client) -> None:
    slugs = _slugs(client, "kind=img")
    assert "img-biodiversity" in slugs
    assert all(Workstream.objects.get(slug=s).kind == "img" for s in slugs)


def test_filter_by_lead_entity(client: Client) -> None:
    assert _slugs(client, "lead=unesco") == ["img-biodiversity"]


def test_filter_by_status_at_a_meeting(client: Client) -> None:
    assert set(_slugs(client, "meeting=som27&status=established")) == {
        "cp-pollution-free-planet",
        "img-biodiversity",
    }
    assert set(_slugs(client, "meeting=som27&status=extended")) == {
        "consultations-environmental-social-sustainability",
        "img-human-rights-environment",
    }


def test_filter_by_year_and_search(client: Client) -> None:
    in_2021 = _slugs(client, "year=2021")
    assert set(in_2021) == {
        "consultations-environmental-social-sustainability",
        "cp-sustainable-infrastructure",
        "cp-pollution-free-planet",
        "img-biodiversity",
        "img-human-rights-environment",
    }
    assert _slugs(client, "year=1999") == []
    assert _slugs(client, "search=biodiversity") == ["img-biodiversity"]
    assert "img-biodiversity" in _slugs(client, "search=UNESCO")


@pytest.mark.parametrize(
    "query",
    [
        "search=%00",
        "search=" + "x" * 500,
        "kind=nonsense",
        "lead=no-such-entity",
        "lead=%00",
        "meeting=som99",
        "status=sleeping",
        "year=99999999999999999999",
        "year=-1",
        "year=twenty",
        "year=2022.5",
    ],
)
def test_hostile_filters_get_a_400_with_the_reason(client: Client, query: str) -> None:
    page = _text(client, f"/workstreams/?{query}", status=400)
    assert "These filters cannot be applied" in page
    assert 'role="alert"' in page


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999", "%00"])
def test_odd_page_numbers_land_on_a_real_page(client: Client, page: str) -> None:
    assert "workstream" in _text(client, f"/workstreams/?page={page}")


def test_unknown_query_parameters_are_ignored(client: Client) -> None:
    assert len(_slugs(client, "colour=blue")) == Workstream.objects.count()


# Detail pages ------------------------------------------------------------------------------


def test_workstream_page_shows_leads_timeline_updates_decisions_and_provenance(
    client: Client,
) -> None:
    page = _text(client, "/workstreams/img-biodiversity/")
    assert "United Nations Educational, Scientific and Cultural Organization" in page
    assert 'id="som27"' in page
    assert 'id="som28-mid-term"' in page
    assert "Meriem Bouamrane" in page
    assert "Decision: Establish" in page
    assert "Source:" in page
    assert 'type="application/atom+xml"' in page


@pytest.mark.parametrize("slug", ["no-such-workstream", "x" * 300, "%00"])
def test_unknown_workstream_is_404(client: Client, slug: str) -> None:
    _text(client, f"/workstreams/{slug}/", status=404)


def test_meeting_page_lists_103_participants_grouped_by_entity(client: Client) -> None:
    response = client.get("/meetings/som28-mid-term/")
    page = response.content.decode()
    assert "103 participants" in page
    groups = response.context["participants"]
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
    # the filter form's lead and meeting choices, count, page of workstreams with status
    # now, leads, entries
    "/workstreams/": 6,
    "/workstreams/?kind=img&year=2023": 6,
    # workstream, leads, children, predecessors, updates, decisions, proposals, entries, meetings
    "/workstreams/img-biodiversity/": 9,
    # meetings with counts
    "/meetings/": 1,
    # meeting, agenda, documents, attendances, interventions, updates, proposals, decisions
    "/meetings/som29-senior/": 8,
    # entities with their four counts
    "/entities/": 1,
    # entity, leads, updates, proposals, interventions, attendances
    "/entities/unep/": 6,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(client: Client, django_assert_num_queries: Any, url: str) -> None:
    with django_assert_num_queries(PAGES[url]):
        client.get(url)
    grow_record(30)
    with django_assert_num_queries(PAGES[url]):
        client.get(url)
