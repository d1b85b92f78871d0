"""Every response carries the Content-Security-Policy and Permissions-Policy (docs/configuration.md).

Asked of the live server, the way a browser sees them; that the pages actually run under the
policy is tests/browser/test_csp.py's part.
"""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from meetings.models import Attendance
from tests.factories import UserFactory, first
from workstreams.models import Workstream

ROOT = Path(__file__).resolve().parent.parent
HTML = "text/html"

PUBLIC = [
    "/en/",
    "/en/workstreams/",
    "/en/workstreams/img-biodiversity/",
    "/en/meetings/",
    "/en/meetings/som28-mid-term/",
    "/en/entities/",
    "/en/entities/unesco/",
    "/admin/login/",
    "/api/v1/workstreams/",
    "/api/v1/workstreams/img-biodiversity/",
    "/api/docs/",
    "/api/redoc/",
    "/no-such-page/",
]
FEEDS_AND_DATA = [
    "/feed/",
    "/en/workstreams/img-biodiversity/feed/",
    "/en/meetings/calendar.ics",
    "/api/schema/",
    "/api/v1/workstreams/?format=json",
    "/api/v1/no-such-thing/",
]
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def _workspace() -> list[str]:
    biodiversity = Workstream.objects.get(slug="img-biodiversity").pk
    return [
        "/admin/",
        "/admin/workstreams/progressupdate/",
        "/admin/meetings/meeting/add/",
        f"/admin/workstreams/workstream/{biodiversity}/change/",
        f"/admin/workstreams/workstream/{biodiversity}/history/",
        f"/admin/meetings/attendance/{first(Attendance.objects.all()).pk}/change/",
        "/admin/meetings/attendance/import/",
    ]


def _get(url: str, session: str | None = None) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, headers={"Accept": f"{HTML},*/*;q=0.8"})
    if session:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _directives(policy: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def _assert_policies(url: str, headers: Message, body: str) -> None:
    policy = headers["Content-Security-Policy"]
    assert policy, f"{url} has no Content-Security-Policy"
    directives = _directives(policy)
    assert directives["default-src"] == ["'self'"], url
    assert directives["object-src"] == ["'none'"], url
    assert directives["base-uri"] == ["'none'"], url
    assert directives["frame-ancestors"] == ["'none'"], url
    assert directives["form-action"] == ["'self'"], url
    for directive in ("script-src", "style-src"):
        assert "'self'" in directives[directive], url
        assert "'unsafe-inline'" not in directives[directive], f"{url}: {policy}"
        assert "'unsafe-eval'" not in directives[directive], f"{url}: {policy}"
    # A nonce in the page is the one the header allows, and there is none the header does not.
    for nonce in set(re.findall(r'nonce="([^"]+)"', body)):
        assert f"'nonce-{nonce}'" in directives["script-src"], url

    permissions = headers["Permissions-Policy"]
    assert permissions, f"{url} has no Permissions-Policy"
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions.split(", "), f"{url}: {permissions}"
    assert headers["Referrer-Policy"] == "same-origin", url
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url


@pytest.mark.usefixtures("live_record")
def test_every_kind_of_response_carries_the_policies(live_server: Any) -> None:
    client = Client()
    client.force_login(UserFactory.create(role="secretariat"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    seen_html = 0
    for path in PUBLIC + FEEDS_AND_DATA + _workspace():
        status, headers, body = _get(live_server.url + path, session)
        assert status in {200, 404}, f"{path} answered {status}"
        _assert_policies(path, headers, body)
        seen_html += headers.get_content_type() == HTML
    assert seen_html == len(PUBLIC) + len(_workspace())


@pytest.mark.usefixtures("live_record")
def test_script_and_style_nonce_is_new_on_each_response(live_server: Any) -> None:
    """The twin: the pages that need inline code get a fresh nonce, which only they carry."""
    nonces = set()
    for _ in range(2):
        _status, headers, body = _get(live_server.url + "/api/redoc/")
        [nonce] = set(re.findall(r'nonce="([^"]+)"', body))
        assert f"'nonce-{nonce}'" in _directives(headers["Content-Security-Policy"])["style-src"]
        nonces.add(nonce)
    assert len(nonces) == 2
    # A page with no inline code offers no nonce to inject with.
    _status, headers, _body = _get(live_server.url + "/")
    assert "nonce-" not in headers["Content-Security-Policy"]


def test_policy_is_on_in_debug_too(client: Client, record: None, settings: Any) -> None:
    """So that `make run` shows violations while a template is written."""
    settings.DEBUG = True
    policy = _directives(client.get("/en/workstreams/")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]


def test_deploy_check_is_clean_with_production_settings() -> None:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (tests/browser/conftest.py) is no production's.
    test_only = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "a-production-secret-of-fifty-or-more-characters-not-this-one",
            "ALLOWED_HOSTS": "emg.example.org",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
