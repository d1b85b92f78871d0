"""When a failed attempt is tried again, when a delivery fails for good, and when a
subscription is paused.

Celery retries a failed attempt after ``webhook_retry_countdown`` (exponential backoff); a
subscription whose deliveries fail ``WEBHOOK_PAUSE_AFTER`` times in a row is paused; and
``webhook_deliveries_resend`` (beat) hands to Celery again any delivery whose retry was lost with
its worker or its broker.
"""

import datetime
import enum
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery import outbox
from delivery.webhooks.client import Result
from workstreams.models import DeliveryState, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

DELIVER_TASK = "workstreams.webhook_deliver"
RESEND_TASK = "workstreams.webhook_deliveries_resend"


class Outcome(enum.StrEnum):
    """What an attempt at a delivery came to."""

    DELIVERED = "delivered"  # the receiver answered 2xx
    RETRY = "retry"  # it failed; try again after ``webhook_retry_countdown(attempts)``
    FAILED = "failed"  # it failed for good (attempts used up, refused URL, paused)
    SKIPPED = "skipped"  # nothing to do: done already, gone, or another worker has it


def webhook_retry_countdown(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: 30 s, 1, 2, 4, 8 min… ≤ 1 h."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    wait: float = base * 2 ** max(attempts - 1, 0)
    return min(wait, float(settings.WEBHOOK_RETRY_MAX_SECONDS))


def delivery_give_up(delivery: WebhookDelivery, reason: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
        state=DeliveryState.FAILED, last_error=reason[:2000]
    )


@transaction.atomic
def delivery_failure_record(
    delivery: WebhookDelivery, *, attempt: int, result: Result, max_attempts: int
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
