"""What goes on the wire: answers compressed where that is safe, and no body for HEAD.

Compression is Django's GZipMiddleware, which since Django 4.2 pads each compressed body with
up to 100 random bytes ("Heal the Breach"), so that its length no longer tells an attacker
whether a guess matched a secret in the page (BREACH); docs/security.md says why that and the
SameSite cookies and masked CSRF tokens are enough here. Only text we write is compressed: the
static files are whitenoise's, compressed once at collectstatic.

A HEAD request runs the view as GET does (Django answers it with the GET view), so its answer
has the GET's headers; the body is dropped here, whatever the server in front does with it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.middleware.gzip import GZipMiddleware

# Text that compresses well: pages, JSON, CSV, feeds, the calendar, the OpenAPI schema.
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/vnd.oai.openapi")
COMPRESSIBLE_SUFFIXES = ("+json", "+xml")


def compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(COMPRESSIBLE) or media_type.endswith(COMPRESSIBLE_SUFFIXES)


class CompressionMiddleware(GZipMiddleware):
    """gzip for the text answers (HTML, JSON, CSV, feeds), with Django's BREACH mitigation."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not compressible(response.get("Content-Type", "")):
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed


class HeadMiddleware:
    """No body in the answer to HEAD: the headers stay those of GET, Content-Length included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method != "HEAD":
            return response
        if isinstance(response, StreamingHttpResponse):
            # The streamed file or generator is closed with the response; its length is
            # known only where the response said so (a FileResponse does).
            response.streaming_content = iter(())
        elif isinstance(response, HttpResponse):
            if response.content and not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
