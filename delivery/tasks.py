"""Delivery's Celery tasks. Each takes ids, calls a service, and is safe to run twice.

Their names keep the ``workstreams.`` prefix they were registered under: queued messages and
beat's schedule (settings.CELERY_BEAT_SCHEDULE) refer to them by name.
"""

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from delivery import notices, outbox
from delivery.following import events as follow_events
from delivery.following import mail as follow_mail
from delivery.webhooks import retries, services
from workstreams.models import WebhookDelivery

logger = logging.getLogger(__name__)


@shared_task(name="workstreams.outbox_dispatch", ignore_result=True)
def outbox_dispatch() -> int:
    """Every half minute (beat): send what waited in the outbox while the broker was down."""
    return outbox.outbox_dispatch()


@shared_task(name="workstreams.notices_send", ignore_result=True)
def notices_send() -> None:
    """Daily (beat, at ``NOTICES_HOUR_UTC``): the day's calls for input, reminders and digests.

    Safe to run twice: a second run finds every notice already recorded and sends nothing.
    """
    report = notices.notices_send(today=timezone.localdate())
    log = logger.warning if report.failed or report.stopped else logger.info
    log(
        "Notices: sent %s, already sent %d, without e-mail %d, failed %d%s",
        report.sent or "none",
        report.already_sent,
        report.without_email,
        report.failed,
        " (stopped: mail server down)" if report.stopped else "",
    )


@shared_task(
    bind=True,
    name=retries.DELIVER_TASK,
    max_retries=settings.WEBHOOK_MAX_ATTEMPTS,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
)
def webhook_deliver(self: Any, delivery_id: int) -> str:
    """One attempt at a delivery; a failure is tried again by Celery, with backoff.

    Run eagerly (the embedded default, no worker), a failed delivery is not retried in-process,
    which would hold the request: it stays pending for ``webhook_deliveries_resend``.
    """
    outcome = services.webhook_deliver(delivery_id=delivery_id)
    if outcome == retries.Outcome.RETRY and not self.request.is_eager:
        attempts = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("attempts", flat=True)
            .first()
        )
        raise self.retry(countdown=retries.webhook_retry_countdown(attempts or 1))
    return str(outcome)


@shared_task(name=retries.RESEND_TASK, ignore_result=True)
def webhook_deliveries_resend() -> int:
    """Every five minutes (beat): send again the deliveries whose retry was lost."""
    return retries.webhook_deliveries_resend()


@shared_task(name=follow_events.MESSAGE_TASK, acks_late=True, ignore_result=True)
def follow_message_send(message_id: int) -> str:
    """One follower's message; a redelivered copy finds it sent and sends nothing."""
    return follow_mail.follow_message_send(message_id=message_id)


@shared_task(name="workstreams.follow_mail_send", ignore_result=True)
def follow_mail_send(follower_id: int, kind: str) -> str:
    """A follower's confirmation, or the link to their manage page."""
    return follow_mail.follow_mail_send(follower_id=follower_id, kind=kind)


@shared_task(name="workstreams.follow_agenda_run", ignore_result=True)
def follow_agenda_run() -> int:
    """Daily (beat, with the notices): the followers of workstreams on a coming agenda."""
    queued = follow_events.follow_agenda_run(today=timezone.localdate())
    logger.info("Followers: %d agenda messages queued", queued)
    return queued
