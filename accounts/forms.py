"""The admin's login form, with the second factor, and the authenticator's confirmation."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_HELP = _("From your authenticator app, or one of your recovery codes.")


class LoginForm(AdminAuthenticationForm):
    """Username and password, then, for a login that has a second factor, its code."""

    otp_token = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=16,
        help_text=CODE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_missing": _("This login has two-factor authentication: enter the code as well."),
        "code_wrong": _("That code is wrong or was used already. Enter a new code."),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not any(devices_for_user(user, confirmed=True)):
            return
        code = "".join(self.cleaned_data.get("otp_token", "").split())
        if not code:
            raise ValidationError(self.error_messages["code_missing"], code="code_missing")
        device = match_token(user, code)
        if device is None:
            # A failed login to django-axes too, so that codes cannot be guessed without limit.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
                outcome="second_factor_failed",
            )
            raise ValidationError(self.error_messages["code_wrong"], code="code_wrong")
        # django-otp marks the session verified when Django logs the user in: it reads this
        # attribute, which the User model does not declare.
        setattr(user, "otp_device", device)  # noqa: B010


class ConfirmDeviceForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self) -> str:
        code = "".join(self.cleaned_data["otp_token"].split())
        if not self.device.verify_token(code):
            raise ValidationError(_("That code is wrong. Enter the code the app shows now."))
        return code
