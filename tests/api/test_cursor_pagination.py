"""Cursor (keyset) pagination, beside page numbers: ``?paginate=cursor`` starts a walk, each
``next`` link's ``cursor`` goes on. Every row comes once, in the list's order, even when rows
are added while a client walks; a cursor the API did not make is a 404 in the error shape."""

import base64
import json
from typing import Any

import pytest
from django.test import Client

from meetings.models import Meeting
from workstreams.models import Decision, Workstream

pytestmark = pytest.mark.usefixtures("record")


def _walk(client: Client, url: str, key: str = "next") -> list[list[Any]]:
    pages = []
    next_url: str | None = url
    while next_url:
        answer = client.get(next_url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert "count" not in body
        pages.append(body["results"])
        next_url = body[key]
    return pages


def test_walking_by_cursor_gives_every_row_once_in_the_lists_order(client: Client) -> None:
    by_page = client.get("/api/v1/updates/?page_size=200").json()["results"]
    assert len(by_page) > 7
    pages = _walk(client, "/api/v1/updates/?paginate=cursor&page_size=3")
    assert [len(p) for p in pages[:-1]] == [3] * (len(pages) - 1)
    assert [row for page in pages for row in page] == by_page


def test_a_walk_keeps_the_ordering_asked_for(client: Client) -> None:
    pages = _walk(
        client, "/api/v1/decisions/?ordering=-meeting_date,kind&paginate=cursor&page_size=2"
    )
    rows = [(d["meeting"], d["kind"], d["id"]) for page in pages for d in page]
    dates = {m.slug: m.date for m in Meeting.objects.all()}
    keys = [(-dates[m].toordinal(), kind, pk) for m, kind, pk in rows]
    assert keys == sorted(keys)
    assert len(rows) == Decision.objects.count()


def test_previous_links_walk_back_over_the_same_pages(client: Client) -> None:
    forward = _walk(client, "/api/v1/workstreams/?paginate=cursor&page_size=4")
    last = client.get("/api/v1/workstreams/?paginate=cursor&page_size=4").json()
    while last["next"]:
        last = client.get(last["next"]).json()
    backward = _walk(client, last["previous"], key="previous")
    assert backward == forward[-2::-1]


def test_rows_added_during_a_walk_neither_repeat_nor_hide_another(client: Client) -> None:
    before = {d["id"] for d in client.get("/api/v1/decisions/?page_size=200").json()["results"]}
    first = client.get("/api/v1/decisions/?paginate=cursor&page_size=2").json()
    meetings = Meeting.objects.order_by("date")
    workstreams = Workstream.objects.order_by("title")
    # One row sorts before the cursor (the walk has passed it), one after (the walk will see it).
    early = Decision.objects.create(
        meeting=meetings[0],
        workstream=workstreams[0],
        kind="endorse",
        text="Endorsed early.",
    )
    late = Decision.objects.create(
        meeting=meetings.reverse()[0],
        workstream=workstreams.reverse()[0],
        kind="endorse",
        text="Endorsed late.",
    )
    rest = _walk(client, first["next"])
    seen = [d["id"] for d in first["results"]] + [d["id"] for page in rest for d in page]
    assert len(seen) == len(set(seen))
    assert before <= set(seen)
    assert late.pk in seen
    assert early.pk not in seen


def _token(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _token([1, 2]),
        _token({"o": ["title", "pk"], "v": ["A", 1], "b": False}),  # another order
        _token(
            {"o": ["meeting_date", "workstream_title", "pk"], "v": ["2021-13-40", "A", 1], "b": 0}
        ),
        _token(
            {"o": ["meeting_date", "workstream_title", "pk"], "v": ["2021-01-01", "A", "x"], "b": 0}
        ),
        _token(
            {
                "o": ["meeting_date", "workstream_title", "pk"],
                "v": ["2021-01-01", "A\x00", 1],
                "b": 0,
            }
        ),
        _token({"o": ["meeting_date", "workstream_title", "pk"], "v": [[], {}, 1], "b": 0}),
    ],
)
def test_a_cursor_the_api_did_not_make_is_not_found(client: Client, cursor: str) -> None:
    answer = client.get("/api/v1/decisions/", {"cursor": cursor})
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {"status": 404, "code": "not_found", "message": "Invalid cursor."}
    }


def test_an_unknown_mode_is_refused(client: Client) -> None:
    answer = client.get("/api/v1/updates/?paginate=pages")
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"paginate": ["Either page or cursor."]}


def test_in_cursor_mode_a_page_number_is_ignored(client: Client) -> None:
    first = client.get("/api/v1/updates/?paginate=cursor&page_size=2").json()
    assert client.get("/api/v1/updates/?paginate=cursor&page=3&page_size=2").json() == first


def test_page_numbers_stay_the_default(client: Client) -> None:
    body = client.get("/api/v1/updates/?page_size=2").json()
    assert body["count"] > 2
    assert body["next"].endswith("/api/v1/updates/?page=2&page_size=2")


# Query counts in cursor mode: the page and nothing else (no count) ------------------------

CURSOR_LISTS = {
    # the page, its rows' cross-references
    "/api/v1/updates/?paginate=cursor": 2,
    "/api/v1/decisions/?paginate=cursor&ordering=workstream_title": 2,
    "/api/v1/proposals/?paginate=cursor": 1,
    # page with status now, the record's clock (up to four), leads, decisions, entries,
    # cross-references
    "/api/v1/workstreams/?paginate=cursor": 9,
    # meeting, page of attendances
    "/api/v1/meetings/som28-mid-term/participants/?paginate=cursor": 2,
}


@pytest.mark.parametrize("url", list(CURSOR_LISTS))
def test_cursor_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, CURSOR_LISTS[url], HTTP_ACCEPT="application/json")


@pytest.mark.parametrize("page", ["-3", "0", "false", "1.5"])
def test_a_malformed_page_is_refused_in_cursor_mode_too(client: Client, page: str) -> None:
    response = client.get(
        f"/api/v1/updates/?paginate=cursor&page={page}", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "A whole number from 1" in " ".join(response.json()["error"]["fields"]["page"])
