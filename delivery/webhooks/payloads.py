"""What a delivery carries: each event's ``data``, the signed body and its headers.

Each attempt is signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), so that a receiver can refuse a replayed one (docs/webhooks.md).
"""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from delivery.webhooks.validation import SECRET_PREFIX
from meetings.models import Meeting
from workstreams.models import ProgressUpdate, WebhookDelivery, Workstream

USER_AGENT = "EMG-Workstream-Tracker-Webhooks/1"


def update_published_payload(update: ProgressUpdate) -> dict[str, Any]:
    """``update.published``: the update as the public sees it, by its stable identifiers."""
    return {
        "update": {
            "id": update.pk,
            "workstream": update.workstream.slug,
            "workstream_title": update.workstream.title,
            "meeting": update.meeting.slug,
            "entity": update.entity.slug if update.entity else None,
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


def webhook_secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for: the bytes its base64 encodes.

    A secret without the prefix (written by a version before the Standard Webhooks scheme,
    which migration 0009 converts) signs with its own bytes, as it did then.
    """
    if secret.startswith(SECRET_PREFIX):
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    return secret.encode()


def webhook_signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(webhook_secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


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
