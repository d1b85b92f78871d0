"""Who is asking: the client's address, as the trusted proxies in front of us report it."""

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request


def client_address(request: HttpRequest | Request) -> str:
    """The address of the client that sent ``request``.

    Only the last ``NUM_PROXIES`` entries of ``X-Forwarded-For`` were written by proxies we run;
    anything before them is whatever the client chose to send. With no proxy (0) the header is
    ignored and the peer of the TCP connection is the client. This is DRF's rule
    (``BaseThrottle.get_ident``), so the throttles, the logs and the lockout agree.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies: int = settings.NUM_PROXIES
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in str(forwarded).split(",")]
    return hops[-min(proxies, len(hops))] or remote
