"""Every kind of public page in each of the six languages, in a real browser: its language and
direction, a heading in that language, axe-core and HTML_CodeSniffer (WCAG2AA, as pa11y runs
it); Arabic mirrored; the language switcher, the alternates, the favicon and the description."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_public_pages import _serious_violations

pytestmark = pytest.mark.usefixtures("live_record")

HTMLCS = Path(settings.BASE_DIR) / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"

# Each kind of public page: its address ({lang} for the language prefix; the API's docs have
# none and follow Accept-Language), and a heading on it (a CSS selector) with its English msgid.
PAGE_KINDS: dict[str, tuple[str, str, str]] = {
    "timeline": (
        "/{lang}/",
        "h1",
        "EMG workstreams and their status at each Senior Officials Meeting",
    ),
    "workstream-list": ("/{lang}/workstreams/", "h1", "Workstreams"),
    "workstream": (
        "/{lang}/workstreams/img-biodiversity/",
        "#timeline-heading",
        "Status at each meeting",
    ),
    "meeting-list": ("/{lang}/meetings/", "h1", "Senior Officials Meetings"),
    "meeting": ("/{lang}/meetings/som28-mid-term/", "#agenda-heading", "Agenda"),
    "entity-list": ("/{lang}/entities/", "h1", "Entities"),
    "entity": ("/{lang}/entities/unesco/", "#leads-heading", "Leads"),
    "search": ("/{lang}/search/?q=biodiversity", "h1", "Search"),
    # Their headings are the schema's; the page's title is ours.
    "api-docs": ("/api/docs/", "title", "EMG Workstream Tracker API: documentation"),
    "api-redoc": ("/api/redoc/", "title", "EMG Workstream Tracker API: documentation"),
}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The API docs are the same drawing in every language (Swagger UI and ReDoc speak English; ours
# are their lang, dir and title, checked in all six): audited once left to right and once right
# to left. ReDoc's page is large, and an audit of it takes most of a minute.
AUDITED_DOCS_LANGUAGES = {"en", "ar"}

RUN_HTMLCS = """
() => new Promise((resolve) => {
  HTMLCS.process("WCAG2AA", document, () => {
    resolve(HTMLCS.getMessages()
      .filter((m) => m.type === HTMLCS.ERROR)
      .map((m) => `${m.code}: ${m.msg} <${m.element.outerHTML.slice(0, 160)}>`));
  }, () => resolve(["HTMLCS could not run"]), "en");
})
"""


def _htmlcs_errors(page: Page) -> list[str]:
    if not HTMLCS.exists():
        pytest.fail(f"{HTMLCS} is missing: run `npm ci` (`make test` does).", pytrace=False)
    # Evaluated, not added as a <script>: the site's Content-Security-Policy refuses that.
    page.evaluate(HTMLCS.read_text(encoding="utf-8"))
    errors: list[str] = page.evaluate(RUN_HTMLCS)
    return errors


def _load(page: Page, kind: str, lang: str) -> None:
    path = PAGE_KINDS[kind][0].format(lang=lang)
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, path
    if kind.startswith("api-"):
        # The libraries draw the page from the schema after it loads.
        page.locator(".swagger-ui .info .title, .api-info h1").first.wait_for()
        page.wait_for_load_state("networkidle")


def _heading(page: Page, kind: str) -> str:
    selector = PAGE_KINDS[kind][1]
    if selector == "title":
        return page.title()
    return page.locator(selector).first.inner_text().split("(")[0].strip()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_kind_speaks_the_language_and_is_accessible(page: Page, lang: str) -> None:
    page.set_extra_http_headers({"Accept-Language": lang})
    problems: dict[str, Any] = {}
    for kind, (_path, _selector, msgid) in PAGE_KINDS.items():
        _load(page, kind, lang)
        html = page.locator("html")
        expect(html).to_have_attribute("lang", lang)
        expect(html).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
        with translation.override(lang):
            translated = translation.gettext(msgid)
        heading = _heading(page, kind)
        if heading != translated:
            problems[f"{kind}: heading"] = (heading, translated)
        elif lang != "en" and translated == msgid:
            problems[f"{kind}: heading untranslated"] = msgid
        if kind.startswith("api-") and lang not in AUDITED_DOCS_LANGUAGES:
            continue
        if violations := _serious_violations(page):
            problems[f"{kind}: axe"] = violations
        if errors := _htmlcs_errors(page):
            problems[f"{kind}: HTML_CodeSniffer"] = errors
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_arabic_mirrors_the_pages(page: Page) -> None:
    page.set_extra_http_headers({"Accept-Language": "ar"})
    page.goto("/ar/")
    header = page.locator("table.matrix thead th").first.bounding_box()
    last = page.locator("table.matrix tbody tr:not(.kind-row) td").last.bounding_box()
    assert header is not None
    assert last is not None
    assert header["x"] > last["x"], "the workstream column is not on the right"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for kind in PAGE_KINDS:
            _load(page, kind, "ar")
            page.screenshot(path=SCREENSHOTS / f"ar-{kind}-{width}.png", full_page=True)


def test_the_switcher_is_reached_by_keyboard_and_keeps_the_page(page: Page) -> None:
    page.goto("/en/meetings/som28-mid-term/")
    switcher = page.get_by_role("navigation", name="Language")
    french = switcher.get_by_role("link", name="Français")
    expect(french).to_have_attribute("lang", "fr")
    expect(french).to_have_attribute("hreflang", "fr")
    expect(switcher.locator("a[aria-current]")).to_have_text("English")
    for _ in range(60):
        page.keyboard.press("Tab")
        if french.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached Français in the language switcher")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fr/meetings/som28-mid-term/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_each_page_names_its_other_languages_its_icon_and_its_description(
    page: Page, live_server: Any
) -> None:
    page.goto("/en/search/?q=biodiversity")
    alternates = page.locator('link[rel="alternate"][hreflang]')
    found = {
        link.get_attribute("hreflang"): link.get_attribute("href") for link in alternates.all()
    }
    base = live_server.url
    assert found == {
        "ar": f"{base}/ar/search/?q=biodiversity",
        "zh-Hans": f"{base}/zh-hans/search/?q=biodiversity",
        "en": f"{base}/en/search/?q=biodiversity",
        "fr": f"{base}/fr/search/?q=biodiversity",
        "ru": f"{base}/ru/search/?q=biodiversity",
        "es": f"{base}/es/search/?q=biodiversity",
        "x-default": f"{base}/search/?q=biodiversity",
    }
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description
    assert "Senior Officials Meeting" in description

    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon is not None
    assert page.request.get(icon).status == 200
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200
    assert favicon.url.endswith("/img/favicon.svg")
