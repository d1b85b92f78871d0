"""Sending: one follower's message, once; and the confirmation and "my link" e-mails.

Each message is claimed before it goes: a conditional UPDATE from pending to sent, so that a
redelivered task, or two workers at once, send it once. As with the notices the trade-off is
*at most once*: a worker that dies between the claim and the hand-over to the mail server
leaves a message marked sent that was not (docs/notices.md#following-a-workstream).

Every message carries RFC 8058's one-click unsubscribe: ``List-Unsubscribe`` with the signed
unsubscribe address and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from delivery.following.tokens import follow_token
from workstreams.models import (
    Follower,
    FollowEvent,
    FollowMessage,
    Status,
    StopReason,
    Workstream,
)

logger = logging.getLogger(__name__)


def absolute_url(name: str, *args: Any) -> str:
    """The address of a page, in the active language, starting with ``SITE_URL``."""
    return str(settings.SITE_URL).rstrip("/") + reverse(name, args=args)


def follower_links(follower: Follower) -> dict[str, str]:
    """The manage and unsubscribe links of a follower, in the follower's language."""
    with translation.override(follower.language):
        return {
            "manage_url": absolute_url(
                "workstreams:follow_manage", follow_token(follower, "manage")
            ),
            "unsubscribe_url": absolute_url(
                "workstreams:follow_unsubscribe", follow_token(follower, "unsubscribe")
            ),
        }


def _unsubscribe_headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _name(workstream: Workstream) -> str:
    """The workstream as a subject names it: the name the record knows it by ("IMG on
    Biodiversity") in the record's language, else its short title in the follower's."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if workstream.also_known_as and language == settings.CONTENT_ORIGINAL_LANGUAGE:
        return workstream.also_known_as
    return workstream.short_title


def _subject(message: FollowMessage) -> str:
    values = {
        "workstream": _name(message.workstream),
        "meeting": message.meeting.short_label,
        "status": str(Status(message.status).label) if message.status else "",
    }
    if message.event == FollowEvent.UPDATE_PUBLISHED:
        subject = _("[EMG] %(workstream)s: progress update published for %(meeting)s")
    elif message.event == FollowEvent.STATUS_CHANGED:
        subject = _("[EMG] %(workstream)s: status at %(meeting)s is now %(status)s")
    else:
        subject = _("[EMG] %(workstream)s: on the agenda of %(meeting)s")
    return subject % values


def _email(message: FollowMessage) -> EmailMessage:
    follower = message.follower
    links = follower_links(follower)
    with translation.override(follower.language):
        url = absolute_url("workstreams:detail", message.workstream.slug)
        context = {
            "message": message,
            "workstream": message.workstream,
            "meeting": message.meeting,
            "status": Status(message.status).label if message.status else "",
            "url": f"{url}#{message.meeting.slug}",
            **links,
        }
        return EmailMessage(
            subject=_subject(message),
            body=render_to_string("emails/follow_message.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[follower.address],
            headers=_unsubscribe_headers(links),
        )


def follow_message_send(*, message_id: int) -> str:
    """Send one pending message, once; safe to run twice and on two workers at once.

    Returns what happened: "sent", "failed", "cancelled" (the follower stopped or no longer
    follows the workstream) or "skipped" (not pending: sent, or being sent, already).
    """
    pending = FollowMessage.objects.filter(pk=message_id, state=FollowMessage.State.PENDING)
    message = pending.select_related("follower", "workstream", "meeting").first()
    if message is None:
        return "skipped"
    follower = message.follower
    if not follower.is_receiving or not follower.workstreams.filter(pk=message.workstream_id):
        pending.update(state=FollowMessage.State.CANCELLED, error=_("Not sent: stopped following."))
        return "cancelled"
    email = _email(message)  # built before the claim: a template error leaves it pending
    if not pending.update(state=FollowMessage.State.SENT, sent_at=timezone.now()):
        return "skipped"
    try:
        email.send(fail_silently=False)
    except Exception as error:
        FollowMessage.objects.filter(pk=message.pk).update(
            state=FollowMessage.State.FAILED, error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.exception("Follower message %s not sent", message.pk)
        return "failed"
    logger.info("Sent follower message %s", message.pk)
    return "sent"


def follow_mail_send(*, follower_id: int, kind: str) -> str:
    """The confirmation ("confirm") or the manage link ("link"), as queued by
    ``follower_mail_enqueue``, which allows one every few minutes."""
    follower = Follower.objects.filter(pk=follower_id).first()
    if kind not in ("confirm", "link"):
        raise ValueError(f"Unknown follower e-mail {kind!r}")
    if follower is None or follower.stopped_reason == StopReason.COMPLAINT:
        return "skipped"
    if kind == "confirm" and follower.confirmed_at is not None:
        return "skipped"
    links = follower_links(follower)
    with translation.override(follower.language):
        context: dict[str, Any] = {
            "workstreams": list(follower.workstreams.order_by("title")),
            "confirm_url": absolute_url(
                "workstreams:follow_confirm", follow_token(follower, "confirm")
            ),
            **links,
        }
        if kind == "confirm":
            subject = _("[EMG] Confirm that you want to follow workstreams")
        else:
            subject = _("[EMG] Your link to manage the workstreams you follow")
        email = EmailMessage(
            subject=subject,
            body=render_to_string(f"emails/follow_{kind}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[follower.address],
            headers=_unsubscribe_headers(links) if kind == "link" else {},
        )
    email.send(fail_silently=False)
    return "sent"
