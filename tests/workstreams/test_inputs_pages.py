"""The public pages of a co-led update: its sources show, "Drawn from the inputs of UNDP and
UNESCO", only once it is published and the secretariat made them public."""

from typing import Any

import pytest
from django.test import Client

from meetings.models import Entity
from tests.factories import CO_LED, co_led_update
from workstreams.models import ProgressUpdate, Workstream, WorkstreamLead

pytestmark = pytest.mark.usefixtures("record")

WORKSTREAM_PAGE = f"/en/workstreams/{CO_LED}/"
MEETING_PAGE = "/en/meetings/som29-senior/"
DRAWN = "Drawn from the inputs of UNDP and UNESCO"


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", [WORKSTREAM_PAGE, MEETING_PAGE])
def test_published_with_public_sources_the_page_shows_them(client: Client, url: str) -> None:
    co_led_update(publish=True, sources_public=True)
    page = _page(client, url)
    assert "UNDP and UNESCO&#x27;s work, merged." in page
    assert DRAWN in page
    # Each input in the language it was written in: English, said so on any page.
    assert '<dt>UNDP</dt>\n      <dd><p lang="en">UNDP&#x27;s part of the work.</p>' in page
    assert '<span lang="en">UNESCO&#x27;s next step.</span>' in page


def test_in_another_language_the_inputs_stay_marked_english(client: Client) -> None:
    co_led_update(publish=True, sources_public=True)
    page = _page(client, f"/fr/workstreams/{CO_LED}/")
    assert '<p lang="en">UNDP&#x27;s part of the work.</p>' in page


@pytest.mark.parametrize("url", [WORKSTREAM_PAGE, MEETING_PAGE])
def test_sources_not_public_show_nothing(client: Client, url: str) -> None:
    co_led_update(publish=True, sources_public=False)
    page = _page(client, url)
    assert "UNDP and UNESCO&#x27;s work, merged." in page
    assert "Drawn from the inputs" not in page
    assert "part of the work" not in page


def test_an_unpublished_update_shows_neither_itself_nor_its_sources(client: Client) -> None:
    co_led_update(publish=False, sources_public=True)
    for url in (WORKSTREAM_PAGE, MEETING_PAGE):
        page = _page(client, url)
        assert "merged." not in page
        assert "part of the work" not in page


def _second_co_led_stream() -> str:
    """The Decade on Ecosystem Restoration stream (FAO), given UNEP as co-lead for the test."""
    stream = Workstream.objects.get(parent__slug="img-biodiversity", leads__entity__acronym="FAO")
    WorkstreamLead.objects.create(
        workstream=stream, entity=Entity.objects.get(acronym="UNEP"), role="co_lead"
    )
    return stream.slug


def test_the_pages_read_the_sources_in_one_query(
    client: Client, django_assert_num_queries: Any
) -> None:
    """One query more than the pages' pins (tests/workstreams/test_pages.py,
    tests/workstreams/test_document_access.py) for every update's sources together, none
    without them. This workstream has no decisions, so two cross-reference reads, not three."""
    hidden = co_led_update(publish=True, sources_public=False)
    with django_assert_num_queries(9 + 1 + 2 + 4):
        client.get(WORKSTREAM_PAGE)
    with django_assert_num_queries(13):
        client.get(MEETING_PAGE)
    co_led_update(meeting="som29-technical", publish=True, sources_public=True)
    ProgressUpdate.objects.filter(pk=hidden.pk).update(sources_public=True)
    with django_assert_num_queries(9 + 1 + 2 + 4 + 1):
        assert _page(client, WORKSTREAM_PAGE).count(DRAWN) == 2
    second = _second_co_led_stream()
    co_led_update(workstream=second, leads=("FAO", "UNEP"), publish=True, sources_public=True)
    with django_assert_num_queries(13 + 1):
        page = _page(client, MEETING_PAGE)
    assert "Drawn from the inputs of FAO and UNEP" in page
