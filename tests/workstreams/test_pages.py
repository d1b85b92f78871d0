"""The workstream pages: what a visitor reads on each, hostile filters, and flat query counts."""

from typing import Any

import pytest
from django.test import Client

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


# The workstream list and its filters -------------------------------------------------------


def test_filter_by_kind(client: Client) -> None:
    slugs = _slugs(client, "kind=img")
    assert "img-biodiversity" in slugs
    assert all(Workstream.objects.get(slug=s).kind == "img" for s in slugs)


def test_filter_by_lead_entity(client: Client) -> None:
    # The IMG, and the stream UNESCO co-leads (issue 14).
    assert sorted(_slugs(client, "lead=unesco")) == [
        "img-biodiversity",
        "img-biodiversity-awareness-knowledge",
    ]


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
    # The IMG and its three streams (issue 14).
    assert sorted(_slugs(client, "search=biodiversity")) == [
        "img-biodiversity",
        "img-biodiversity-accountability-reporting",
        "img-biodiversity-awareness-knowledge",
        "img-biodiversity-ecosystem-restoration",
    ]
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


# A workstream's page --------------------------------------------------------------------------------


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


# Query counts: the same at the record's size and with many more rows -----------------------


PAGES = {
    # the filter form's lead and meeting choices, count, page of workstreams with status
    # now, leads, entries
    "/workstreams/": 6,
    "/workstreams/?kind=img&year=2023": 6,
    # workstream, leads, children, predecessors, updates, decisions, proposals, entries, meetings
    "/workstreams/img-biodiversity/": 9,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
