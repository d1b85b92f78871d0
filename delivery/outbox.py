"""The outbox: background work enqueued in the same transaction as the change that calls for it.

A write never fails because the broker is unreachable: the task waits in an ``OutboxMessage``
row and ``outbox_dispatch`` (beat, every half minute) sends it once Redis is back.
"""

import datetime
import logging
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from workstreams.models import OutboxMessage

logger = logging.getLogger(__name__)

# The errors that mean "the broker is unreachable": the message stays in the outbox.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisError,
    ConnectionError,
    OSError,
)


def outbox_enqueue(*, task: str, **kwargs: Any) -> OutboxMessage:
    """Record ``task(**kwargs)`` in the caller's transaction; hand it to Celery once that commits.

    If the broker is down then, the message waits and ``outbox_dispatch`` sends it later: the
    write that asked for it never fails because Redis is unreachable.
    """
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs)
    transaction.on_commit(lambda: outbox_send(message_id=message.pk))
    return message


def outbox_send(*, message_id: int) -> bool:
    """Hand one pending message to Celery. True if it went; False if it waits for the broker."""
    message = OutboxMessage.objects.filter(pk=message_id, dispatched_at__isnull=True).first()
    if message is None:
        return False
    try:
        # apply_async, unlike send_task, runs the task in-process on the embedded default.
        current_app.tasks[message.task].apply_async(kwargs=message.kwargs, retry=False)
    except Exception as error:
        if not current_app.conf.task_always_eager or isinstance(error, BROKER_ERRORS):
            # Not sent: the broker is unreachable (or answered oddly). Keep it for later.
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:1000]
            )
            logger.warning("%s stays in the outbox: %s", message, error)
            return False
        # Run in-process, the task itself failed; it has recorded why (a failed job, a failed
        # delivery). It was sent: sending it again would not help.
        logger.exception("%s failed in-process", message)
    OutboxMessage.objects.filter(pk=message.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return True


def outbox_dispatch(*, older_than: datetime.timedelta = datetime.timedelta(seconds=10)) -> int:
    """Send every message still waiting (the broker was down when its write committed).

    Skips the newest ones, which their own commit hook is sending right now.
    """
    cutoff = timezone.now() - older_than
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
    return sum(outbox_send(message_id=pk) for pk in pending.values_list("pk", flat=True)[:500])
