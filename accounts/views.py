"""The workspace's two-factor page: set up an authenticator, see recovery codes once."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import ConfirmDeviceForm
from accounts.services import (
    recovery_codes_renew,
    second_factor_confirm,
    second_factor_required,
    second_factor_start,
)


def two_factor(request: HttpRequest) -> HttpResponse:
    """``/admin/two-factor/``: the login's authenticator, or setting one up."""
    user = request.user
    assert isinstance(user, User)  # admin_view lets only a logged-in staff member in
    context = {
        **admin.site.each_context(request),
        "title": _("Two-factor authentication"),
        "required": second_factor_required(user),
    }
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and request.method == "POST" and is_verified(user):
        codes = recovery_codes_renew(user=user)
        return render(request, "accounts/recovery_codes.html", {**context, "codes": codes})
    if device is not None:
        left = StaticToken.objects.filter(device__user=user).count()
        return render(request, "accounts/two_factor.html", {**context, "codes_left": left})

    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = second_factor_start(user=user)
    form = ConfirmDeviceForm(request.POST or None, device=pending)
    if request.method == "POST" and form.is_valid():
        codes = second_factor_confirm(device=pending)
        otp_login(request, pending)
        return render(request, "accounts/recovery_codes.html", {**context, "codes": codes})
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            **context,
            "form": form,
            "qr_svg": qr_svg(pending.config_url),
            "secret": b32encode(pending.bin_key).decode(),
        },
    )


def qr_svg(text: str) -> str:
    """``text`` as a QR code, an SVG drawn here: no script, no style, nothing fetched."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return mark_safe(svg)  # our own SVG, of our own text
