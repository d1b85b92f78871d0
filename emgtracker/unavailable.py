"""A database that is down, stalled or too slow answers 503, with Retry-After, in seconds.

The connect and statement timeouts (settings: ``DATABASE_CONNECT_TIMEOUT``,
``DATABASE_STATEMENT_TIMEOUT_MS``) turn a stall into an ``OperationalError``: a refused or
timed-out connection, or a statement the server cancelled (``QueryCanceled``). That is the
service being unavailable, not a fault in the request, so the client is told to retry.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from emgtracker.errors import error_body

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.error("The database did not answer: %s", exception, exc_info=exception)
        return unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponseBase:
    message = _("The service is unavailable for a moment. Try again shortly.")
    response: HttpResponseBase
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(503, "unavailable", message), status=503)
    else:
        page = render_to_string("503.html", {"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
