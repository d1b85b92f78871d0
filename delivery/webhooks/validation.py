"""What a subscription may hold: its URL, its secret and its events. The one place these are
checked: the model's fields name ``webhook_url_validate`` and ``webhook_secret_validate`` as
their validators, and the API's serializer, the admin's form (through the model's validation)
and the services run those same two, with the same messages.

This module imports nothing of the apps, so that ``workstreams.models`` can name its validators.
"""

import base64
import re
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from delivery.webhooks.addresses import webhook_address_allowed, webhook_host_literal

# The URLs a subscription may call: http or https, a host name, ``localhost`` or an IPv4
# address, a port from 1 to 65535, and a printable ASCII path and query. No user name or
# password, no IPv6 literal. Every URL this matches passes Django's URLValidator as well; the
# OpenAPI schema publishes it as the field's pattern, so the API refuses what the schema says it
# refuses, and, where private addresses are not allowed, a literal private address besides.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"
_IPV4_PART = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
URL_PATTERN = (
    r"^https?://"
    rf"(?:localhost|{_IPV4_PART}(?:\.{_IPV4_PART}){{3}}|(?:{_LABEL}\.){{1,4}}[a-z]{{2,24}})"
    rf"(?::{_PORT})?"
    r"(?:[/?][!-~]*)?$"
)
_URL_RE = re.compile(URL_PATTERN)
URL_MAX_LENGTH = 500  # WebhookSubscription.url's max_length

# A secret, in the Standard Webhooks form: ``whsec_`` and the base64 of 24 to 64 bytes, which
# are the HMAC key. The pattern admits exactly those (it is the API field's published pattern).
SECRET_PREFIX = "whsec_"
_B64 = "[A-Za-z0-9+/]"
SECRET_PATTERN = (
    rf"^{SECRET_PREFIX}(?:(?:{_B64}{{4}}){{8,21}}(?:{_B64}{{2}}==)?"
    rf"|(?:{_B64}{{4}}){{8,20}}{_B64}{{3}}=)$"
)
SECRET_HELP = "whsec_ followed by the base64 of 24 to 64 random bytes"
SECRET_MAX_LENGTH = 150  # WebhookSubscription.secret's max_length


def _url_host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unbalanced bracket
        return ""


def webhook_url_validate(url: str) -> None:
    """Refuse a URL a subscription may not call (see ``URL_PATTERN``), and, unless private
    addresses are allowed, one whose host is itself a private address, however it is spelt."""
    host = _url_host(url)
    literal = webhook_host_literal(host)
    if literal is not None and not webhook_address_allowed(str(literal)):
        raise ValidationError(
            _(
                "%(host)s is a private, loopback or reserved address: webhooks call only "
                "public addresses."
            )
            % {"host": host},
            code="private_address",
        )
    if len(url) > URL_MAX_LENGTH or not _URL_RE.fullmatch(url):
        raise ValidationError(
            _(
                "Give an http:// or https:// URL with a host name (or localhost, or an IPv4 "
                "address as four decimal numbers), an optional port, path and query, in "
                "printable ASCII, with no user name or password."
            ),
            code="invalid_url",
        )
    URLValidator(schemes=["http", "https"])(url)


@deconstructible(path="delivery.webhooks.validation.WebhookSecretValidator")
class WebhookSecretValidator(RegexValidator):
    """A secret in the Standard Webhooks form. A ``RegexValidator``, so that the OpenAPI schema
    publishes ``SECRET_PATTERN`` as the API field's pattern."""

    regex = SECRET_PATTERN
    message = gettext_lazy("Give whsec_ followed by the base64 of 24 to 64 random bytes.")
    code = "invalid_secret"


webhook_secret_validate = WebhookSecretValidator()


def webhook_secret_generate() -> str:
    """A new secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
