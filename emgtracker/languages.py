"""Which language a request is answered in (docs/languages.md).

Pages carry theirs in the address (``/fr/…``); Django's LocaleMiddleware reads it, and sends
an address without one to the visitor's language by ``Accept-Language``. The API and the admin
have no prefix: they follow ``Accept-Language``, and the API also ``?lang=``, which wins. Every
answer says its language in ``Content-Language``.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from emgtracker.errors import error_body

API_PREFIX = "/api/"
LANGUAGE_PARAMETER = "lang"


def supported_language(code: str) -> str | None:
    """The language of ours that ``code`` names (``zh-Hans``, ``fr-CA`` …), or None."""
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


class LanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware, with the API's ``?lang=`` before the visitor's own languages."""

    def process_request(self, request: HttpRequest) -> HttpResponseBase | None:  # type: ignore[override]
        asked = request.GET.get(LANGUAGE_PARAMETER)
        if asked is None or not request.path.startswith(API_PREFIX):
            super().process_request(request)
            return None
        language = supported_language(asked) if asked else None
        if language is None:
            # Refused in the visitor's own language, if it is one of ours.
            super().process_request(request)
            codes = ", ".join(code for code, _name in settings.LANGUAGES)
            message = _("Unknown language; use one of: %(codes)s.") % {"codes": codes}
            body = error_body(400, "invalid", message, {LANGUAGE_PARAMETER: [message]})
            return JsonResponse(body, status=400)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return None
