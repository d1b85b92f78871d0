"""Webhooks: an API consumer's URL, called with a signed JSON body when one of its events happens.

``webhook_event_emit`` writes one ``WebhookDelivery`` per listening subscription in the
caller's transaction and hands each to the outbox. The task ``workstreams.webhook_deliver``
(delivery/tasks.py) calls ``webhook_deliver``, which makes one attempt and records it; Celery
retries a failure with exponential backoff (delivery/webhooks/retries.py). A subscription whose
deliveries keep failing is paused; ``webhook_subscription_resume`` lifts the pause.

The API (``/api/v1/webhooks/``) and the admin manage subscriptions through these functions.
Delivery is *at least once*: a receiver de-duplicates by the ``webhook-id``, the same for every
attempt at a delivery. See docs/webhooks.md.
"""

import datetime
import json
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery import outbox
from delivery.webhooks.client import webhook_post
from delivery.webhooks.payloads import (
    meeting_added_payload,
    status_changed_payload,
    update_published_payload,
    webhook_body,
    webhook_headers,
)
from delivery.webhooks.retries import (
    DELIVER_TASK,
    Outcome,
    delivery_failure_record,
    delivery_give_up,
    webhook_retry_countdown,
)
from delivery.webhooks.validation import (
    webhook_secret_generate,
    webhook_secret_validate,
    webhook_url_validate,
)
from meetings.models import Meeting
from workstreams.models import (
    DeliveryState,
    ProgressUpdate,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    Workstream,
)

logger = logging.getLogger(__name__)


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


# Subscriptions ------------------------------------------------------------------------------


@transaction.atomic
def webhook_subscription_save(
    *, subscription: WebhookSubscription, workstreams: Iterable[Workstream] | None = None
) -> WebhookSubscription:
    """Check and save a subscription, new or changed: the one write of both, which the API and
    the admin call. With no secret, one is generated; the caller shows it to the consumer once.
    ``workstreams`` narrows it to those workstreams (none: every workstream); left out, a
    change keeps the set it had.

    A change writes only what a consumer may change, so that a worker counting a failure at the
    same moment does not lose its count.
    """
    webhook_url_validate(subscription.url)
    subscription.events = webhook_events_clean(subscription.events)
    if subscription.secret:
        webhook_secret_validate(subscription.secret)
    else:
        subscription.secret = webhook_secret_generate()
    if subscription._state.adding:
        subscription.save()
    else:
        subscription.save(update_fields=["url", "events", "active", "secret"])
    if workstreams is not None:
        subscription.workstreams.set(workstreams)
    return subscription


def webhook_subscription_create(
    *,
    owner: User,
    url: str,
    events: list[str],
    active: bool = True,
    secret: str = "",
    workstreams: Iterable[Workstream] = (),
) -> WebhookSubscription:
    """Register ``url`` for ``events`` (of ``workstreams`` only, if any are given); with no
    ``secret``, one is generated."""
    subscription = WebhookSubscription(
        owner=owner, url=url, events=events, active=active, secret=secret
    )
    return webhook_subscription_save(subscription=subscription, workstreams=workstreams)


def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    url: str | None = None,
    events: list[str] | None = None,
    active: bool | None = None,
    secret: str | None = None,
    workstreams: Iterable[Workstream] | None = None,
) -> WebhookSubscription:
    """Change what is given of a subscription, checked as on creation; the rest stays. An
    empty ``workstreams`` widens it to every workstream again."""
    changes = {"url": url, "events": events, "active": active, "secret": secret or None}
    for name, value in changes.items():
        if value is not None:
            setattr(subscription, name, value)
    return webhook_subscription_save(subscription=subscription, workstreams=workstreams)


def webhook_subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Lift a pause: deliveries of new events go out again. What failed stays failed."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, consecutive_failures=0
    )
    subscription.refresh_from_db()
    return subscription


# Events -------------------------------------------------------------------------------------


def webhook_subscriptions_listening(
    workstream: Workstream | None,
) -> QuerySet[WebhookSubscription]:
    """The active, unpaused subscriptions that hear of ``workstream``'s events: those narrowed
    to it and those not narrowed at all. An event of no workstream (``None``) reaches every one."""
    listening = WebhookSubscription.objects.filter(active=True, paused_at__isnull=True)
    if workstream is None:
        return listening
    chosen = WebhookSubscription.workstreams.through.objects.filter(
        webhooksubscription=OuterRef("pk")
    )
    return listening.filter(~Exists(chosen) | Exists(chosen.filter(workstream=workstream)))


@transaction.atomic
def webhook_event_emit(
    *, event: str, payload: dict[str, Any], workstream: Workstream | None = None
) -> list[WebhookDelivery]:
    """One pending delivery of ``event`` for each active, unpaused subscription to it (and, for
    an event of ``workstream``, not narrowed to other workstreams).

    Call it inside the transaction that made the change: the deliveries and their outbox
    messages commit with it, and the tasks are handed to Celery once it commits (or later by
    the outbox, if the broker is down). ``payload`` is the event's ``data``; dates and the like
    are turned into JSON here.
    """
    if event not in WebhookEvent.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    listening = webhook_subscriptions_listening(workstream)
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


def webhook_update_published(*, update: ProgressUpdate) -> list[WebhookDelivery]:
    return webhook_event_emit(
        event=WebhookEvent.UPDATE_PUBLISHED,
        payload=update_published_payload(update),
        workstream=update.workstream,
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
    return webhook_event_emit(
        event=WebhookEvent.STATUS_CHANGED, payload=payload, workstream=workstream
    )


def webhook_meeting_added(*, meeting: Meeting) -> list[WebhookDelivery]:
    return webhook_event_emit(
        event=WebhookEvent.MEETING_ADDED, payload=meeting_added_payload(meeting)
    )


# Delivering ---------------------------------------------------------------------------------


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
        delivery_give_up(delivery, _("Not sent: %(why)s.") % {"why": why})
        return Outcome.FAILED
    max_attempts = int(settings.WEBHOOK_MAX_ATTEMPTS)
    if delivery.attempts >= max_attempts:
        delivery_give_up(delivery, delivery.last_error or _("No attempts left."))
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
    result = webhook_post(
        subscription.url, body, webhook_headers(delivery, body, subscription.secret)
    )
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
    return delivery_failure_record(
        delivery, attempt=attempt, result=result, max_attempts=max_attempts
    )
