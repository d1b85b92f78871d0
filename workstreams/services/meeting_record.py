"""Decisions, proposals and meetings: the rest of the record, saved by the admin, the API and
the report loader alike. Each re-derives the timeline cells it moves."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from delivery.interface import webhook_meeting_added
from meetings.models import Meeting
from meetings.record_version import record_version_bump
from workstreams.models import Decision, Proposal, TimelineEntry, Workstream
from workstreams.services.timeline import (
    workstream_status_now_refresh,
    workstream_timeline_refresh,
)


def _record_require(by: User | AnonymousUser, action: str, row: models.Model) -> None:
    perm = f"{row._meta.app_label}.{action}_{row._meta.model_name}"
    if not by.has_perm(perm, row if row.pk else None):
        raise PermissionDenied(_("You may not %(action)s this.") % {"action": action})


def _timeline_refresh_of(workstream_ids: set[int | None]) -> None:
    """Re-derive the rows of the workstreams a change touched, before and after it."""
    workstream_timeline_refresh(
        workstreams=Workstream.objects.filter(pk__in=workstream_ids - {None})
    )


def _record_save(row: Decision | Proposal, *, by: User | AnonymousUser) -> None:
    _record_require(by, "change" if row.pk else "add", row)
    before = type(row).objects.filter(pk=row.pk).values_list("workstream_id", flat=True).first()
    row.full_clean()
    row.save()
    _timeline_refresh_of({before, row.workstream_id})
    record_version_bump()


def _record_delete(row: Decision | Proposal, *, by: User | AnonymousUser) -> None:
    _record_require(by, "delete", row)
    workstream_id = row.workstream_id
    row.delete()
    _timeline_refresh_of({workstream_id})
    record_version_bump()


@transaction.atomic
def decision_save(*, decision: Decision, by: User | AnonymousUser) -> Decision:
    """Add or change a decision of the Senior Officials; the status cells it moves follow."""
    _record_save(decision, by=by)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, by: User | AnonymousUser) -> None:
    _record_delete(decision, by=by)


@transaction.atomic
def proposal_save(*, proposal: Proposal, by: User | AnonymousUser) -> Proposal:
    """Add or change a proposal put to a meeting; a concept note may set its workstream's cell."""
    _record_save(proposal, by=by)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal, by: User | AnonymousUser) -> None:
    _record_delete(proposal, by=by)


@transaction.atomic
def meeting_save(
    *, meeting: Meeting, by: User | AnonymousUser | None, changed: Iterable[str] = ()
) -> Meeting:
    """Add a meeting (announced to webhook subscribers) or change one. A new date or SOM number
    can make another meeting the latest with a record, so the workstreams it holds cells of
    have their status now stored again.

    ``by`` is None for the report loader, which no person runs and no rule asks about."""
    created = meeting.pk is None
    if by is not None:
        _record_require(by, "add" if created else "change", meeting)
    meeting.save()
    if created:
        webhook_meeting_added(meeting=meeting)
    elif {"date", "som_number"} & set(changed):
        at_meeting = TimelineEntry.objects.filter(meeting=meeting).values("workstream")
        workstream_status_now_refresh(workstreams=Workstream.objects.filter(pk__in=at_meeting))
    record_version_bump()
    return meeting
