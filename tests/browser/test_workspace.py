"""The secretariat's and a focal point's day in the workspace, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ProgressUpdateFactory, UserFactory
from workstreams.models import ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("live_record")


def _choose(page: Page, field: str, text: str) -> None:
    """Pick ``text`` in the admin's autocomplete widget for ``field``."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def _run_action(page: Page, row_text: str, action: str) -> None:
    row = page.locator("#result_list tbody tr", has_text=row_text)
    row.locator("input.action-select").check()
    page.get_by_label("Action:").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_secretariat_adds_submits_publishes_and_sees_it_public(page: Page) -> None:
    UserFactory.create(username="geneva", role="secretariat")
    log_in(page, "geneva", PASSWORD)

    page.get_by_role("link", name="Progress updates").first.click()
    page.get_by_role("link", name=re.compile("Add progress update")).click()
    _choose(page, "workstream", "Biodiversity")
    _choose(page, "meeting", "SOM29 senior")
    page.locator("#id_summary_en").fill("Guidance on nature-positive operations agreed by the IMG.")
    page.locator("#id_next_steps_en").fill("Present the guidance to the senior officials.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    _run_action(page, "SOM29 senior", "Submit for review")
    expect(page.locator(".messagelist")).to_contain_text("1 update submitted for review.")
    _run_action(page, "SOM29 senior", "Publish")
    expect(page.locator(".messagelist")).to_contain_text("1 update published.")

    page.goto("/en/")
    row = page.locator("tr", has=page.locator("th.workstream", has_text="Biodiversity"))
    cell = row.locator("td[data-meeting='SOM29 senior']")
    expect(cell).to_contain_text("Active")
    expect(row.locator("td[data-meeting='SOM27']")).to_contain_text("Established")
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som29-senior"
    )
    assert update.state == "published"


def test_unesco_focal_point_sees_its_img_and_cannot_open_unep_work(page: Page) -> None:
    unep_update = ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"),
        summary="UNEP's draft on the right to a healthy environment.",
    )
    UserFactory.create(username="paris", role="focal_point", entity="UNESCO")
    log_in(page, "paris", PASSWORD)

    nav = page.locator("#content-main")
    expect(nav.get_by_role("link", name="Progress updates")).to_be_visible()
    expect(nav.get_by_role("link", name="Meetings")).to_have_count(0)
    expect(nav.get_by_role("link", name="Decisions")).to_have_count(0)
    expect(nav.get_by_role("link", name="Timeline entries")).to_have_count(0)

    nav.get_by_role("link", name="Progress updates").click()
    results = page.locator("#result_list")
    expect(results).to_contain_text("Biodiversity")
    expect(results).not_to_contain_text("Human Rights")

    page.goto(f"/admin/workstreams/progressupdate/{unep_update.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("doesn’t exist")
    expect(page.locator("body")).not_to_contain_text("right to a healthy environment")

    page.goto("/admin/workstreams/progressupdate/add/")
    options = page.locator("#id_workstream option")
    expect(options).to_contain_text(["---------", re.compile("Biodiversity")])
    expect(page.locator("#id_workstream")).not_to_contain_text("Human Rights")
