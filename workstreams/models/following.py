"""Following workstreams by e-mail: the followers and the messages sent to them.

The rows of ``delivery/following/`` (docs/notices.md#following-a-workstream): a follower is an
e-mail address, with no account, that confirmed (double opt-in) and follows some workstreams; a
``FollowMessage`` is one e-mail to one follower about one event of one workstream, unique per
follower, workstream and event so that it is sent once however often its task runs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check
from meetings.models import Meeting
from workstreams.models.workstream import Workstream


class StopReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCE = "bounce", _("Bounce")
    COMPLAINT = "complaint", _("Complaint")


class FollowerQuerySet(models.QuerySet["Follower"]):
    def receiving(self) -> "FollowerQuerySet":
        """The followers who get messages: confirmed, and not stopped."""
        return self.filter(confirmed_at__isnull=False, stopped_at__isnull=True)


class Follower(models.Model):
    """An e-mail address following workstreams. Nothing is sent to it but the confirmation
    until ``confirmed_at``, and nothing at all once ``stopped_at``."""

    address = models.EmailField(_("e-mail address"), unique=True, help_text=_("Lower case."))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Signed into the links of the messages; a new key makes every earlier link invalid.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    workstreams = models.ManyToManyField(
        Workstream, blank=True, related_name="followers", verbose_name=_("workstreams")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    stopped_reason = models.CharField(
        _("stopped because"), max_length=20, choices=StopReason, blank=True
    )
    # The last confirmation or "my link" e-mail: never more than one every few minutes.
    mailed_at = models.DateTimeField(_("last e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        ordering = ["address"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_reason="") | Q(stopped_reason__in=StopReason.values),
                name="follower_stopped_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def is_receiving(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None


class FollowEvent(models.TextChoices):
    UPDATE_PUBLISHED = "update.published", _("Progress update published")
    STATUS_CHANGED = "status.changed", _("Status changed")
    ON_AGENDA = "agenda", _("On the agenda of a coming meeting")


class FollowMessageState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class FollowMessage(models.Model):
    """One e-mail to a follower about an event of a workstream: once per follower, workstream
    and event (``key``), claimed by a conditional UPDATE before it is sent."""

    Event = FollowEvent
    State = FollowMessageState

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="messages", verbose_name=_("follower")
    )
    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="+", verbose_name=_("workstream")
    )
    event = models.CharField(_("event"), max_length=20, choices=FollowEvent)
    # Names the event: "update.published:<update>", "status.changed:<meeting>:<status>",
    # "agenda:<meeting>".
    key = models.CharField(_("key"), max_length=100)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="+", verbose_name=_("meeting")
    )
    status = models.CharField(_("status"), max_length=20, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=FollowMessageState, default=FollowMessageState.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower message")
        verbose_name_plural = _("follower messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "workstream", "key"], name="follow_message_once"
            ),
            choices_check("event", FollowEvent, "follow_message_event_valid"),
            choices_check("state", FollowMessageState, "follow_message_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.workstream} to follower {self.follower_id}"
