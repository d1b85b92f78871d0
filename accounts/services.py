"""Writes about logins: API tokens and the second factor."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.settings import knox_settings

from accounts.models import ApiToken

RECOVERY_CODES = 10


def api_token_create(
    *, user: User, name: str, lifetime: datetime.timedelta | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it and its key, which is stored only as a hash and
    cannot be shown again. It lives ``lifetime``, at most the configured TOKEN_TTL."""
    longest: datetime.timedelta = knox_settings.TOKEN_TTL
    lifetime = min(lifetime or longest, longest)
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one count at a time
        ApiToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
        if limit is not None and ApiToken.objects.filter(user=user).count() >= limit:
            raise ValidationError(
                _("You have %(limit)d tokens, the most one login may hold: revoke one first.")
                % {"limit": limit},
                code="invalid",
            )
        token, key = ApiToken.objects.create(
            user=user,
            expiry=lifetime,
            name=name,
            password_mark=user.get_session_auth_hash(),
        )
    return token, key


@transaction.atomic
def second_factor_start(*, user: User) -> TOTPDevice:
    """An authenticator for ``user``, unconfirmed until a code from it is given; replaces an
    earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def second_factor_confirm(*, device: TOTPDevice) -> list[str]:
    """Make ``device`` the user's authenticator, in place of any other, with fresh recovery
    codes; returns the codes, which are shown once."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New single-use recovery codes for ``user``, in place of the old ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_setup(*, user: User) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator and recovery codes for ``user`` at once (``create_user
    --totp``): the caller hands over the device's URI."""
    with transaction.atomic():
        device = second_factor_start(user=user)
        return device, second_factor_confirm(device=device)


def second_factor_required(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor (settings.OTP_REQUIRED_FOR_ROLES)."""
    required = set(settings.OTP_REQUIRED_FOR_ROLES)
    if not (required and user.is_authenticated):
        return False
    if user.is_superuser and "superuser" in required:
        return True
    return user.groups.filter(name__in=required).exists()
