"""Requests refused before any view reads them.

- A NUL byte in the path names nothing (and PostgreSQL refuses one even in the query that
  would look it up): 404.
- An API body is JSON of a few kilobytes; one larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is
  refused from its ``Content-Length`` before a byte of it is read: 413 (``emgtracker.rest.bad_request``).
  A meeting report uploaded to ``/api/v1/intakes/`` may be as large as a report is
  (``INTAKE_MAX_FILE_BYTES``, and the form around it). Django applies the same limit to form
  bodies elsewhere; file uploads have their own limits.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponseBase


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path:
            raise Http404("A NUL byte in the path.")
        if request.path.startswith("/api/") and _content_length(request) > _api_body_limit(request):
            raise RequestDataTooBig("The request body is larger than the API takes.")
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


# The multipart form around an uploaded report: its boundaries, headers and other fields.
FORM_AROUND_A_FILE = 64 * 1024


def _api_body_limit(request: HttpRequest) -> int:
    if request.path == "/api/v1/intakes/":
        return int(settings.INTAKE_MAX_FILE_BYTES) + FORM_AROUND_A_FILE
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit if limit is not None else 2**63
