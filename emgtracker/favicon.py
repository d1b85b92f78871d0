"""``/favicon.ico``: browsers ask for it whatever the page's ``<link rel="icon">`` says; it
sends them on to the site's icon (static/img/favicon.svg) rather than a 404."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe

FAVICON = "img/favicon.svg"


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Named at the request: the static storage may add a hash to the file's name.
    return HttpResponsePermanentRedirect(static(FAVICON))
