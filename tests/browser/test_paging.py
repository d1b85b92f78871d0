"""The lists of a page, a page at a time, in a real browser with JavaScript off: each list's
own links, the page shown marked for a screen reader, and axe-core with several lists paged."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_public_pages import _serious_violations

pytestmark = pytest.mark.usefixtures("live_record")


def test_a_meeting_s_lists_page_by_plain_links(
    browser: Any, live_server: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("dashboard.views.PARTICIPANTS_PER_PAGE", 40)
    monkeypatch.setattr("dashboard.views.PER_SECTION", 5)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/en/meetings/som28-mid-term/?interventions=2")
    participants = page.get_by_role("navigation", name="Pages of participants")
    participants.get_by_role("link", name="Next").click()
    assert page.url.endswith(
        "/en/meetings/som28-mid-term/?interventions=2&participants=2#participants-heading"
    )
    expect(page.locator(".affiliation li")).to_have_count(40)
    current = page.get_by_role("navigation", name="Pages of participants").locator(
        "[aria-current=page]"
    )
    expect(current).to_have_text("Page 2")
    # The interventions stayed on their own second page.
    expect(
        page.get_by_role("navigation", name="Pages of interventions").locator("[aria-current=page]")
    ).to_have_text("Page 2")
    context.close()
    # axe-core and the width are measured by script: with JavaScript on.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/meetings/som28-mid-term/?interventions=2&participants=2")
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
