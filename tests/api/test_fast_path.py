"""The hot lists (workstreams, updates, decisions) serve their rows from ``.values()``
(emgtracker/values.py): for every row, anonymous or logged in, by page or by cursor, as JSON or
CSV, the answer is byte for byte the one their serializers give, at no more queries."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework import mixins

from tests.factories import ProgressUpdateFactory, UserFactory, co_led_update, grow_record
from workstreams.api import DecisionViewSet, ProgressUpdateViewSet, WorkstreamViewSet
from workstreams.models import ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

HOT_VIEWS = [WorkstreamViewSet, ProgressUpdateViewSet, DecisionViewSet]
LISTS = [
    "/api/v1/workstreams/?page_size=200",
    "/api/v1/workstreams/?page_size=7&paginate=cursor&ordering=-kind,slug",
    "/api/v1/workstreams/?format=csv&page_size=200",
    "/api/v1/workstreams/?lead=unep&status=active&search=a&year=2023",
    # As at a meeting: the status, standing and mandate then (workstreams/as_at_api.py).
    "/api/v1/workstreams/?page_size=200&as_at=som28-mid-term",
    "/api/v1/workstreams/?page_size=7&paginate=cursor&ordering=slug&as_at=som28-mid-term",
    "/api/v1/workstreams/?format=csv&page_size=200&as_at=som29-mid-term&standing=silent",
    "/api/v1/updates/?page_size=200",
    "/api/v1/updates/?page_size=5&paginate=cursor&ordering=-published_at",
    "/api/v1/updates/?format=csv&page_size=200",
    "/api/v1/updates/?state=draft&meeting=som29-senior",
    "/api/v1/decisions/?page_size=200",
    "/api/v1/decisions/?page_size=6&paginate=cursor",
    "/api/v1/decisions/?format=csv&page_size=200",
    "/api/v1/decisions/?kind=establish&ordering=kind,-workstream_title",
    # In another language (the English original, said to be so), and in every one.
    "/api/v1/workstreams/?page_size=200&lang=fr",
    "/api/v1/updates/?page_size=200&translations=all&lang=ar",
    "/api/v1/decisions/?format=csv&page_size=200&lang=es",
]


def _pages(client: Client, url: str) -> Iterator[tuple[bytes, int]]:
    """Each page of the list, with the queries it took, following its ``next`` links."""
    next_url: str | None = url
    while next_url:
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(next_url)
        assert answer.status_code == 200, answer.content
        yield answer.content, len(queries)
        next_url = answer.json()["next"] if "csv" not in url else None


def _both(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = list(_pages(client, url))
    with monkeypatch.context() as serializer_rows:
        # The serializer's own list: model instances, nested serializers. (Each view holds its
        # own ``list``: drf-spectacular's extend_schema_view copies it.)
        for view in HOT_VIEWS:
            serializer_rows.setattr(view, "list", mixins.ListModelMixin.list)
        full = list(_pages(client, url))
    return fast, full


def _client(secretariat: bool) -> Client:
    client = Client()
    if secretariat:
        client.force_login(UserFactory.create(role="secretariat"))
    return client


def _drafts() -> None:
    """What only a login sees: a draft, and one returned to its authors with a reason."""
    ProgressUpdateFactory.create()
    som29 = ProgressUpdate.objects.filter(meeting__slug="som29-senior")
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.exclude(updates__in=som29).filter(leads__isnull=False)[0],
        returned_reason="Name the source.",
        expected_to_continue_in=2027,
    )
    # Co-led updates, merged from inputs: one published with its sources public, one a draft.
    co_led_update(meeting="som29-technical", publish=True, sources_public=True)
    co_led_update(meeting="som29-mid-term")


@pytest.mark.parametrize("secretariat", [False, True], ids=["anonymous", "secretariat"])
@pytest.mark.parametrize("url", LISTS)
def test_a_hot_list_answers_as_its_serializer(
    url: str, secretariat: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drafts()
    fast, full = _both(_client(secretariat), url, monkeypatch)
    assert [body for body, _queries in fast] == [body for body, _queries in full]
    assert all(f <= s for (_b, f), (_c, s) in zip(fast, full, strict=True))


@pytest.mark.parametrize("url", LISTS)
def test_a_hot_list_of_a_grown_record_answers_as_its_serializer(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    grow_record(30)
    _drafts()
    Workstream.objects.filter(slug="w1").update(
        successor=Workstream.objects.get(slug="w2"), parent=Workstream.objects.get(slug="w3")
    )
    fast, full = _both(_client(secretariat=True), url, monkeypatch)
    assert len(fast) > 1 or "cursor" not in url  # a walk over several pages
    assert [body for body, _queries in fast] == [body for body, _queries in full]
    assert all(f <= s for (_b, f), (_c, s) in zip(fast, full, strict=True))
