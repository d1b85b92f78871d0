"""Each request's id, client address and user, for every log line written while it runs.

An incoming ``X-Request-ID`` (from the proxy or the caller) is kept when it is short and plain,
so that one id follows a request across services; anything else is replaced by a fresh id.
The id is echoed in the response's ``X-Request-ID`` header.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

from emgtracker import logs
from emgtracker.client import client_address

SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

logger = logging.getLogger("emgtracker.request")


def request_id_for(request: HttpRequest) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    return incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.monotonic()
        # Not reset on the way out: Django logs a 4xx or 5xx after the middleware has returned.
        # The signals below clear them between requests.
        request_id = request_id_for(request)
        logs.request_id.set(request_id)
        logs.client_address.set(client_address(request))
        logs.current_request.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_started)
@receiver(request_finished)
def _forget_request(**kwargs: object) -> None:
    logs.request_id.set(None)
    logs.client_address.set(None)
    logs.current_request.set(None)
