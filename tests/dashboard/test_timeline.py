"""The timeline at ``/``: its window of SOM cycles, each kind group's pages and the htmx fragment
of a page, the counts, and a query count that stays the same as the record grows."""

from typing import Any

import pytest
from django.test import Client

from dashboard import matrix
from tests.factories import MeetingFactory, grow_record
from workstreams.models import Workstream
from workstreams.standing import RecordClock, Standing

pytestmark = pytest.mark.usefixtures("record")

HTMX = {"HX-Request": "true"}


def _columns(client: Client, url: str, status: int = 200) -> list[str]:
    response = client.get(url)
    assert response.status_code == status, url
    return [m.short_label for m in response.context["meetings"]]


def _rows(response: Any, kind: str) -> list[tuple[int, str]]:
    group = next(g for g in response.context["groups"] if g.kind == kind)
    return [(row.depth, row.workstream.slug) for row in group.rows]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two top-level workstreams to a page: the record's groups then have several pages."""
    monkeypatch.setattr(matrix, "PAGE_SIZE", 2)


# The window ---------------------------------------------------------------------------------


def test_the_default_window_is_the_last_three_cycles(client: Client) -> None:
    every_meeting = ["SOM27", "SOM28 mid-term", "SOM28", "SOM29 mid-term"]
    every_meeting += ["SOM29 technical", "SOM29 senior"]
    assert _columns(client, "/en/") == every_meeting
    MeetingFactory.create()  # SOM30 senior, planned
    assert _columns(client, "/en/") == [*every_meeting[1:], "SOM30 senior"]
    page = client.get("/en/").content.decode()
    assert "The record runs from SOM27 to SOM30." in page
    assert '<option value="som28" selected>SOM28</option>' in page


def test_a_window_shows_its_cycles_only(client: Client) -> None:
    assert _columns(client, "/en/?from=som28&to=som28") == ["SOM28 mid-term", "SOM28"]
    assert _columns(client, "/en/?from=SOM29") == [
        "SOM29 mid-term",
        "SOM29 technical",
        "SOM29 senior",
    ]
    assert _columns(client, "/en/?to=27") == ["SOM27"]
    page = client.get("/en/?from=som28&to=som28").content.decode()
    assert "Workstream status, SOM28 to SOM28" in page
    assert 'data-meeting="SOM27"' not in page


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("from=banana", "“banana” is not a SOM cycle: write one as som27."),
        ("from=som29&to=som27", "The window must start at or before the cycle where it ends."),
        ("to=som31", "The record has no meeting of SOM31."),
        ("from=som99999999", "“som99999999” is not a SOM cycle"),
        ("kind=nothing", "The matrix has no group of workstreams of kind “nothing”."),
        ("kind=img&page=2", "That group has pages 1 to 1."),
        ("kind=img&page=zero", "That group has pages 1 to 1."),
        ("page=2", "Say which group the page is of: ?kind=img&amp;page=2."),
    ],
)
def test_a_value_the_page_cannot_use_says_why_over_the_default_page(
    client: Client, query: str, notice: str
) -> None:
    response = client.get(f"/en/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert notice in page
    assert 'role="alert"' in page
    assert len(response.context["meetings"]) == 6  # the default window, every group at page 1
    assert len(_rows(response, "img")) == 7  # four IMGs and the Biodiversity IMG's streams


# Rows: every row at the record's size; pages of top-level workstreams past PAGE_SIZE --------


def test_at_the_records_size_every_row_is_shown_without_pages(client: Client) -> None:
    response = client.get("/en/")
    shown = [row.workstream.slug for g in response.context["groups"] for row in g.rows]
    assert sorted(shown) == sorted(Workstream.objects.values_list("slug", flat=True))
    page = response.content.decode()
    assert "Next page" not in page
    assert '<th scope="rowgroup"' in page
    assert "4 workstreams" in page  # the Issue Management Groups


@pytest.mark.usefixtures("small_pages")
def test_a_group_past_a_page_shows_its_first_page_and_a_link_to_the_next(client: Client) -> None:
    response = client.get("/en/")
    assert _rows(response, "img") == [
        (0, "img-biodiversity"),
        (1, "img-biodiversity-accountability-reporting"),
        (1, "img-biodiversity-awareness-knowledge"),
        (1, "img-biodiversity-ecosystem-restoration"),
        (0, "img-environmental-data-statistics"),
    ]
    page = response.content.decode()
    assert "Issue Management Group 1–2 of 4, with their sub-groups" in page
    assert 'href="/en/?kind=img&amp;page=2#group-img-heading"' in page
    assert 'hx-get="/en/timeline/rows/?kind=img&amp;page=2"' in page

    response = client.get("/en/?kind=img&page=2&from=som28&to=som29")
    assert _rows(response, "img") == [
        (0, "img-environmental-sustainability-management"),
        (0, "img-human-rights-environment"),
    ]
    # The other groups stay at their first page; the links keep the window.
    assert len([r for r in _rows(response, "consultative_process") if r[0] == 0]) == 2
    page = response.content.decode()
    assert 'href="/en/?from=som28&amp;to=som29&amp;kind=img&amp;page=1#group-img-heading"' in page


def test_sub_groups_stay_under_their_parent_on_its_page(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix, "PAGE_SIZE", 1)
    url = "/en/?kind=consultative_process&page="
    pages = [_rows(client.get(f"{url}{n}"), "consultative_process") for n in (1, 2, 3)]
    pollution = next(p for p in pages if p[0] == (0, "cp-pollution-free-planet"))
    assert pollution == [
        (0, "cp-pollution-free-planet"),
        (1, "core-working-group-plastic-pollution"),
        (1, "task-team-marine-litter-microplastics"),
    ]
    assert sorted(p[0][1] for p in pages) == [
        "cp-pollution-free-planet",
        "cp-sustainable-infrastructure",
        "cp-system-wide-framework-strategies",
    ]


# The fragment htmx fetches ------------------------------------------------------------------


@pytest.mark.usefixtures("small_pages")
def test_htmx_fetches_a_groups_page_as_its_tbody(client: Client) -> None:
    response = client.get("/en/timeline/rows/?kind=img&page=2&from=som29", headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    fragment = response.content.decode()
    assert fragment.startswith("<tbody") or fragment.lstrip().startswith("<tbody")
    assert "<html" not in fragment
    assert "Issue Management Group on Human Rights and Environment" in fragment
    assert "Issue Management Group on Biodiversity" not in fragment
    assert "autofocus" in fragment  # the group's heading takes the focus
    assert fragment.count("<td data-meeting=") == 2 * 3  # two rows, SOM29's three meetings
    assert 'rel="prev"' in fragment


def test_the_fragments_address_without_htmx_leads_to_the_page(client: Client) -> None:
    response = client.get("/en/timeline/rows/?kind=img&page=1")
    assert response.status_code == 302
    assert response["Location"] == "/en/?kind=img&page=1"
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("query", ["", "kind=img&page=7", "kind=img&from=banana", "kind=nothing"])
def test_a_fragment_it_cannot_give_is_a_400_that_says_why(client: Client, query: str) -> None:
    response = client.get(f"/en/timeline/rows/?{query}", headers=HTMX)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert response.content


# Counts and cost ----------------------------------------------------------------------------


def test_counts_are_where_each_workstream_stands_and_add_up(client: Client) -> None:
    grow_record(3)
    Workstream.objects.create(slug="quiet", title="Quiet", short_title="Q", kind="task_team")
    figures = client.get("/en/").context["counts"]
    counts = {figure.key: figure.count for figure in figures}
    clock = RecordClock.read()
    assert counts == {
        s.value: Workstream.objects.filter(clock.standing_q(s)).count() for s in Standing
    }
    # Every workstream is counted once: one with no record too (a left join, not an inner one).
    assert sum(counts.values()) == Workstream.objects.count()
    assert counts["no_record"] >= 1
    assert {figure.url for figure in figures} == {
        f"/en/workstreams/?standing={s.value}" for s in Standing
    }
    groups = client.get("/en/").context["groups"]
    top_level = Workstream.objects.filter(parent=None)
    assert {g.kind: g.page.total for g in groups} == {
        kind: top_level.filter(kind=kind).count()
        for kind in set(top_level.values_list("kind", flat=True))
    }


# The page: meetings, counts (one GROUP BY), each group's page of top-level workstreams (one
# query), their sub-groups (one per level of nesting, and an empty one), the rows, their leads,
# their entries at the window's meetings, the latest updates (9); the record's clock (4: the
# latest meeting with a record, the next main meeting, and with none to come the last held and
# the last of all) and the counts of where each workstream stands with the flags (1). A list of
# flags costs a query when it has a row, and the decisions behind the lists one more: in the
# record, two lists have rows (lapsed: the Human Rights IMG and the Consultations; reported after
# lapse: the Human Rights IMG), so 3 (see the test of the flags).
CLOCK_QUERIES = 4
RECORD_FLAGS_QUERIES = 3
TIMELINE_QUERIES = 9 + CLOCK_QUERIES + 1 + RECORD_FLAGS_QUERIES


def test_the_page_costs_the_same_queries_as_the_record_grows(assert_flat_query_count: Any) -> None:
    assert_flat_query_count("/en/", TIMELINE_QUERIES)


def test_a_big_groups_pages_cost_the_same_queries(
    client: Client, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix, "PAGE_SIZE", 10)
    grow_record(30)  # 31 task teams: four pages of them
    # One more than the first page of the record: the task teams' page is a query of its own.
    for url in ["/en/?kind=task_team&page=1", "/en/?kind=task_team&page=4"]:
        with django_assert_num_queries(TIMELINE_QUERIES + 1):
            assert client.get(url).status_code == 200
    Workstream.objects.bulk_create(
        Workstream(slug=f"more-{i}", title=f"More {i}", short_title=f"M{i}", kind="task_team")
        for i in range(40)
    )
    with django_assert_num_queries(TIMELINE_QUERIES + 1):
        response = client.get("/en/?kind=task_team&page=8")
    assert [slug for _, slug in _rows(response, "task_team")] == ["w9"]


@pytest.mark.usefixtures("small_pages")
def test_the_fragment_costs_the_same_queries(assert_flat_query_count: Any) -> None:
    # meetings, counts, the group's page, its sub-groups (none), rows, leads, entries; the clock
    assert_flat_query_count(
        "/en/timeline/rows/?kind=task_team&page=1", 7 + CLOCK_QUERIES, headers=HTMX
    )
