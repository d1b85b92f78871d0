"""Stated and inferred in a real browser: an inferred cell's reason shows on hover, on keyboard
focus and in print; the pages that carry the marks, the mandate bar and a meeting's inferred
state stay clean under axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_public_pages import _serious_violations
from tests.dashboard.test_evidence_pages import (
    READING,
    infer_decision,
    set_mandate,
    som28_held_inferred,
)

pytestmark = pytest.mark.usefixtures("live_record")

WHY = "#why-img-human-rights-environment-som27"


@pytest.fixture
def inferred_cell(live_record: None) -> None:
    """The Human Rights IMG's SOM27 "Extended", read as the report's words do not say it."""
    infer_decision("img-human-rights-environment", "som27")


@pytest.mark.usefixtures("inferred_cell")
def test_an_inferred_cells_reason_shows_on_hover_and_on_keyboard_focus(page: Page) -> None:
    page.goto("/en/?from=som27")
    why = page.locator(WHY)
    expect(why).to_be_hidden()
    link = page.locator(f"a[aria-describedby='{WHY[1:]}']")
    expect(link).to_contain_text("Extended")
    link.hover()
    expect(why).to_be_visible()
    expect(why).to_have_text(f"Inferred: {READING}")
    page.mouse.move(0, 0)
    expect(why).to_be_hidden()
    # By keyboard: tab through the page until the cell's link has the focus.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"document.activeElement.getAttribute('aria-describedby') === '{WHY[1:]}'"
        ):
            break
    expect(link).to_be_focused()
    expect(why).to_be_visible()
    # The link is described by the reason, for a screen reader.
    expect(link).to_have_accessible_description(f"Inferred: {READING}")


@pytest.mark.usefixtures("inferred_cell")
def test_the_reason_prints(page: Page) -> None:
    page.goto("/en/?from=som27")
    page.emulate_media(media="print")
    expect(page.locator(WHY)).to_be_visible()
    expect(page.locator(WHY)).to_have_text(f"Inferred: {READING}")


@pytest.mark.usefixtures("inferred_cell")
def test_the_timeline_with_inferred_cells_and_flags_is_accessible(page: Page) -> None:
    set_mandate("img-biodiversity", "som27", 28)
    som28_held_inferred()
    page.goto("/en/")
    expect(page.locator("#flags-heading")).to_be_visible()
    expect(page.locator("#why-som28")).to_be_hidden()
    page.locator("a[aria-describedby='why-som28']").hover()
    expect(page.locator("#why-som28")).to_be_visible()
    assert _serious_violations(page) == []


def test_a_workstream_page_with_a_mandate_bar_is_accessible_and_prints(page: Page) -> None:
    set_mandate("img-human-rights-environment", "som27", 28)
    infer_decision("img-human-rights-environment", "som27")
    page.goto("/en/workstreams/img-human-rights-environment/")
    bar = page.get_by_role("table", name="Mandate periods across the Senior Officials Meetings")
    expect(bar).to_be_visible()
    expect(bar.get_by_role("cell", name="Lapsed").first).to_be_visible()
    assert _serious_violations(page) == []
    page.emulate_media(media="print")
    expect(bar).to_be_visible()
    expect(page.get_by_text(f"Inferred: {READING}").first).to_be_visible()


def test_a_meeting_page_with_an_inferred_state_is_accessible(page: Page) -> None:
    som28 = som28_held_inferred()
    page.goto("/en/meetings/som28/")
    state = page.locator(".meeting-state")
    expect(state).to_contain_text("held")
    expect(state).to_contain_text(f"Inferred: {som28.status_evidence_reason}")
    assert _serious_violations(page) == []
    page.goto("/en/meetings/som29-senior/")
    expect(page.locator(".meeting-state")).to_contain_text("date passed, no report on record")
    assert _serious_violations(page) == []
