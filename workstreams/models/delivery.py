"""The rows of ``delivery``: the outbox, the e-mail notices, webhook subscriptions and deliveries.

They stay in the ``workstreams`` app (moving tables is not worth the risk); the code that writes
and reads them is ``delivery/``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from delivery.webhooks.validation import (
    SECRET_MAX_LENGTH,
    URL_MAX_LENGTH,
    webhook_secret_validate,
    webhook_url_validate,
)
from emgtracker.db import choices_check
from meetings.models import Meeting
from workstreams.models.workstream import Workstream


class OutboxMessage(models.Model):
    """A task to enqueue, written in the same transaction as the change that calls for it.

    If the broker is down when the transaction commits, the row waits here and
    ``outbox_dispatch`` sends it once the broker is back: a write never fails, and no task is
    lost, because Redis is unreachable.
    """

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("kwargs"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs})"


class NoticeKind(models.TextChoices):
    CALL_FOR_INPUT = "call_for_input", _("Call for input")
    REMINDER = "reminder", _("Reminder")
    DIGEST = "digest", _("Digest of missing updates")


class Notice(models.Model):
    """An e-mail sent about a meeting's updates. Its row is committed before the e-mail goes,
    so a second run of the day's job finds it and sends nothing (docs/notices.md)."""

    Kind = NoticeKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="notices", verbose_name=_("meeting")
    )
    recipient = models.EmailField(_("recipient"))
    workstreams = models.ManyToManyField(
        Workstream, blank=True, related_name="+", verbose_name=_("workstreams")
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting", "recipient"], name="notice_once_per_recipient"
            ),
            choices_check("kind", NoticeKind, "notice_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} for {self.meeting}"


class WebhookEvent(models.TextChoices):
    UPDATE_PUBLISHED = "update.published", _("Progress update published")
    STATUS_CHANGED = "status.changed", _("Status of a workstream at a meeting changed")
    MEETING_ADDED = "meeting.added", _("Meeting added")


class WebhookSubscription(models.Model):
    """An API consumer's URL, called with a signed JSON body when one of its events happens."""

    Event = WebhookEvent

    # The one validator of each, run by the admin's form (the model's validation), the API's
    # serializer and the services alike (delivery/webhooks/validation.py).
    url = models.CharField(_("url"), max_length=URL_MAX_LENGTH, validators=[webhook_url_validate])
    events = models.JSONField(
        _("events"), default=list, help_text=_("The events to send, e.g. update.published.")
    )
    secret = models.CharField(
        _("secret"),
        max_length=SECRET_MAX_LENGTH,
        validators=[webhook_secret_validate],
        help_text=_(
            "Signs each delivery (webhook-signature), in the Standard Webhooks form: whsec_ and "
            "the base64 of the key."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("owner"),
    )
    active = models.BooleanField(_("active"), default=True)
    # None chosen: every workstream's events, as before narrowing existed.
    workstreams = models.ManyToManyField(
        Workstream,
        blank=True,
        related_name="+",
        verbose_name=_("workstreams"),
        help_text=_(
            "Send update.published and status.changed only for these workstreams; none chosen: "
            "for every workstream."
        ),
    )
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    paused_at = models.DateTimeField(
        _("paused at"),
        null=True,
        blank=True,
        help_text=_("Set after repeated failures; clear it to resume."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event sent to one subscription, with every attempt's outcome."""

    State = DeliveryState
    # What the API and the admin show of a delivery, in order (``webhook_id`` is derived).
    SHOWN_FIELDS = (
        "webhook_id",
        "event",
        "state",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "payload",
    )

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    message_id = models.UUIDField(
        _("message id"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent as webhook-id, the same on every attempt: receivers de-duplicate by it."),
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent)
    payload = models.JSONField(_("payload"))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        ordering = ["-created_at"]
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            choices_check("state", DeliveryState, "delivery_state_valid"),
            choices_check("event", WebhookEvent, "delivery_event_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
