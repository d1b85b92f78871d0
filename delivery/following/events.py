"""The messages an event calls for, written in the caller's transaction and handed to the outbox.

One ``FollowMessage`` per receiving follower of the workstream and event, unique per follower,
workstream and ``key``: the same event written twice (a second publish of the same update, a
daily run twice) finds the row and queues nothing more.

- A publish (``follow_update_published``) and a status change (``follow_status_changed``) are
  called by the workstreams services beside the webhook ones. A publish that changes the status
  sends one message, the update's, which states the status: the status message written a moment
  earlier in the same transaction is cancelled.
- The agenda of a coming meeting (``follow_agenda_run``) is read by the daily run (beat, with
  the notices): a workstream is on a meeting's agenda when one of its progress updates or
  proposals for that meeting is linked to an agenda item. Once per follower, workstream and
  meeting, on the first run that finds it.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery import outbox
from delivery.following.tokens import CONFIRM_MAX_AGE
from meetings.models import Meeting
from workstreams.models import (
    Follower,
    FollowEvent,
    FollowMessage,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    Workstream,
)

logger = logging.getLogger(__name__)

MESSAGE_TASK = "workstreams.follow_message_send"

# How long a sent (or failed, or cancelled) message's row is kept; docs/notices.md.
MESSAGES_KEPT = datetime.timedelta(days=180)


def _enqueue(
    *, workstream: Workstream, meeting: Meeting, event: str, key: str, status: str = ""
) -> list[FollowMessage]:
    followers = Follower.objects.receiving().filter(workstreams=workstream)
    done = FollowMessage.objects.filter(workstream=workstream, key=key).values("follower_id")
    written = []
    for follower_id in followers.exclude(pk__in=done).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                message = FollowMessage.objects.create(
                    follower_id=follower_id,
                    workstream=workstream,
                    meeting=meeting,
                    event=event,
                    key=key,
                    status=status,
                )
        except IntegrityError:
            continue  # written meanwhile by another transaction: it sends it
        outbox.outbox_enqueue(task=MESSAGE_TASK, message_id=message.pk)
        written.append(message)
    return written


@transaction.atomic
def follow_update_published(*, update: ProgressUpdate) -> list[FollowMessage]:
    """A message to each follower of the update's workstream: call it in the publishing
    transaction."""
    status = (
        TimelineEntry.objects.filter(
            workstream_id=update.workstream_id, meeting_id=update.meeting_id
        )
        .values_list("status", flat=True)
        .first()
    )
    FollowMessage.objects.filter(
        workstream_id=update.workstream_id,
        meeting_id=update.meeting_id,
        event=FollowEvent.STATUS_CHANGED,
        state=FollowMessage.State.PENDING,
    ).update(state=FollowMessage.State.CANCELLED, error=_("Said in the update's message."))
    return _enqueue(
        workstream=update.workstream,
        meeting=update.meeting,
        event=FollowEvent.UPDATE_PUBLISHED,
        key=f"update.published:{update.pk}",
        status=status or "",
    )


@transaction.atomic
def follow_status_changed(
    *, workstream: Workstream, meeting: Meeting, previous: str | None, status: str | None
) -> list[FollowMessage]:
    """A message to each follower if the status really changed to a status (a cell that loses
    its record says nothing worth an e-mail)."""
    if previous == status or not status:
        return []
    return _enqueue(
        workstream=workstream,
        meeting=meeting,
        event=FollowEvent.STATUS_CHANGED,
        key=f"status.changed:{meeting.pk}:{status}",
        status=status,
    )


def _on_agenda(meeting: Meeting) -> list[int]:
    linked = Q(meeting=meeting, agenda_item__isnull=False, workstream__isnull=False)
    ids = set(ProgressUpdate.objects.filter(linked).values_list("workstream_id", flat=True))
    ids |= set(Proposal.objects.filter(linked).values_list("workstream_id", flat=True))
    return sorted(i for i in ids if i is not None)


@transaction.atomic
def follow_agenda_run(*, today: datetime.date) -> int:
    """The daily run: a message to each follower of a workstream on the agenda of a meeting
    dated ``today`` or later (once per follower, workstream and meeting), and the clean-up of
    expired requests and old messages. Returns how many messages it queued."""
    queued = 0
    followed = Workstream.objects.filter(followers__in=Follower.objects.receiving()).distinct()
    for meeting in Meeting.objects.upcoming(today):
        for workstream in followed.filter(pk__in=_on_agenda(meeting)):
            queued += len(
                _enqueue(
                    workstream=workstream,
                    meeting=meeting,
                    event=FollowEvent.ON_AGENDA,
                    key=f"agenda:{meeting.pk}",
                )
            )
    _clean()
    return queued


def _clean() -> None:
    """Forget what is no longer needed: a request never confirmed within its link's life, and
    messages older than ``MESSAGES_KEPT``."""
    expired = timezone.now() - CONFIRM_MAX_AGE
    Follower.objects.filter(
        Q(mailed_at__isnull=True) | Q(mailed_at__lt=expired),
        confirmed_at__isnull=True,
        stopped_at__isnull=True,
        created_at__lt=expired,
    ).delete()
    FollowMessage.objects.filter(created_at__lt=timezone.now() - MESSAGES_KEPT).delete()
