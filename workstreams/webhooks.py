"""Webhooks: an API consumer's URL, called with a signed JSON body when one of its events happens.

``webhook_event_emit`` writes one ``WebhookDelivery`` per listening subscription in the
caller's transaction and hands each to the outbox. The task ``workstreams.webhook_deliver``
(workstreams/tasks.py) calls ``webhook_deliver``, which makes one attempt and records it; Celery
retries a failure with exponential backoff. A subscription whose deliveries keep failing is
paused; ``webhook_subscription_resume`` lifts the pause. ``webhook_deliveries_resend`` (beat)
sends again any delivery whose retry was lost with its worker or its broker.

The API (``/api/v1/webhooks/``) and the admin manage subscriptions through these functions.
Each attempt is signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), so that a receiver can refuse a replayed one. Delivery is *at least
once*: a receiver de-duplicates by the ``webhook-id``, the same for every attempt at a delivery.
See docs/webhooks.md.
"""

import base64
import contextlib
import datetime
import enum
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import re
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting
from workstreams import outbox
from workstreams.models import (
    DeliveryState,
    ProgressUpdate,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    Workstream,
)

logger = logging.getLogger(__name__)

WEBHOOK_MAX_RESPONSE_BYTES = 64 * 1024  # read no more of a response than this

DELIVER_TASK = "workstreams.webhook_deliver"
RESEND_TASK = "workstreams.webhook_deliveries_resend"
USER_AGENT = "EMG-Workstream-Tracker-Webhooks/1"


def webhook_retry_countdown(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: 30 s, 1, 2, 4, 8 min… ≤ 1 h."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    wait: float = base * 2 ** max(attempts - 1, 0)
    return min(wait, float(settings.WEBHOOK_RETRY_MAX_SECONDS))


# Services: the URL ----------------------------------------------------------------------------

# The URLs a subscription may call: http or https, a host name, ``localhost`` or an IPv4
# address, a port from 1 to 65535, and a printable ASCII path and query. No user name or
# password, no IPv6 literal. Every URL this matches passes Django's URLValidator as well; the
# OpenAPI schema publishes it as the field's pattern, so the API refuses what the schema says it
# refuses, and, where private addresses are not allowed, a literal private address besides.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"
_IPV4_PART = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_PORT = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
URL_PATTERN = (
    r"^https?://"
    rf"(?:localhost|{_IPV4_PART}(?:\.{_IPV4_PART}){{3}}|(?:{_LABEL}\.){{1,4}}[a-z]{{2,24}})"
    rf"(?::{_PORT})?"
    r"(?:[/?][!-~]*)?$"
)
_URL_RE = re.compile(URL_PATTERN)
URL_MAX_LENGTH = WebhookSubscription._meta.get_field("url").max_length or 500

# A secret, in the Standard Webhooks form: ``whsec_`` and the base64 of 24 to 64 bytes, which
# are the HMAC key. The pattern admits exactly those (it is the API field's published pattern).
SECRET_PREFIX = "whsec_"
_B64 = "[A-Za-z0-9+/]"
SECRET_PATTERN = (
    rf"^{SECRET_PREFIX}(?:(?:{_B64}{{4}}){{8,21}}(?:{_B64}{{2}}==)?"
    rf"|(?:{_B64}{{4}}){{8,20}}{_B64}{{3}}=)$"
)
SECRET_HELP = "whsec_ followed by the base64 of 24 to 64 random bytes"


def _url_host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unbalanced bracket
        return ""


def webhook_url_validate(url: str) -> None:
    """Refuse a URL a subscription may not call (see ``URL_PATTERN``), and, unless private
    addresses are allowed, one whose host is itself a private address, however it is spelt."""
    host = _url_host(url)
    literal = webhook_host_literal(host)
    if literal is not None and not _allowed_address(str(literal)):
        raise ValidationError(
            _(
                "%(host)s is a private, loopback or reserved address: webhooks call only "
                "public addresses."
            )
            % {"host": host},
            code="private_address",
        )
    if len(url) > URL_MAX_LENGTH or not _URL_RE.fullmatch(url):
        raise ValidationError(
            _(
                "Give an http:// or https:// URL with a host name (or localhost, or an IPv4 "
                "address as four decimal numbers), an optional port, path and query, in "
                "printable ASCII, with no user name or password."
            ),
            code="invalid_url",
        )
    URLValidator(schemes=["http", "https"])(url)


def webhook_events_clean(events: Any) -> list[str]:
    """A non-empty list of known events, each once, in the order of ``WebhookEvent``."""
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError(_("Choose at least one event."), code="required")
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            _("Unknown event “%(event)s”; choose from: %(known)s.")
            % {"event": unknown[0], "known": ", ".join(WebhookEvent.values)},
            code="invalid_choice",
        )
    return [e for e in WebhookEvent.values if e in events]


def webhook_secret_generate() -> str:
    """A new secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_secret_validate(secret: str) -> None:
    if not re.fullmatch(SECRET_PATTERN, secret):
        raise ValidationError(_("Give %(form)s.") % {"form": SECRET_HELP}, code="invalid_secret")


def webhook_secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for: the bytes its base64 encodes.

    A secret without the prefix (written by a version before the Standard Webhooks scheme,
    which migration 0008 converts) signs with its own bytes, as it did then.
    """
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    return secret.encode()


def webhook_signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(webhook_secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# Services: subscriptions ---------------------------------------------------------------------


@transaction.atomic
def webhook_subscription_create(
    *, owner: Any, url: str, events: list[str], active: bool = True, secret: str = ""
) -> WebhookSubscription:
    """Register ``url`` for ``events``; with no ``secret``, one is generated. The caller shows
    the secret to the consumer once: it is not shown again."""
    webhook_url_validate(url)
    if secret:
        webhook_secret_validate(secret)
    return WebhookSubscription.objects.create(
        owner=owner,
        url=url,
        events=webhook_events_clean(events),
        active=active,
        secret=secret or webhook_secret_generate(),
    )


def webhook_subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Lift a pause: deliveries of new events go out again. What failed stays failed."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, consecutive_failures=0
    )
    subscription.refresh_from_db()
    return subscription


# Services: events ----------------------------------------------------------------------------


@transaction.atomic
def webhook_event_emit(*, event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """One pending delivery of ``event`` for each active, unpaused subscription to it.

    Call it inside the transaction that made the change: the deliveries and their outbox
    messages commit with it, and the tasks are handed to Celery once it commits (or later by
    the outbox, if the broker is down). ``payload`` is the event's ``data``; dates and the like
    are turned into JSON here.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    listening = WebhookSubscription.objects.filter(active=True, paused_at__isnull=True)
    deliveries = []
    # ``events`` is a JSON list; "contains" on it is not portable to SQLite, and subscriptions
    # are few, so they are matched here.
    for subscription in listening.only("pk", "events").order_by("pk"):
        if isinstance(subscription.events, list) and event in subscription.events:
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event=event, payload=data
            )
            outbox.outbox_enqueue(task=DELIVER_TASK, delivery_id=delivery.pk)
            deliveries.append(delivery)
    return deliveries


def update_published_payload(update: ProgressUpdate) -> dict[str, Any]:
    """``update.published``: the update as the public sees it, by its stable identifiers."""
    return {
        "update": {
            "id": update.pk,
            "workstream": update.workstream.slug,
            "workstream_title": update.workstream.title,
            "meeting": update.meeting.slug,
            "entity": update.entity.slug if update.entity_id else None,  # type: ignore[union-attr]
            "status": update.status,
            "summary": update.summary,
            "next_steps": update.next_steps,
            "published_at": update.published_at,
        }
    }


def status_changed_payload(
    *, workstream: Workstream, meeting: Meeting, previous: str | None, status: str | None
) -> dict[str, Any]:
    """``status.changed``: a cell of the matrix; ``null`` is "no record"."""
    return {
        "workstream": workstream.slug,
        "workstream_title": workstream.title,
        "meeting": meeting.slug,
        "previous_status": previous,
        "status": status,
    }


def meeting_added_payload(meeting: Meeting) -> dict[str, Any]:
    """``meeting.added``: the new meeting."""
    return {
        "meeting": {
            "slug": meeting.slug,
            "som_number": meeting.som_number,
            "segment": meeting.segment,
            "title": meeting.title,
            "date": meeting.date,
            "date_precision": meeting.date_precision,
            "status": meeting.status,
            "format": meeting.format,
            "venue": meeting.venue,
        }
    }


def webhook_update_published(*, update: ProgressUpdate) -> list[WebhookDelivery]:
    return webhook_event_emit(
        event=WebhookEvent.UPDATE_PUBLISHED, payload=update_published_payload(update)
    )


def webhook_status_changed(
    *, workstream: Workstream, meeting: Meeting, previous: str | None, status: str | None
) -> list[WebhookDelivery]:
    """Emit ``status.changed`` if the status really changed; nothing otherwise."""
    if previous == status:
        return []
    payload = status_changed_payload(
        workstream=workstream, meeting=meeting, previous=previous, status=status
    )
    return webhook_event_emit(event=WebhookEvent.STATUS_CHANGED, payload=payload)


def webhook_meeting_added(*, meeting: Meeting) -> list[WebhookDelivery]:
    return webhook_event_emit(
        event=WebhookEvent.MEETING_ADDED, payload=meeting_added_payload(meeting)
    )


# Services: delivering ------------------------------------------------------------------------


class Outcome(enum.StrEnum):
    """What an attempt at a delivery came to."""

    DELIVERED = "delivered"  # the receiver answered 2xx
    RETRY = "retry"  # it failed; try again after ``webhook_retry_countdown(attempts)``
    FAILED = "failed"  # it failed for good (attempts used up, refused URL, paused)
    SKIPPED = "skipped"  # nothing to do: done already, gone, or another worker has it


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent and signed: the same for every attempt at a delivery."""
    envelope = {
        "event": delivery.event,
        "id": delivery.pk,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()


def webhook_message_id(delivery: WebhookDelivery) -> str:
    """The ``webhook-id``: the same for every attempt at a delivery, unique across databases
    (a restored dump reuses primary keys; it does not reuse these)."""
    return f"msg_{delivery.message_id.hex}"


def webhook_headers(delivery: WebhookDelivery, body: bytes, secret: str) -> dict[str, str]:
    """The headers of an attempt, signed now: each retry carries its own timestamp."""
    message_id = webhook_message_id(delivery)
    timestamp = int(time.time())
    signature = webhook_signature(
        secret=secret, message_id=message_id, timestamp=timestamp, body=body
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
        "X-EMG-Event": delivery.event,
        "X-EMG-Delivery": str(delivery.pk),
    }


def webhook_deliver(*, delivery_id: int) -> Outcome:
    """Make the next attempt at a pending delivery and record how it went.

    Safe to run twice, and by two workers at once: a delivery that is no longer pending is
    skipped, and each attempt is claimed by a conditional UPDATE, so only one worker sends it.
    A copy of the task that comes well before the attempt is due (a duplicate) is skipped too.
    """
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return Outcome.SKIPPED
    subscription = delivery.subscription
    if not subscription.active or subscription.paused_at is not None:
        why = _("the subscription is paused") if subscription.active else _("it is inactive")
        _give_up(delivery, _("Not sent: %(why)s.") % {"why": why})
        return Outcome.FAILED
    max_attempts = int(settings.WEBHOOK_MAX_ATTEMPTS)
    if delivery.attempts >= max_attempts:
        _give_up(delivery, delivery.last_error or _("No attempts left."))
        return Outcome.FAILED
    now = timezone.now()
    if delivery.attempts and delivery.last_attempt_at is not None:
        due = delivery.last_attempt_at + datetime.timedelta(
            seconds=webhook_retry_countdown(delivery.attempts) / 2
        )
        if now < due:
            return Outcome.SKIPPED
    attempt = delivery.attempts + 1
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts
    ).update(attempts=attempt, last_attempt_at=now)
    if not claimed:
        return Outcome.SKIPPED

    body = webhook_body(delivery)
    result = _post(subscription.url, body, webhook_headers(delivery, body, subscription.secret))
    logger.info(
        "Webhook delivery %s (%s) attempt %d to %s: %s",
        delivery.pk,
        delivery.event,
        attempt,
        subscription.url,
        result.status or result.error,
    )
    if result.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk, attempts=attempt).update(
            state=DeliveryState.DELIVERED,
            response_code=result.status,
            last_error="",
            delivered_at=timezone.now(),
        )
        WebhookSubscription.objects.filter(pk=subscription.pk, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
        return Outcome.DELIVERED
    return _record_failure(delivery, attempt=attempt, result=result, max_attempts=max_attempts)


def _give_up(delivery: WebhookDelivery, reason: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED, last_error=reason[:2000]
    )


@transaction.atomic
def _record_failure(
    delivery: WebhookDelivery, *, attempt: int, result: "_Result", max_attempts: int
) -> Outcome:
    """Count the failure against the subscription, pause it after too many in a row, and keep
    the delivery for a retry while it has attempts left."""
    subscription = (
        WebhookSubscription.objects.select_for_update().filter(pk=delivery.subscription_id).first()
    )
    if subscription is None:  # deleted while we were sending, and its deliveries with it
        return Outcome.SKIPPED
    subscription.consecutive_failures += 1
    pause_after = int(settings.WEBHOOK_PAUSE_AFTER)
    pausing = subscription.paused_at is None and subscription.consecutive_failures >= pause_after
    if pausing:
        subscription.paused_at = timezone.now()
    subscription.save(update_fields=["consecutive_failures", "paused_at"])
    final = result.permanent or attempt >= max_attempts or subscription.paused_at is not None
    WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, attempts=attempt
    ).update(
        state=DeliveryState.FAILED if final else DeliveryState.PENDING,
        response_code=result.status,
        last_error=result.error[:2000],
    )
    if pausing:
        logger.warning(
            "Webhook subscription %s (%s) paused after %d failed attempts in a row",
            subscription.pk,
            subscription.url,
            subscription.consecutive_failures,
        )
        reason = _(
            "Not sent: the subscription was paused after %(count)d failed attempts in a row."
        ) % {"count": subscription.consecutive_failures}
        WebhookDelivery.objects.filter(
            subscription=subscription, state=DeliveryState.PENDING
        ).update(state=DeliveryState.FAILED, last_error=reason)
    return Outcome.FAILED if final else Outcome.RETRY


def webhook_deliveries_resend(*, grace: datetime.timedelta = datetime.timedelta(minutes=15)) -> int:
    """Hand to Celery again the pending deliveries whose next attempt is overdue by ``grace``:
    their retry was lost with a worker, or the broker was down when it was scheduled. A copy
    that is still on its way does no harm: each attempt is claimed once."""
    now = timezone.now()
    pending = WebhookDelivery.objects.filter(
        state=DeliveryState.PENDING,
        subscription__active=True,
        subscription__paused_at__isnull=True,
        created_at__lte=now - grace,
    ).values_list("pk", "attempts", "last_attempt_at")
    overdue = [
        pk
        for pk, attempts, last in pending.order_by("pk")[:500]
        if last is None
        or last + datetime.timedelta(seconds=webhook_retry_countdown(attempts)) + grace <= now
    ]
    for pk in overdue:
        with transaction.atomic():
            outbox.outbox_enqueue(task=DELIVER_TASK, delivery_id=pk)
    return len(overdue)


# Services: the HTTP exchange -----------------------------------------------------------------


@dataclass(frozen=True)
class _Result:
    status: int | None = None
    error: str = ""
    permanent: bool = False  # no retry can help: the URL is refused

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Refused(Exception):
    """A URL the worker will not call."""


# IPv6 ranges whose addresses stand for an IPv4 address: the verdict is that address's.
_IPV6_TRANSLATED = [
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
]
# IPv6 ranges refused whatever they embed: deprecated, local-use or tunnelling to a host no
# public receiver lives on. (Python 3.11 counts several of these as global.)
_IPV6_REFUSED = [
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible, deprecated; also :: and ::1
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64, local use
    ipaddress.IPv6Network("2001::/32"),  # Teredo
    ipaddress.IPv6Network("fec0::/10"),  # site-local, deprecated
    ipaddress.IPv6Network("fc00::/7"),  # unique local
]
# Ranges whose last 32 bits are the IPv4 address (RFC 4291, RFC 6145, RFC 6052 /96).
_LOW32_CARRIERS = [
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
]
_ISATAP_IDS = {0x00005EFE, 0x02005EFE}


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address carries, by each known way of carrying one."""
    value = int(ip)
    low = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:  # 2002:aabb:ccdd::/48
        found.append(ip.sixtofour)
    if ip.teredo is not None:  # the server, and the client (de-obfuscated)
        found.extend(ip.teredo)
    if any(ip in net for net in _LOW32_CARRIERS):
        found.append(low)  # ::a.b.c.d, ::ffff:0:a.b.c.d, 64:ff9b::a.b.c.d
    if (value >> 32) & 0xFFFFFFFF in _ISATAP_IDS:  # any prefix, interface id ::5efe:a.b.c.d
        found.append(low)
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def webhook_address_public(address: str) -> bool:
    """Whether a webhook may call ``address``: a public unicast address, which, if it is an
    IPv6 address carrying an IPv4 one (mapped, compatible, 6to4, NAT64, Teredo, ISATAP), carries
    only public ones."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if not all(_public(v4) for v4 in embedded):
            return False
        if any(ip in net for net in _IPV6_TRANSLATED):
            return bool(embedded)
        if any(ip in net for net in _IPV6_REFUSED):
            return False
    return _public(ip)


def webhook_host_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a URL's host spells, if it spells one: dotted, IPv6, or any form a resolver
    reads as IPv4 (``2130706433``, ``0x7f.1``, ``017700000001``); ``localhost`` is 127.0.0.1."""
    if host == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def _allowed_address(address: str) -> bool:
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES) or webhook_address_public(address)


def _resolve(host: str, port: int) -> str:
    """The address to connect to. Every address of the host must be public (unless private ones
    are allowed): the one checked is the one connected to, so DNS cannot swap it afterwards."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as unknown:
        raise OSError(f"Cannot resolve {host}: {unknown}") from unknown
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not _allowed_address(a)]
    if refused:
        raise _Refused(
            _("Not sent: %(host)s is a private, loopback or reserved address (%(address)s).")
            % {"host": host, "address": refused[0]}
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a resolved address while naming the URL's host in the request."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS, verifying the certificate against the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        # Set before the handshake, so that the deadline can cut a slow one short.
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(  # type: ignore[attr-defined]
            self.sock, server_hostname=self.host
        )


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Result:
    """POST ``body`` to ``url``, never following a redirect, within one deadline overall."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return _Result(error=_("Not sent: only http and https URLs are called."), permanent=True)
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _resolve(parts.hostname, port)
    except _Refused as refused:
        return _Result(error=str(refused), permanent=True)
    except ValueError as bad:  # a port out of range
        return _Result(error=_("Not sent: %(error)s") % {"error": bad}, permanent=True)
    except OSError as unreachable:
        return _Result(error=str(unreachable))
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # The socket timeout bounds each read; this bounds the whole exchange, so that a receiver
    # that trickles its answer a byte at a time cannot hold the worker.
    expired = threading.Event()

    def cut_short() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    deadline = threading.Timer(timeout, cut_short)
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        if expired.is_set():  # cut short in the headers, which then seem to end early
            raise TimeoutError
        status, reason = response.status, response.reason
        try:
            content = response.read(WEBHOOK_MAX_RESPONSE_BYTES)
        except (OSError, http.client.HTTPException):
            content = b""  # the status is what counts
    except (OSError, http.client.HTTPException) as failure:
        if expired.is_set() or isinstance(failure, TimeoutError):
            return _Result(error=_("Timed out after %(seconds)g s.") % {"seconds": timeout})
        return _Result(error=f"{type(failure).__name__}: {failure}")
    finally:
        deadline.cancel()
        connection.close()
    if 200 <= status < 300:
        return _Result(status=status)
    error = f"HTTP {status} {reason}".strip()
    if 300 <= status < 400:
        error += " " + _("(redirects are not followed: register the final URL)")
    excerpt = content[:500].decode("utf-8", "replace").strip()
    return _Result(status=status, error=f"{error}: {excerpt}" if excerpt else error)
