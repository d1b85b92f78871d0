"""The API's documentation pages, Swagger UI and ReDoc, under the site's Content-Security-Policy.

Both are served from drf_spectacular_sidecar (nothing from a CDN) with our templates in
templates/drf_spectacular/, which give their set-up scripts the request's nonce. Each view adds to
the site's policy (settings.CONTENT_SECURITY_POLICY) only what its library was seen to need in
tests/browser/test_csp.py; docs/configuration.md explains each addition.
"""

from typing import Any

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

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
# ReDoc's sidebar shows Redocly's logo from their CDN, with no option to turn it off: the one
# thing on the site loaded from another host. Only that file, and only on this page.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@method_decorator(csp_update({"img-src": [DATA_IMAGES]}), name="dispatch")
class SwaggerView(SpectacularSwaggerView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().get(request, *args, **kwargs)
        # drf-spectacular opens the page to other windows for Swagger's OAuth2 pop-up, which
        # this API does not use: SecurityMiddleware sets the site's same-origin instead.
        del response.headers["Cross-Origin-Opener-Policy"]
        return response


@method_decorator(
    csp_update(
        {
            "img-src": [DATA_IMAGES, REDOC_LOGO],
            "style-src": REDOC_STYLE_HASHES,
            "worker-src": REDOC_WORKERS,
        }
    ),
    name="dispatch",
)
class RedocView(SpectacularRedocView):
    pass
