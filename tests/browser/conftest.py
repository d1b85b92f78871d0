"""A real browser: Debian's chromium, driven by Playwright, against a live test server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

# Playwright's synchronous API runs an event loop in the test's thread; the test's own ORM calls
# are still synchronous, so Django's guard against ORM use from async code must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Every page reports each Content-Security-Policy violation to the test as it happens, so that a
# violation on a page the test has already left is not lost with that page's window.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
      `at ${event.documentURI}` + (event.sample ? `: ${event.sample}` : ""),
  );
});
"""
# Chromium also writes a violation to the console, including those of workers and of a page's
# first bytes, before any script of ours can listen.
CSP_CONSOLE_MARKERS = ("Content Security Policy", "Refused to")


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path is None:
        pytest.fail(
            "No chromium on this machine: install Debian's package (apt-get install chromium) "
            "or set CHROMIUM to its path. `make test` installs it."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the test's page met; any left fail the test."""
    return []


@pytest.fixture
def page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest, csp_violations: list[str]
) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.expose_function("reportCspViolation", lambda text: csp_violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda message: _record_console(message, csp_violations))
    # Nothing may load from another host (a CDN, fonts, a logo): every request stays on this site.
    here = urlsplit(live_server.url).netloc
    page.on("request", lambda r: _record_elsewhere(r.url, here, csp_violations))
    page.set_default_timeout(15_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True, timeout=60_000)
    context.close()
    if csp_violations:
        pytest.fail(
            "Content-Security-Policy violations or requests to other hosts:\n"
            + "\n".join(csp_violations),
            pytrace=False,
        )


def _record_elsewhere(url: str, here: str, violations: list[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != here:
        violations.append(f"request to another host: {url}")


def _record_console(message: ConsoleMessage, violations: list[str]) -> None:
    if any(marker in message.text for marker in CSP_CONSOLE_MARKERS):
        violations.append(f"console: {message.text}")


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Workspace").wait_for()


@pytest.fixture(autouse=True)
def shared_cache_on(record_cache: None) -> None:
    """Pages load as production sends them: anonymous ones named by the record's version and
    kept, with the policies still on every copy (emgtracker/caching.py)."""
