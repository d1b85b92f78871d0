"""Who signed in, who failed, who was locked out: the login log, the client's address and the
lockout answer (docs/workspace.md#logins)."""

import datetime
import logging
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Max, Q
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from emgtracker.client import client_address

log = logging.getLogger("emgtracker.auth")


def lockout_end(request: HttpRequest, username: str) -> datetime.datetime:
    """When the lockout of ``username`` or of the request's address ends."""
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    latest = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address=client_address(request))
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + cool_off


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The answer to a login while locked out: a page saying until when."""
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")
    until = lockout_end(request, username)
    wait = max(60, int((until - timezone.now()).total_seconds()))
    message = _(
        "Too many failed logins for this account or from this address. "
        "Try again after %(time)s UTC (in about %(minutes)d minutes)."
    ) % {"time": until.strftime("%H:%M"), "minutes": (wait + 59) // 60}
    # Only the admin's form logs in with a password: the API takes tokens and sessions.
    context = {"message": message, "until": until}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _log(level: int, outcome: str, username: str, address: str) -> None:
    # In the message for a plain log, and as fields for a structured one. Never the password.
    log.log(
        level,
        "login %s: username=%r address=%s",
        outcome,
        username,
        address,
        extra={"outcome": outcome, "username": username, "client_address": address},
    )


@receiver(user_logged_in)
def _logged_in(sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    outcome = "succeeded" if getattr(user, "otp_device", None) is None else "succeeded_2fa"
    _log(logging.INFO, outcome, user.get_username(), client_address(request) if request else "")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has masked the password in ``credentials``; only the username is logged. A wrong
    # second factor is sent as a failed login too, so that django-axes counts it.
    outcome = kwargs.get("outcome", "failed")
    username = str(credentials.get("username", ""))
    _log(logging.WARNING, outcome, username, client_address(request) if request else "")


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    _log(logging.WARNING, "locked_out", str(username or ""), ip_address)
