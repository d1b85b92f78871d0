"""Logins resist guessing: a lockout per account and per address, and every attempt logged."""

import datetime
import logging
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from emgtracker.client import client_address
from tests.accounts.conftest import ADDRESS, in_workspace, log_in
from tests.factories import PASSWORD, UserFactory

LOCKED = "Too many failed logins for this account or from this address."


def test_twenty_wrong_passwords_lock_the_account_until_the_lockout_ends(settings: Any) -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    answers = [log_in(client, "amina", f"guess-{n}").status_code for n in range(20)]

    limit = settings.AXES_FAILURE_LIMIT
    assert limit <= 20
    # Refused with the form until the limit, then locked out.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert answers[limit - 1 :] == [429] * (21 - limit)

    right = log_in(client, "amina", PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED in page
    assert "Try again after" in page
    assert int(right["Retry-After"]) > 0
    assert not in_workspace(client)

    # From another address too: the account itself is locked.
    assert log_in(Client(), "amina", PASSWORD, address="198.51.100.9").status_code == 429

    with time_machine.travel(
        timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    ):
        assert log_in(client, "amina", PASSWORD).status_code == 302
        assert in_workspace(client)


def test_the_right_password_logs_in_and_a_few_mistakes_do_not_lock() -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    for n in range(3):
        refused = log_in(client, "amina", f"typo-{n}")
        assert refused.status_code == 200
        assert "Please enter the correct username and password" in refused.content.decode()
    response = log_in(client, "amina", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert in_workspace(client)


def test_one_address_guessing_many_accounts_is_locked_out(settings: Any) -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"someone-{n}", "guess")

    # Even a right password, for an account never tried, from that address.
    response = log_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # The twin: the account itself is not locked, and logs in from elsewhere.
    elsewhere = Client()
    assert log_in(elsewhere, "amina", PASSWORD, address="198.51.100.9").status_code == 302
    assert in_workspace(elsewhere)


def test_a_new_x_forwarded_for_each_time_does_not_escape_the_address_lockout(settings: Any) -> None:
    assert settings.NUM_PROXIES == 0
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"someone-{n}", "guess", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = log_in(client, "amina", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "10.0.0.1", ADDRESS),  # no trusted proxy: the header names nobody
        (1, "10.0.0.1", "10.0.0.1"),  # one proxy: the address it saw
        (1, "6.6.6.6, 10.0.0.1", "10.0.0.1"),  # what the client wrote before it is ignored
        (2, "6.6.6.6, 10.0.0.1, 10.0.0.2", "10.0.0.1"),
        (1, "", ADDRESS),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies(
    settings: Any, proxies: int, forwarded: str, address: str
) -> None:
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/en/", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == address


def _records(caplog: Any) -> list[tuple[str, str, str]]:
    return [
        (r.outcome, r.username, r.client_address)
        for r in caplog.records
        if r.name == "emgtracker.auth"
    ]


def test_logins_failures_and_lockouts_are_logged_without_the_password(
    caplog: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory.create(username="amina", role="secretariat")
    caplog.set_level(logging.INFO, logger="emgtracker.auth")

    assert log_in(Client(), "amina", PASSWORD).status_code == 302
    for _ in range(3):
        log_in(Client(), "paris", "not-my-password-Secret1")

    assert _records(caplog) == [
        ("succeeded", "amina", ADDRESS),
        ("failed", "paris", ADDRESS),
        ("failed", "paris", ADDRESS),
        # django-axes, which hears of the failure first, locks out on the third.
        ("locked_out", "paris", ADDRESS),
        ("failed", "paris", ADDRESS),
    ]
    assert "login failed: username='paris' address=203.0.113.7" in caplog.text
    assert "not-my-password-Secret1" not in caplog.text
    assert PASSWORD not in caplog.text
    for record in caplog.records:
        assert "not-my-password-Secret1" not in str(vars(record))
