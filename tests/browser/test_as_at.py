"""The record as at a meeting, in a real browser: the banner names the meeting, its link leads
back to the record now, the form picks another meeting; axe-core finds nothing serious, left to
right in English and right to left in Arabic."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_public_pages import _serious_violations

pytestmark = pytest.mark.usefixtures("live_record")

BANNER = "The record as it stood right after SOM28 mid-term, 18 May 2022"


def test_the_banner_names_the_meeting_and_leads_back_to_now(page: Page) -> None:
    page.goto("/en/?as-at=som28-mid-term")
    banner = page.locator(".as-at-banner")
    expect(banner.get_by_role("heading", level=2)).to_have_text(BANNER)
    expect(page.locator("th.meeting")).to_have_count(2)  # SOM27 and the SOM28 mid-term
    assert _serious_violations(page) == []

    banner.get_by_role("link", name="See the record as it stands now").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator(".as-at-banner")).to_have_count(0)
    expect(page.locator("th.meeting")).to_have_count(6)


def test_the_form_reads_the_record_as_at_the_meeting_picked(page: Page) -> None:
    page.goto("/en/")
    page.get_by_label("Read the record as at").select_option("som29-mid-term")
    page.get_by_role("button", name="Show the record then").click()
    expect(page).to_have_url(re.compile(r"/en/\?as-at=som29-mid-term$"))
    expect(page.locator(".as-at-banner h2")).to_contain_text("SOM29 mid-term")
    # A workstream's page, reached from the matrix, keeps the meeting.
    page.locator("#matrix-w-img-human-rights-environment a.title").click()
    expect(page).to_have_url(re.compile(r"\?as-at=som29-mid-term$"))
    expect(page.locator(".as-at-banner h2")).to_contain_text("SOM29 mid-term")
    assert _serious_violations(page) == []


def test_in_arabic_the_banner_reads_right_to_left(page: Page) -> None:
    page.goto("/ar/?as-at=som28-mid-term")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    banner = page.locator(".as-at-banner")
    expect(banner).to_be_visible()
    assert banner.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # Its rule stands on the start side: the right, in Arabic.
    start = banner.evaluate("node => getComputedStyle(node).borderRightWidth")
    assert start != "0px"
    assert banner.evaluate("node => getComputedStyle(node).borderLeftWidth") == "0px"
    expect(banner.get_by_role("link")).to_have_attribute("href", "/ar/")
    assert _serious_violations(page) == []
