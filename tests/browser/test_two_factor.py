"""Two-factor authentication in a real browser: enrol when the role must, then log in with a code."""

import datetime
from base64 import b32decode
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("live_record")


def _code(secret: str, *, steps_on: int = 0) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = totp.time + steps_on * 30
    return f"{totp.token():06d}"


def test_a_secretariat_enrols_then_logs_in_with_a_code(page: Page, settings: Any) -> None:
    settings.OTP_REQUIRED_FOR_ROLES = ["secretariat"]
    UserFactory.create(username="geneva", role="secretariat")

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("geneva")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Sent to set up the second factor before anything else.
    page.wait_for_url("**/admin/two-factor/")
    expect(page.locator(".errornote")).to_contain_text(
        "Your role must sign in with a second factor"
    )
    expect(page.locator(".emg-qr svg")).to_be_visible()
    secret = page.locator(".emg-secret").inner_text()
    page.get_by_label("Code from the app").fill(_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".emg-codes li").count() == 10
    page.get_by_role("link", name="On to the workspace").click()
    page.get_by_role("heading", name="Workspace").wait_for()

    page.get_by_role("button", name="Log out").click()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("geneva")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_contain_text("enter the code as well")

    # A code of the next period: the one just used is spent.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        page.get_by_label("Password").fill(PASSWORD)
        page.locator("#id_otp_token").fill(_code(secret, steps_on=1))
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="Workspace").wait_for()
