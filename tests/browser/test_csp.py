"""Every kind of page runs under the Content-Security-Policy with no violation.

The ``page`` fixture (tests/browser/conftest.py) records each violation the browser reports and
fails the test at teardown; these tests visit every kind of page and use its scripts, so that a
template or widget that needs an inline script or style attribute is caught here.
"""

import pytest
from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import FilePayload, Page, expect

from meetings.models import Meeting
from tests.browser.conftest import log_in
from tests.factories import CO_LED, PASSWORD, UserFactory, co_led_update
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("live_record")

PUBLIC_PAGES = {
    "/": "EMG workstreams and their status",
    "/en/workstreams/": "Workstreams",
    "/en/workstreams/img-biodiversity/": "Biodiversity",
    "/en/meetings/": "Meetings",
    "/en/meetings/som28-mid-term/": "28th Senior Officials Meeting",
    "/en/entities/": "Entities",
    "/en/entities/unesco/": "UNESCO",
    "/en/search/?q=Kariuki": "Search",
    "/en/?as-at=som28-mid-term": "EMG workstreams and their status",
    "/en/workstreams/?as-at=som28-mid-term": "Workstreams",
    "/en/workstreams/img-biodiversity/?as-at=som28-mid-term": "Biodiversity",
    "/en/changes/som28-mid-term/som29-mid-term/": "What changed from SOM28 mid-term",
    "/en/workstreams/img-biodiversity/follow/": "Follow Biodiversity by e-mail",
    "/en/follow/link/": "Manage what you follow",
    "/en/references/": "Cross-references",
    "/en/references/sdg-12/": "SDG 12",
}


@pytest.mark.parametrize("path", list(PUBLIC_PAGES), ids=list(PUBLIC_PAGES))
def test_public_page_runs_without_violation(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.locator("h1")).to_contain_text(PUBLIC_PAGES[path])


def test_admin_login_runs_without_violation(page: Page) -> None:
    page.goto("/admin/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_workspace_runs_without_violation(page: Page) -> None:
    UserFactory.create(username="geneva", role="secretariat")
    biodiversity = Workstream.objects.get(slug="img-biodiversity")
    log_in(page, "geneva", PASSWORD)  # the admin index

    page.goto("/admin/workstreams/progressupdate/")
    expect(page.locator("#result_list")).to_be_visible()
    page.get_by_label("Action:").select_option(index=1)  # actions.js

    page.goto("/admin/meetings/meeting/add/")
    page.get_by_role("link", name="Today").first.click()  # the calendar widgets
    page.locator(".datetimeshortcuts a[id^='calendarlink']").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.locator("#id_chair + .select2").click()  # an autocomplete widget
    expect(page.locator(".select2-results__option").first).to_be_visible()

    page.goto(f"/admin/workstreams/workstream/{biodiversity.pk}/change/")
    expect(page.locator("#id_title_en")).to_have_value(biodiversity.title)
    page.get_by_role("link", name="History").click()
    expect(page.locator("#change-history, table")).not_to_have_count(0)

    page.goto("/admin/meetings/attendance/import/")
    expect(page.get_by_role("button", name="Submit")).to_be_visible()

    co_led_update()  # the co-lead inputs' Merge inputs screen, side by side
    page.goto(f"/admin/workstreams/progressinput/merge/{CO_LED}/som29-senior/")
    expect(page.get_by_role("button", name="Merge")).to_be_visible()


def test_participants_import_preview_runs_without_violation(page: Page) -> None:
    UserFactory.create(username="geneva", role="secretariat")
    log_in(page, "geneva", PASSWORD)
    page.goto("/admin/meetings/attendance/import/")
    page.get_by_label("Meeting").select_option(str(Meeting.objects.get(slug="som29-senior").pk))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_label("File to import").set_input_files(
        files=[
            FilePayload(
                name="participants.csv",
                mimeType="text/csv",
                buffer=b"name,entity,list_number\nAda Lovelace,UNESCO,1\n",
            )
        ]
    )
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.locator("table.import-preview")).to_contain_text("Ada Lovelace")


def test_browsable_api_runs_without_violation(page: Page) -> None:
    page.goto("/api/v1/workstreams/")
    expect(page.locator(".response-info")).to_contain_text("img-biodiversity")

    UserFactory.create(username="geneva", role="secretariat")
    log_in(page, "geneva", PASSWORD)
    page.goto("/api/v1/workstreams/?ordering=title")
    page.get_by_role("button", name="Filters").click()  # bootstrap's modal
    expect(page.locator("#filtersModal")).to_be_visible()
    page.keyboard.press("Escape")
    page.goto("/api/v1/workstreams/img-biodiversity/")
    expect(page.locator("#content-main, .content-main")).to_contain_text("Biodiversity")


def test_swagger_ui_renders_its_operations_without_violation(page: Page) -> None:
    page.goto("/api/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/workstreams/").first
    expect(operation).to_be_visible()
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()  # a fetch to this site
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )


# ReDoc lays out the whole schema before it shows the first heading: seconds, on a busy machine.
REDOC_LAYOUT_MS = 30_000


def test_redoc_renders_without_violation(page: Page) -> None:
    page.goto("/api/redoc/")
    heading = page.get_by_role("heading", name="EMG Workstream Tracker API")
    expect(heading).to_be_visible(timeout=REDOC_LAYOUT_MS)
    expect(page.get_by_text("Anonymous reads see published content only.")).to_be_visible()
    page.get_by_placeholder("Search...").fill("workstream")  # the search worker
    expect(page.locator("[data-role='search:results'] li").first).to_be_visible()


def test_inline_script_without_nonce_is_reported(page: Page, csp_violations: list[str]) -> None:
    """The twin: the detector sees an injected script, so the tests above cannot pass blind."""
    page.goto("/en/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.injected = 'ran';";
            document.body.appendChild(script);
        }"""
    )
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 200))")
    assert page.evaluate("document.body.dataset.injected") is None  # refused, not run
    # Both channels saw it: the page's securitypolicyviolation event and the console.
    assert any(v.startswith("script-src-elem refused inline") for v in csp_violations), (
        csp_violations
    )
    assert any(v.startswith("console:") and "inline script" in v for v in csp_violations), (
        csp_violations
    )
    csp_violations.clear()  # seen on purpose: the page fixture must not fail this test


def test_style_attribute_is_reported(page: Page, csp_violations: list[str]) -> None:
    page.goto("/en/")
    page.evaluate(
        """() => { document.body.insertAdjacentHTML("beforeend", "<p style='color: red'>x</p>"); }"""
    )
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 200))")
    assert any(v.startswith("style-src-attr refused inline") for v in csp_violations), (
        csp_violations
    )
    csp_violations.clear()


def test_every_admin_list_and_form_runs_without_violation(page: Page) -> None:
    """As a superuser, who sees every screen: each model's list, add form and a change form."""
    UserFactory.create(username="root", is_superuser=True)
    log_in(page, "root", PASSWORD)
    for model in admin.site._registry:
        opts = model._meta
        page.goto(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        expect(page.locator("#changelist")).to_be_visible()
        if page.locator("a.addlink").count():
            page.locator("a.addlink").first.click()
            expect(page.locator("#content-main form")).to_be_visible()
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            page.goto(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
            expect(page.locator("#content-main")).to_be_visible()


def test_redoc_shows_its_logo_from_this_site(page: Page) -> None:
    """ReDoc's bundle names Redocly's CDN for its sidebar logo; we serve it with ours instead."""
    page.goto("/api/redoc/")
    logo = page.get_by_role("img", name="redocly logo")
    expect(logo).to_be_visible(timeout=REDOC_LAYOUT_MS)
    assert logo.get_attribute("src") == "/static/img/redoc-logo.svg"
