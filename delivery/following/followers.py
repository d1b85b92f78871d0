"""The writes of a follower. Keyword-only, atomic; the pages, the API and the admin call them.

Nothing here tells the caller whether an address was already following: the pages give the
same answer either way (docs/notices.md#following-a-workstream).
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery import outbox
from workstreams.models import Follower, FollowMessage, StopReason, Workstream

logger = logging.getLogger(__name__)

MAIL_TASK = "workstreams.follow_mail_send"

# Never more than one confirmation (or "my link" e-mail) to an address in this time.
MAIL_INTERVAL = datetime.timedelta(minutes=5)


def follower_address_clean(address: str) -> str:
    """The address as a follower is stored: stripped and in lower case; a clear error if it is
    not an e-mail address."""
    cleaned = (address or "").strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid") from None
    return cleaned


@transaction.atomic
def follower_request(
    *, address: str, workstreams: Iterable[Workstream], language: str
) -> Follower | None:
    """Someone asks to follow ``workstreams`` at ``address``, from a page in ``language``.

    A new or unconfirmed follower gets a confirmation e-mail (at most one every
    ``MAIL_INTERVAL``); a confirmed one follows the workstreams at once, as asked. An address
    stopped by a complaint gets nothing: only the secretariat can lift that (by deleting the
    follower). One that unsubscribed or bounced starts again, unconfirmed.
    """
    address = follower_address_clean(address)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    follower, _created = Follower.objects.select_for_update().get_or_create(
        address=address, defaults={"language": language}
    )
    if follower.stopped_reason == StopReason.COMPLAINT:
        logger.info("Follow request for follower %s, stopped by a complaint: ignored", follower.pk)
        return None
    if follower.stopped_at is not None:
        follower.confirmed_at = follower.stopped_at = None
        follower.stopped_reason = ""
    if follower.confirmed_at is None:
        follower.language = language
    follower.save()
    follower.workstreams.add(*workstreams)
    if follower.confirmed_at is None:
        follower_mail_enqueue(follower=follower, kind="confirm")
    return follower


def follower_mail_enqueue(*, follower: Follower, kind: str) -> bool:
    """Queue the confirmation or "my link" e-mail, unless one went in the last
    ``MAIL_INTERVAL``. True if queued. A conditional UPDATE: two requests at once queue one."""
    now = timezone.now()
    claimed = (
        Follower.objects.filter(pk=follower.pk)
        .filter(Q(mailed_at__isnull=True) | Q(mailed_at__lt=now - MAIL_INTERVAL))
        .update(mailed_at=now)
    )
    if claimed:
        outbox.outbox_enqueue(task=MAIL_TASK, follower_id=follower.pk, kind=kind)
    return bool(claimed)


@transaction.atomic
def follower_link_request(*, address: str) -> None:
    """ "E-mail me my link": the manage link to a confirmed follower, the confirmation again to
    an unconfirmed one, nothing to an unknown address or one stopped by a complaint."""
    address = follower_address_clean(address)
    follower = Follower.objects.filter(address=address).first()
    if follower is None or follower.stopped_reason == StopReason.COMPLAINT:
        return
    kind = "link" if follower.confirmed_at is not None else "confirm"
    follower_mail_enqueue(follower=follower, kind=kind)


@transaction.atomic
def follower_confirm(*, follower: Follower) -> Follower:
    """The follower opened the confirmation link and confirmed: messages go from now on."""
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.stopped_at, follower.stopped_reason = None, ""
        follower.save(update_fields=["confirmed_at", "stopped_at", "stopped_reason"])
    return follower


@transaction.atomic
def follower_follow(*, follower: Follower, workstreams: Iterable[Workstream]) -> Follower:
    """From the manage page: follow more workstreams; a stopped follower starts again."""
    if follower.stopped_at is not None:
        follower.stopped_at, follower.stopped_reason = None, ""
        follower.save(update_fields=["stopped_at", "stopped_reason"])
    follower.workstreams.add(*workstreams)
    return follower


@transaction.atomic
def follower_unfollow(*, follower: Follower, workstreams: Iterable[Workstream]) -> Follower:
    """From the manage page: stop following these; their pending messages are not sent."""
    chosen = list(workstreams)
    follower.workstreams.remove(*chosen)
    _cancel_pending(follower, Q(workstream__in=chosen))
    return follower


@transaction.atomic
def follower_stop(
    *, reason: str, address: str | None = None, follower: Follower | None = None
) -> Follower | None:
    """Stop every message to a follower, named by ``address`` or given: they unsubscribed, or
    the mail system reported a bounce or a complaint. Returns None for an unknown address.
    The workstreams they followed are forgotten; pending messages are not sent."""
    if reason not in StopReason.values:
        raise ValidationError(
            _("Unknown reason “%(reason)s”; choose from: %(known)s.")
            % {"reason": reason, "known": ", ".join(StopReason.values)},
            code="invalid_choice",
        )
    if follower is None:
        found = Follower.objects.select_for_update().filter(
            address=follower_address_clean(address or "")
        )
        follower = found.first()
        if follower is None:
            return None
    if follower.stopped_at is None or reason != StopReason.UNSUBSCRIBED:
        # A bounce or complaint after an unsubscribe is recorded as the stronger reason.
        follower.stopped_at = follower.stopped_at or timezone.now()
        follower.stopped_reason = reason
        follower.save(update_fields=["stopped_at", "stopped_reason"])
    follower.workstreams.clear()
    _cancel_pending(follower, Q())
    return follower


def _cancel_pending(follower: Follower, which: Q) -> None:
    FollowMessage.objects.filter(
        which, follower=follower, state=FollowMessage.State.PENDING
    ).update(state=FollowMessage.State.CANCELLED, error=_("Not sent: stopped following."))
