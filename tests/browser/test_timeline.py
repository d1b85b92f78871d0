"""The timeline's pages of a kind group, in a real browser: with JavaScript, htmx swaps the
group's rows in place; without it, the same link loads the whole page at that group's page."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard import matrix
from tests.browser.test_public_pages import _serious_violations

pytestmark = pytest.mark.usefixtures("live_record", "small_pages")

FIRST_PAGE = [
    "Issue Management Group on Biodiversity",
    "Issue Management Group on Environmental Data",
]
SECOND_PAGE = [
    "Issue Management Group on Environmental Sustainability Management",
    "Issue Management Group on Human Rights and Environment",
]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two top-level workstreams to a page: the four Issue Management Groups fill two."""
    monkeypatch.setattr(matrix, "PAGE_SIZE", 2)


def _group(page: Page) -> Any:
    return page.locator("tbody#group-img")


def _expect_rows(page: Page, shown: list[str], hidden: list[str]) -> None:
    for title in shown:
        expect(_group(page).get_by_role("link", name=title)).to_be_visible()
    for title in hidden:
        expect(_group(page).get_by_role("link", name=title)).to_have_count(0)


def test_next_page_swaps_the_groups_rows_in_place(page: Page) -> None:
    page.goto("/en/?from=som28&to=som29")
    _expect_rows(page, FIRST_PAGE, SECOND_PAGE)
    # A mark on the window: a full load would lose it.
    page.evaluate("window.stillHere = true")
    _group(page).get_by_role("link", name="Next page").click()

    _expect_rows(page, SECOND_PAGE, FIRST_PAGE)
    expect(page).to_have_url(re.compile(r"/\?from=som28&to=som29$"))
    assert page.evaluate("window.stillHere") is True
    # The window stays: SOM28 and SOM29's five meetings, in the rows fetched too.
    row = _group(page).locator("tr", has_text="Human Rights and Environment")
    expect(row.locator("td[data-meeting]")).to_have_count(5)  # and the status now column
    # The focus lands on the group's heading, and the other groups keep their rows.
    expect(page.locator("#group-img-heading")).to_be_focused()
    expect(page.locator("tbody#group-consultative_process th.workstream")).to_have_count(4)

    _group(page).get_by_role("link", name="Previous page").click()
    _expect_rows(page, FIRST_PAGE, SECOND_PAGE)
    assert page.evaluate("window.stillHere") is True


@pytest.fixture
def no_js_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_without_javascript_the_link_loads_the_groups_page(no_js_page: Page) -> None:
    page = no_js_page
    page.goto("/en/")
    _expect_rows(page, FIRST_PAGE, SECOND_PAGE)
    _group(page).get_by_role("link", name="Next page").click()

    expect(page).to_have_url(re.compile(r"/\?kind=img&page=2#group-img-heading$"))
    _expect_rows(page, SECOND_PAGE, FIRST_PAGE)
    expect(_group(page)).to_contain_text("Issue Management Group 3–4 of 4")
    # The window form changes the columns, back to the first page of every group.
    page.get_by_label("From").select_option("som29")
    page.get_by_role("button", name="Show these cycles").click()
    expect(page).to_have_url(re.compile(r"/\?from=som29&to=som29$"))
    expect(page.locator("thead th.meeting")).to_have_count(3)
    _expect_rows(page, FIRST_PAGE, SECOND_PAGE)


@pytest.mark.parametrize("path", ["/?kind=img&page=2", "/en/?from=banana"])
def test_a_groups_page_and_a_refused_window_are_accessible(page: Page, path: str) -> None:
    page.goto(path)
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
