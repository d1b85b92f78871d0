"""The HTTP exchange of one attempt: a POST over httpx, to the one address that was checked.

The host is resolved once, and every address it resolves to is checked
(``delivery.webhooks.addresses``); the request then goes to that exact address, while the
``Host`` header and the TLS server name (SNI, and the certificate's check) stay the URL's host.
This is httpx's documented way of connecting to an explicit IP address: the request's URL names
the address, the ``Host`` header names the host, and the ``sni_hostname`` request extension
names the host for TLS (https://www.python-httpx.org/advanced/extensions/#sni_hostname).
httpx does no lookup of its own for an address, so DNS cannot swap it between check and connect.

No redirect is followed, no proxy from the environment is used (it would connect to the host by
its name, past the check: ``trust_env=False``, and httpx ignores them beside a transport of one's
own anyway), and
one deadline, ``WEBHOOK_TIMEOUT_SECONDS``, bounds the whole exchange: httpx's own timeouts bound
each read, and a receiver that trickles its answer a byte at a time would never trip them.
"""

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from delivery.webhooks.addresses import AddressRefused, webhook_resolve

MAX_RESPONSE_BYTES = 4 * 1024  # read no more of a response than this
EXCERPT_BYTES = 500  # of which this much is kept in the delivery's error


@dataclass(frozen=True)
class Result:
    status: int | None = None
    error: str = ""
    permanent: bool = False  # no retry can help: the URL is refused

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Deadline:
    """Shuts the connection's socket down once ``seconds`` have passed, whatever it is doing.

    httpx's ``trace`` extension hands over each stream as it is opened
    (https://www.python-httpx.org/advanced/extensions/#trace); the last one's socket is the one
    a timer shuts down.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = threading.Event()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._cut_short)
        self._timer.daemon = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in {"connection.connect_tcp.complete", "connection.start_tls.complete"}:
            self._socket = info["return_value"].get_extra_info("socket")

    def _cut_short(self) -> None:
        self.expired.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def running(self) -> Iterator["_Deadline"]:
        self._timer.start()
        try:
            yield self
        finally:
            self._timer.cancel()


def _host_header(host: str, port: int | None, scheme: str) -> str:
    """The ``Host`` header a client would send for the URL: its host, and a port that is not
    the scheme's own."""
    default = 443 if scheme == "https" else 80
    named = f"[{host}]" if ":" in host else host
    return named if port in (None, default) else f"{named}:{port}"


def _root_cause(error: BaseException) -> BaseException:
    """httpx wraps the socket's error (a refused connection…) twice, and its connection pool
    re-raises the inner one ``from None``; name the one beneath, as Python's socket raised it."""
    while (beneath := error.__cause__ or error.__context__) is not None:
        error = beneath
    return error


def _read_some(response: httpx.Response) -> bytes:
    content = b""
    with contextlib.suppress(httpx.HTTPError, OSError):  # the status is what counts
        for chunk in response.iter_raw():
            content += chunk
            if len(content) >= MAX_RESPONSE_BYTES:
                break
    return content[:MAX_RESPONSE_BYTES]


def _outcome(status: int, reason: str, content: bytes) -> Result:
    if 200 <= status < 300:
        return Result(status=status)
    error = f"HTTP {status} {reason}".strip()
    if 300 <= status < 400:
        error += " " + _("(redirects are not followed: register the final URL)")
    excerpt = content[:EXCERPT_BYTES].decode("utf-8", "replace").strip()
    return Result(status=status, error=f"{error}: {excerpt}" if excerpt else error)


def _timed_out(seconds: float) -> Result:
    return Result(error=_("Timed out after %(seconds)g s.") % {"seconds": seconds})


def _exchange(url: httpx.URL, *, host: str, body: bytes, headers: dict[str, str]) -> Result:
    """POST to ``url`` (whose host is the checked address) as ``host``, within the deadline."""
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    deadline = _Deadline(timeout)
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(), retries=0)
    client = httpx.Client(
        transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
    )
    extensions = {"sni_hostname": host, "trace": deadline.trace}
    try:
        with client, deadline.running():
            stream = client.stream(
                "POST", url, content=body, headers=headers, extensions=extensions
            )
            with stream as response:
                content = _read_some(response)
    except (httpx.HTTPError, OSError) as failure:
        if deadline.expired.is_set() or isinstance(failure, httpx.TimeoutException):
            return _timed_out(timeout)
        cause = _root_cause(failure)
        return Result(error=f"{type(cause).__name__}: {cause}")
    if deadline.expired.is_set():  # cut short in the headers, which then seemed to end
        return _timed_out(timeout)
    return _outcome(response.status_code, response.reason_phrase, content)


def webhook_post(url: str, body: bytes, headers: dict[str, str]) -> Result:
    """POST ``body`` to ``url``, never following a redirect, within one deadline overall."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return Result(error=_("Not sent: only http and https URLs are called."), permanent=True)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = webhook_resolve(parts.hostname, port)
        pinned = httpx.URL(url).copy_with(host=address, port=port)
    except AddressRefused as refused:
        return Result(error=str(refused), permanent=True)
    except (ValueError, httpx.InvalidURL) as bad:  # a port out of range
        return Result(error=_("Not sent: %(error)s") % {"error": bad}, permanent=True)
    except OSError as unreachable:
        return Result(error=str(unreachable))
    host = _host_header(parts.hostname, parts.port, parts.scheme)
    return _exchange(pinned, host=parts.hostname, body=body, headers={**headers, "Host": host})
