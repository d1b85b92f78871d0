"""The API's documentation pages, Swagger UI and ReDoc, under the site's Content-Security-Policy.

Both are served from drf_spectacular_sidecar (nothing from a CDN) with our templates in
templates/drf_spectacular/, which give their set-up scripts the request's nonce. Each view adds to
the site's policy (settings.CONTENT_SECURITY_POLICY) only what its library was seen to need in
tests/browser/test_csp.py; docs/configuration.md explains each addition.
"""

import functools
import hashlib
from pathlib import Path
from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response


# Both pages are in the request's language (Accept-Language, or ?lang=): their <html lang> and
# dir, and their title. The libraries' own words (Swagger UI's "Try it out") stay English.
def _docs_title() -> str:
    return gettext("EMG Workstream Tracker API: documentation")


# Both draw their icons as SVG data: URLs in their style sheets.
DATA_IMAGES = "data:"

# ReDoc's bundle writes perfect-scrollbar's style sheet into a <style> element while it loads,
# before it can be given the nonce: first empty, then filled. These are the SHA-256 of those two
# contents in drf-spectacular-sidecar's ReDoc; a new ReDoc with other contents fails
# tests/browser/test_csp.py with the hash to put here.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # the empty element
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar 1.5
]
# ReDoc's search index runs in a worker made from a blob: URL.
REDOC_WORKERS = [SELF, "blob:"]
# ReDoc's sidebar shows Redocly's logo from their CDN, with no option to turn it off. Nothing may
# load from another host, so the bundle is served with that address turned into one of ours.
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_LOGO_HERE = "img/redoc-logo.svg"


@method_decorator(csp_update({"img-src": [DATA_IMAGES]}), name="dispatch")
class SwaggerView(SpectacularSwaggerView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.title = _docs_title()
        response: Response = super().get(request, *args, **kwargs)
        # drf-spectacular opens the page to other windows for Swagger's OAuth2 pop-up, which
        # this API does not use: SecurityMiddleware sets the site's same-origin instead.
        del response.headers["Cross-Origin-Opener-Policy"]
        return response


@method_decorator(
    csp_update(
        {
            "img-src": [DATA_IMAGES],
            "style-src": REDOC_STYLE_HASHES,
            "worker-src": REDOC_WORKERS,
        }
    ),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.title = _docs_title()
        response: Response = super().get(request, *args, **kwargs)
        return response

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("api-redoc-bundle")


@functools.cache
def _redoc_bundle() -> tuple[bytes, str]:
    """The sidecar's ReDoc, its logo address pointing here, and the ETag of that text."""
    path = finders.find(REDOC_BUNDLE)
    if not isinstance(path, str):
        raise ImproperlyConfigured(
            f"{REDOC_BUNDLE} is missing: is drf-spectacular-sidecar installed?"
        )
    source = Path(path).read_text(encoding="utf-8")
    if source.count(REDOC_LOGO) != 1:
        # A new ReDoc moved the logo: find where it loads it from now, or it loads from the CDN.
        raise ImproperlyConfigured(f"{REDOC_BUNDLE} no longer names {REDOC_LOGO} once.")
    body = source.replace(REDOC_LOGO, static(REDOC_LOGO_HERE)).encode()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@require_safe
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    body, etag = _redoc_bundle()
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=86400"
    return response
