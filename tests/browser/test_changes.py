"""What changed between two meetings, in a real browser: in English and in Arabic (right to
left), clean under axe, and the form's two meetings lead to their page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_public_pages import _serious_violations

pytestmark = pytest.mark.usefixtures("live_record")

PAGE = "/changes/som28-mid-term/som29-mid-term/"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_changes_page_reads_in_english_and_arabic_and_is_clean(
    page: Page, language: str
) -> None:
    response = page.goto(f"/{language}{PAGE}")
    assert response is not None
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#changes-continued + ul > li")).to_have_count(7)
    expect(page.locator("#changes-silent + ul > li")).to_have_count(9)
    assert _serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px at phone width"


def test_the_form_goes_to_the_two_meetings_chosen(page: Page) -> None:
    page.goto(f"/en{PAGE}")
    page.get_by_label("From meeting").select_option("som27")
    page.get_by_label("To meeting").select_option("som28-mid-term")
    page.get_by_role("button", name="Show the changes").click()
    expect(page).to_have_url(re.compile(r".*/en/changes/som27/som28-mid-term/$"))
    expect(page.locator("h1")).to_have_text("What changed from SOM27 to SOM28 mid-term")
    expect(page.locator("#changes-pending + ul > li")).to_have_count(3)
    # The wrong way round: refused, saying why, with the form to choose again.
    page.get_by_label("From meeting").select_option("som29-mid-term")
    page.get_by_role("button", name="Show the changes").click()
    expect(page.get_by_role("alert")).to_contain_text("is not before SOM28 mid-term")
    assert _serious_violations(page) == []


def test_a_meeting_page_links_to_what_changed_since_the_one_before(page: Page) -> None:
    page.goto("/en/meetings/som29-mid-term/")
    page.get_by_role("link", name="What changed since the previous meeting").click()
    expect(page.locator("h1")).to_have_text("What changed from SOM28 to SOM29 mid-term")
