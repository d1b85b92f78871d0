"""A login that must have a second factor and has not given one reaches only its enrolment."""

from collections.abc import Callable

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.middleware import is_verified

from accounts.services import second_factor_required
from emgtracker.errors import error_body


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and second_factor_required(user)
            and not self._exempt(request.path)
        ):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = [reverse("admin:two_factor_setup"), reverse("admin:logout")]
        return path in allowed or path.startswith("/static/")

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            message = _("Set up two-factor authentication in the workspace (/admin/) first.")
            return JsonResponse(error_body(403, "second_factor_required", message), status=403)
        if user_has_device(request.user):
            # Logged in before a device was confirmed elsewhere: sign in again, with the code.
            logout(request)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return redirect("admin:two_factor_setup")
