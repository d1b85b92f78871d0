"""Token authentication for the API: knox's hashed tokens, refused once the password changed."""

import re
from typing import Any

from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

KEY = re.compile(rb"[0-9a-f]{%d}" % knox_settings.AUTH_TOKEN_CHARACTER_LENGTH)


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <key>``: a token of an active user, unexpired, made since the
    user's password last changed."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        # Knox decodes the key as UTF-8 unguarded: a header byte that is not would be a 500.
        # A key is hexadecimal; anything else names no token, and costs no query.
        if not KEY.fullmatch(token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token: Any) -> bool:
        # Knox also sweeps the user's other expired tokens here, a query on every request; they
        # are swept when the user makes a token instead (accounts.services.api_token_create).
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        user = auth_token.user
        if not user.is_active:
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not constant_time_compare(auth_token.password_mark, user.get_session_auth_hash()):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: make a token at /admin/ (API tokens) or "
            "POST /api/v1/tokens/ from a logged-in session.",
        }
