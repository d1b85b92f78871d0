"""Calls for input, reminders and the secretariat's digest: the e-mails around a meeting's
submission deadline (docs/notices.md).

Once a day, Celery beat runs the task ``workstreams.notices_send`` (workstreams/tasks.py),
which calls ``notices_send``. For each upcoming meeting with a ``submission_deadline``:

- from ``CALL_FOR_INPUT_DAYS_BEFORE`` days before the deadline until the day before it, every
  focal point of an entity that leads a running workstream is asked for its update;
- from the deadline day until ``REMINDER_CATCH_UP_DAYS`` days after it, every focal point whose
  entity's running workstreams lack a submitted or published update is reminded, and the
  secretariat gets a digest of what is missing (or a digest saying that everything is in).

A window, not a single day, so that a beat that missed a day (a worker down, a deploy) still
sends: each e-mail goes once per meeting, kind and address, whatever the number of runs. See
``_send_once`` for how.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetings.models import Meeting
from workstreams.models import (
    FocalPoint,
    Notice,
    NoticeKind,
    ProgressUpdate,
    Workstream,
)
from workstreams.permissions import FOCAL_POINT, SECRETARIAT

logger = logging.getLogger(__name__)

# How many days after the deadline a missed reminder or digest is still sent.
REMINDER_CATCH_UP_DAYS = 7

# An update in one of these states is "in": a draft is not.
IN_STATES = {ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.PUBLISHED}


@dataclass
class NoticeReport:
    """What one run did."""

    sent: dict[str, int] = field(default_factory=dict)  # by kind
    already_sent: int = 0  # an earlier run (or a concurrent one) sent it
    without_email: int = 0  # recipients skipped: an active user with no e-mail address
    failed: int = 0  # the backend refused; the notice stays unsent and a later run retries
    stopped: bool = False  # the mail server failed: the rest waits for the next run

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())


@dataclass
class _Recipient:
    address: str
    name: str
    workstreams: list[Workstream] = field(default_factory=list)


class _MailServerDown(Exception):
    """A send failed for a reason that is not this recipient's: stop the run."""


def notices_send(*, today: datetime.date) -> NoticeReport:
    """Send the calls for input, reminders and digests due ``today``; safe to run any number
    of times a day. Returns what it did.

    Not one transaction, unlike the services: each notice is claimed in its own committed
    transaction before its e-mail goes (see ``_send_once``). Called inside
    ``transaction.atomic`` it raises RuntimeError at the first claim: an outer rollback would
    forget e-mails already sent, and the next run would send them again.
    """
    report = NoticeReport()
    days_before = int(settings.CALL_FOR_INPUT_DAYS_BEFORE)
    due = Meeting.objects.filter(
        submission_deadline__gte=today - datetime.timedelta(days=REMINDER_CATCH_UP_DAYS),
        submission_deadline__lte=today + datetime.timedelta(days=days_before),
    ).order_by("submission_deadline", "date", "som_number")
    # A meeting already held is past asking for: its record is written from its report.
    meetings = [m for m in due if m.is_upcoming(today)]
    if not meetings:
        return report
    running = list(Workstream.objects.running().with_leads().order_by("title"))
    connection = get_connection()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for meeting in meetings:
                assert meeting.submission_deadline is not None
                if today < meeting.submission_deadline:
                    _calls_for_input(meeting, running, connection, report)
                else:
                    _reminders(meeting, running, connection, report)
                    _digest(meeting, running, connection, report)
    except _MailServerDown:
        report.stopped = True
    finally:
        connection.close()
    return report


# Who gets what ------------------------------------------------------------------------------


def _calls_for_input(
    meeting: Meeting, running: list[Workstream], connection: BaseEmailBackend, report: NoticeReport
) -> None:
    """Every focal point of a lead entity of a running workstream: one e-mail listing them all."""
    updates = _updates(meeting)
    for recipient in _focal_points(running, report):
        items = [_item(w, meeting, updates) for w in recipient.workstreams]
        context = {"recipient": recipient, "items": items}
        subject = _("[EMG] Progress update for %(meeting)s due %(deadline)s")
        _send_once(
            NoticeKind.CALL_FOR_INPUT, meeting, recipient, subject, context, connection, report
        )


def _reminders(
    meeting: Meeting, running: list[Workstream], connection: BaseEmailBackend, report: NoticeReport
) -> None:
    """The focal points whose entity's running workstreams are not all in: what is missing."""
    updates = _updates(meeting)
    missing = [w for w in running if not _is_in(w, updates)]
    for recipient in _focal_points(missing, report):
        items = [_item(w, meeting, updates) for w in recipient.workstreams]
        context = {"recipient": recipient, "items": items}
        subject = _("[EMG] Reminder: progress update for %(meeting)s due %(deadline)s")
        _send_once(NoticeKind.REMINDER, meeting, recipient, subject, context, connection, report)


def _digest(
    meeting: Meeting, running: list[Workstream], connection: BaseEmailBackend, report: NoticeReport
) -> None:
    """The secretariat: every running workstream still missing an update, with its leads.

    Sent even when nothing is missing, saying so: the secretariat then knows the deadline was
    checked, rather than wondering whether the job ran.
    """
    updates = _updates(meeting)
    missing = [w for w in running if not _is_in(w, updates)]
    lead_ids = {lead.entity_id for w in missing for lead in w.leads.all()}
    asked = set(
        FocalPoint.objects.filter(
            entity_id__in=lead_ids, user__is_active=True, user__groups__name=FOCAL_POINT
        )
        .exclude(user__email="")
        .values_list("entity_id", flat=True)
    )
    unasked = sorted(
        {str(lead.entity) for w in missing for lead in w.leads.all() if lead.entity_id not in asked}
    )
    items = [_item(w, meeting, updates) for w in missing]
    no_lead = [w.title for w in missing if not w.leads.all()]
    secretariat = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=SECRETARIAT)
        .order_by("pk")
        .distinct()
    )
    for recipient in _recipients(((user, missing) for user in secretariat), report):
        context = {
            "recipient": recipient,
            "items": items,
            "running_count": len(running),
            "unasked": unasked,
            "no_lead": no_lead,
            "changelist_url": _absolute(
                reverse("admin:workstreams_progressupdate_changelist")
                + f"?meeting__id__exact={meeting.pk}"
            ),
        }
        if missing:
            subject = _(
                "[EMG] %(count)d progress updates missing for %(meeting)s (due %(deadline)s)"
            )
        else:
            subject = _("[EMG] All progress updates are in for %(meeting)s (due %(deadline)s)")
        _send_once(NoticeKind.DIGEST, meeting, recipient, subject, context, connection, report)


def _focal_points(workstreams: list[Workstream], report: NoticeReport) -> list[_Recipient]:
    """The focal points of the entities leading ``workstreams``, each with the ones it leads."""
    led_by: dict[int, list[Workstream]] = {}
    for workstream in workstreams:
        for lead in workstream.leads.all():
            led_by.setdefault(lead.entity_id, []).append(workstream)
    focal_points = (
        FocalPoint.objects.filter(
            entity_id__in=led_by, user__is_active=True, user__groups__name=FOCAL_POINT
        )
        .select_related("user")
        .order_by("user_id")
    )
    return _recipients(((fp.user, led_by[fp.entity_id]) for fp in focal_points), report)


def _recipients(
    users: Iterable[tuple[Any, list[Workstream]]], report: NoticeReport
) -> list[_Recipient]:
    """One recipient per address, however many users share it; users with none are counted."""
    by_address: dict[str, _Recipient] = {}
    for user, workstreams in users:
        address = (user.email or "").strip()
        if not address:
            report.without_email += 1
            continue
        recipient = by_address.setdefault(
            _key(address),
            _Recipient(address=address, name=user.get_full_name() or user.username),
        )
        recipient.workstreams += [w for w in workstreams if w not in recipient.workstreams]
    for recipient in by_address.values():
        recipient.workstreams.sort(key=lambda w: w.title)
    return list(by_address.values())


# What it says -------------------------------------------------------------------------------


def _updates(meeting: Meeting) -> dict[int, ProgressUpdate]:
    return {u.workstream_id: u for u in ProgressUpdate.objects.filter(meeting=meeting)}


def _is_in(workstream: Workstream, updates: dict[int, ProgressUpdate]) -> bool:
    update = updates.get(workstream.pk)
    return update is not None and update.state in IN_STATES


def _item(
    workstream: Workstream, meeting: Meeting, updates: dict[int, ProgressUpdate]
) -> dict[str, Any]:
    """A workstream line: its title, leads, where its update stands and where to write it."""
    update = updates.get(workstream.pk)
    if update is None:
        state = _("not started")
        url = reverse("admin:workstreams_progressupdate_add")
        url += f"?workstream={workstream.pk}&meeting={meeting.pk}"
    else:
        state = str(update.get_state_display()).lower()
        url = reverse("admin:workstreams_progressupdate_change", args=[update.pk])
    return {
        "workstream": workstream,
        "leads": ", ".join(str(lead.entity) for lead in workstream.leads.all()),
        "state": state,
        "url": _absolute(url),
    }


def _absolute(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _key(address: str) -> str:
    """The address as the notice records it: the same mailbox, however it is capitalised."""
    return address.strip().lower()


# Sending, once -----------------------------------------------------------------------------


def _send_once(
    kind: str,
    meeting: Meeting,
    recipient: _Recipient,
    subject: str,
    context: dict[str, Any],
    connection: BaseEmailBackend,
    report: NoticeReport,
) -> None:
    """Claim the notice, then send it; at most once, never twice.

    1. The ``Notice`` row (unique per kind, meeting and address) is inserted and committed in a
       durable transaction of its own. If it is there already, an earlier or concurrent run
       sent it (or is sending it): nothing more happens. Two runs at once cannot both insert:
       the second waits on the unique index and then fails.
    2. Only once the row is committed does the e-mail go. A failed commit thus sends nothing.
    3. If the backend raises, the row is deleted, so that tomorrow's run, still inside the
       window, tries again.

    The trade-off: between the commit and the hand-over to the mail server, a crash (a killed
    worker, a lost connection to the database while deleting the row) leaves a notice recorded
    but not sent. It is not retried, and the log has no "Sent" line for it. The other order
    (send, then commit) would instead send twice when the commit fails. A reminder lost is a
    nuisance; the same reminder twice, every time the database hiccups, is what the issue asks
    us to avoid.
    """
    key = _key(recipient.address)
    if Notice.objects.filter(kind=kind, meeting=meeting, recipient=key).exists():
        report.already_sent += 1
        return
    # Built before the claim: a template that fails to render must not leave a notice claimed.
    message = _message(kind, meeting, recipient, subject, context, connection)
    try:
        with transaction.atomic(durable=True):
            notice = Notice.objects.create(kind=kind, meeting=meeting, recipient=key)
            notice.workstreams.set(_workstreams(context))
    except IntegrityError:
        if not Notice.objects.filter(kind=kind, meeting=meeting, recipient=key).exists():
            raise
        report.already_sent += 1
        return
    try:
        message.send(fail_silently=False)
    except Exception as error:
        Notice.objects.filter(pk=notice.pk).delete()
        report.failed += 1
        logger.exception("%s not sent; a later run retries", notice)
        if not isinstance(error, smtplib.SMTPRecipientsRefused):
            raise _MailServerDown from error
        return
    logger.info("Sent %s", notice)
    report.sent[str(kind)] = report.sent.get(str(kind), 0) + 1


def _workstreams(context: dict[str, Any]) -> list[Workstream]:
    return [item["workstream"] for item in context["items"]]


def _message(
    kind: str,
    meeting: Meeting,
    recipient: _Recipient,
    subject: str,
    context: dict[str, Any],
    connection: BaseEmailBackend,
) -> EmailMessage:
    assert meeting.submission_deadline is not None
    deadline = date_format(meeting.submission_deadline, "j F Y")
    context = {
        **context,
        "meeting": meeting,
        "meeting_label": meeting.short_label,
        "deadline": deadline,
        "workspace_url": _absolute(reverse("admin:index")),
        "add_url": _absolute(reverse("admin:workstreams_progressupdate_add")),
    }
    values = {"meeting": meeting.short_label, "deadline": deadline, "count": len(context["items"])}
    return EmailMessage(
        subject=subject % values,
        body=render_to_string(f"emails/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.address],
        connection=connection,
    )
