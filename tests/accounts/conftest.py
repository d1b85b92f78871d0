from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    # The test client's response, as django-stubs names it: no such class at run time.
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN = "/admin/login/"
ADDRESS = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(record: None) -> None:
    cache.clear()


def log_in(
    client: Client,
    username: str,
    password: str,
    *,
    code: str = "",
    address: str = ADDRESS,
    **headers: Any,
) -> "TestResponse":
    """The admin's login form, posted from ``address``."""
    data = {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def totp_code(device: TOTPDevice, *, later: int = 0) -> str:
    """The code the authenticator app shows now (or ``later`` steps on)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + later * device.step
    return f"{totp.token():0{device.digits}d}"


def in_workspace(client: Client) -> bool:
    """Whether the client's session opens the workspace itself."""
    response = client.get("/admin/", REMOTE_ADDR=ADDRESS)
    return response.status_code == 200 and b"Updates awaiting review" in response.content
