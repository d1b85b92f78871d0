"""Every kind of public page, in a real browser: what a visitor sees, axe-core, phone width,
keyboard and print."""

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.usefixtures("live_record")

PAGES = {
    "timeline": "/en/",
    "workstream-list": "/en/workstreams/",
    "workstream-list-filtered": "/en/workstreams/?kind=img&status=active",
    "workstream-list-refused": "/en/workstreams/?year=twenty",
    "workstream": "/en/workstreams/img-biodiversity/",
    "sub-group": "/en/workstreams/core-working-group-plastic-pollution/",
    "meeting-list": "/en/meetings/",
    "meeting": "/en/meetings/som28-mid-term/",
    "meeting-reported-counts": "/en/meetings/som29-mid-term/",
    "entity-list": "/en/entities/",
    "entity": "/en/entities/unesco/",
    "search": "/en/search/?q=biodiversity",
}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _serious_violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_page_is_accessible_and_fits_a_phone(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status in {200, 400}
    assert _serious_violations(page) == []
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)

    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"


def test_matrix_shows_the_img_on_biodiversity_across_som27_to_som29(page: Page) -> None:
    page.goto("/en/")
    row = page.locator("tr", has=page.locator("th.workstream", has_text="Biodiversity"))
    expected = {
        "SOM27": "Established",
        "SOM28 mid-term": "Active",
        "SOM28": "no record",
        "SOM29 mid-term": "Active",
        "SOM29 technical": "no record",
        "SOM29 senior": "no record",
    }
    for meeting, status in expected.items():
        expect(row.locator(f"td[data-meeting='{meeting}']")).to_contain_text(status)

    row.locator("td[data-meeting='SOM27'] a").click()
    expect(page).to_have_url(re.compile(r"/en/workstreams/img-biodiversity/#som27$"))
    expect(page.locator("#som27")).to_contain_text("Decision: Establish")


def test_meeting_page_lists_its_103_participants(page: Page) -> None:
    page.goto("/en/meetings/som28-mid-term/")
    section = page.locator("section", has=page.get_by_role("heading", name="103 participants"))
    expect(section.locator(".affiliation li")).to_have_count(103)
    expect(page.locator("dl.facts")).to_contain_text("15:00–17:00 CEST")


def test_keyboard_reaches_content_by_the_skip_link(page: Page) -> None:
    page.goto("/en/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused


def test_filter_form_works_without_javascript(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/workstreams/")
    page.get_by_label("Lead entity").select_option("unesco")
    page.get_by_role("button", name="Filter").click()
    # The IMG on Biodiversity, and the stream UNESCO co-leads with UNDP.
    expect(page.locator("table.listing tbody tr")).to_have_count(2)
    expect(page.locator("table.listing")).to_contain_text("Biodiversity")
    expect(page.locator("table.listing")).to_contain_text("Awareness raising")
    context.close()


def test_timeline_prints_without_navigation(page: Page) -> None:
    page.goto("/en/")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("table.matrix")).to_be_visible()
