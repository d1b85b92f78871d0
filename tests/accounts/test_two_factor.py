"""The second factor: TOTP with recovery codes, required of the secretariat when the setting says."""

import datetime
import re
from base64 import b32decode
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import second_factor_setup
from tests.accounts.conftest import ADDRESS, in_workspace, log_in, totp_code
from tests.factories import PASSWORD, UserFactory

SETUP = "/admin/two-factor/"


@pytest.fixture
def enforced(settings: Any) -> None:
    settings.OTP_REQUIRED_FOR_ROLES = ["secretariat", "superuser"]


@pytest.fixture
def optional(settings: Any) -> None:
    settings.OTP_REQUIRED_FOR_ROLES = []


def _enrolled(username: str = "amina", role: str = "secretariat") -> tuple[TOTPDevice, list[str]]:
    return second_factor_setup(user=UserFactory.create(username=username, role=role))


@pytest.mark.usefixtures("enforced")
def test_enforced_the_password_alone_does_not_reach_the_workspace() -> None:
    _enrolled()
    client = Client()
    response = log_in(client, "amina", PASSWORD)
    assert response.status_code == 200
    assert "This login has two-factor authentication: enter the code as well." in (
        response.content.decode()
    )
    assert not in_workspace(client)

    wrong = log_in(client, "amina", PASSWORD, code="000000")
    assert "That code is wrong or was used already." in wrong.content.decode()
    assert not in_workspace(client)


@pytest.mark.usefixtures("enforced")
def test_enforced_the_password_and_the_code_reach_the_workspace() -> None:
    device, _codes = _enrolled()
    client = Client()
    assert log_in(client, "amina", PASSWORD, code=totp_code(device)).status_code == 302
    assert in_workspace(client)


@pytest.mark.usefixtures("enforced")
def test_a_recovery_code_works_once() -> None:
    _device, codes = _enrolled()
    client = Client()
    assert log_in(client, "amina", PASSWORD, code=codes[0]).status_code == 302
    assert in_workspace(client)

    again = Client()
    assert log_in(again, "amina", PASSWORD, code=codes[0]).status_code == 200
    assert not in_workspace(again)
    # django-otp makes a device wait after a wrong code: 1 s, then twice as long each time.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        assert log_in(again, "amina", PASSWORD, code=codes[1]).status_code == 302


@pytest.mark.usefixtures("enforced")
def test_wrong_codes_count_towards_the_lockout(settings: Any, caplog: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    device, _codes = _enrolled()
    client = Client()
    for n in range(2):
        log_in(client, "amina", PASSWORD, code=f"00000{n}")
    assert log_in(client, "amina", PASSWORD, code="000009").status_code == 429
    assert log_in(client, "amina", PASSWORD, code=totp_code(device)).status_code == 429
    outcomes = [r.outcome for r in caplog.records if r.name == "emgtracker.auth"]
    assert outcomes[:2] == ["second_factor_failed", "second_factor_failed"]


@pytest.mark.usefixtures("enforced")
def test_enforced_a_secretariat_without_a_device_is_sent_to_enrol_first() -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    assert log_in(client, "amina", PASSWORD).status_code == 302
    for path in ["/admin/", "/admin/workstreams/progressupdate/", "/admin/password_change/"]:
        response = client.get(path, REMOTE_ADDR=ADDRESS)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP
    api = client.get("/api/v1/tokens/", REMOTE_ADDR=ADDRESS)
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"


@pytest.mark.usefixtures("enforced")
def test_enforced_other_roles_may_but_need_not_have_a_second_factor() -> None:
    UserFactory.create(username="paris", role="focal_point", entity="UNESCO")
    client = Client()
    assert log_in(client, "paris", PASSWORD).status_code == 302
    assert in_workspace(client)


@pytest.mark.usefixtures("optional")
def test_optional_a_secretariat_without_a_device_works_as_before() -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    assert log_in(client, "amina", PASSWORD).status_code == 302
    assert in_workspace(client)
    # The second factor is offered.
    assert client.get(SETUP, REMOTE_ADDR=ADDRESS).status_code == 200


@pytest.mark.usefixtures("optional")
def test_optional_a_login_with_a_device_still_needs_its_code() -> None:
    device, _codes = _enrolled()
    client = Client()
    assert log_in(client, "amina", PASSWORD).status_code == 200
    assert not in_workspace(client)
    assert log_in(client, "amina", PASSWORD, code=totp_code(device)).status_code == 302
    assert in_workspace(client)


@pytest.mark.usefixtures("enforced")
def test_enrolment_shows_a_qr_code_confirms_a_code_then_shows_recovery_codes_once() -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    log_in(client, "amina", PASSWORD)

    page = client.get(SETUP, REMOTE_ADDR=ADDRESS)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your role must sign in with a second factor." in html
    assert '<div class="emg-qr"><svg' in html
    # Drawn here, no script or style of its own (the Content-Security-Policy allows neither).
    assert " style=" not in html
    assert "<script>" not in html
    secret = re.search(r'<code class="emg-secret">([A-Z2-7]+)</code>', html)
    assert secret is not None
    device = TOTPDevice.objects.get(user__username="amina", confirmed=False)
    assert b32decode(secret.group(1)) == device.bin_key
    # A reload shows the same key, so that a scanned code stays good.
    assert secret.group(1) in client.get(SETUP, REMOTE_ADDR=ADDRESS).content.decode()

    wrong = client.post(SETUP, {"otp_token": "000000"}, REMOTE_ADDR=ADDRESS)
    assert "That code is wrong." in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user__username="amina", confirmed=True).exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        done = client.post(SETUP, {"otp_token": totp_code(device)}, REMOTE_ADDR=ADDRESS)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert "they are shown only now" in done.content.decode()
    assert in_workspace(client)  # this session gave its code

    status = client.get(SETUP, REMOTE_ADDR=ADDRESS).content.decode()
    assert "Two-factor authentication is on" in status
    assert "10 recovery codes left." in status
    assert not any(code in status for code in codes)

    # Next time, the password and a recovery code.
    client.logout()
    assert log_in(client, "amina", PASSWORD, code=codes[3]).status_code == 302
    assert in_workspace(client)


def test_create_user_totp_prints_an_otpauth_uri_whose_codes_log_in(
    monkeypatch: Any, capsys: Any
) -> None:
    monkeypatch.setenv("EMG_PASSWORD", "correct-horse-battery")
    call_command("create_user", "amina", "--role", "secretariat", "--totp")
    out = capsys.readouterr().out
    uris = [line for line in out.splitlines() if line.startswith("otpauth://")]
    assert len(uris) == 1
    uri = urlparse(uris[0])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/EMG Workstream Tracker:amina"
    query = parse_qs(uri.query)
    assert query["issuer"] == ["EMG Workstream Tracker"]
    assert query["digits"] == ["6"]
    assert query["period"] == ["30"]
    assert "secret" in query
    codes = out.split("Recovery codes, each good once:\n")[1].split()
    assert len(codes) == 10

    # An authenticator app fed the URI's secret makes codes the login accepts.
    code = f"{TOTP(b32decode(query['secret'][0])).token():06d}"
    client = Client()
    assert log_in(client, "amina", "correct-horse-battery", code=code).status_code == 302
    assert in_workspace(client)


def test_create_user_without_totp_sets_up_no_device(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setenv("EMG_PASSWORD", "correct-horse-battery")
    call_command("create_user", "amina", "--role", "secretariat")
    assert "otpauth://" not in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=User.objects.get(username="amina")).exists()
