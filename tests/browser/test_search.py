"""The header's search box, in a real browser, without JavaScript: type, press Enter, read."""

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.usefixtures("live_record")


def test_the_header_box_finds_a_presenter_highlighted(browser: Any, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/meetings/")
    box = page.get_by_role("banner").get_by_role("searchbox", name="Search the record")
    box.fill("Kariuki")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/en/search/?q=Kariuki")
    expect(page.locator("h1")).to_have_text("Search")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    expect(hits.first.locator(".search-kind")).to_have_text("Person")
    expect(hits.first.locator("h2 mark")).to_have_text("Kariuki")
    expect(hits.nth(1).locator(".search-kind")).to_have_text("Progress update")
    expect(hits.nth(1).locator("mark")).to_have_text("Kariuki")
    # The box keeps the words; the result leads to the page of the presenter's entity.
    expect(box).to_have_value("Kariuki")
    hits.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/en/entities/unep/")
    context.close()
