"""Decisions, proposals, meetings and workstreams: the rest of the record, saved by the admin,
the API and the report loader alike. Each re-derives the timeline cells it moves, and a meeting's
date or a workstream's title reaches the rows that keep it as a sort key."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from delivery.interface import webhook_meeting_added
from meetings.models import Meeting
from meetings.models.translated import original_text
from meetings.record_version import record_version_bump
from workstreams.models import Decision, ProgressUpdate, Proposal, TimelineEntry, Workstream
from workstreams.services.mandates import workstream_mandate_refresh
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
    else:
        _meeting_date_spread(meeting)
    if not created and {"date", "som_number"} & set(changed):
        at_meeting = TimelineEntry.objects.filter(meeting=meeting).values("workstream")
        workstream_status_now_refresh(workstreams=Workstream.objects.filter(pk__in=at_meeting))
        # "Another year" runs to the SOM after the decision's: its end moves with the number.
        decided = Decision.objects.filter(meeting=meeting).values("workstream")
        workstream_mandate_refresh(workstreams=Workstream.objects.filter(pk__in=decided))
    record_version_bump()
    return meeting


def _meeting_date_spread(meeting: Meeting) -> None:
    """The meeting's date onto the rows that sort by it: whichever path changed the date (the
    admin names it in ``changed``, another caller may not), no row keeps the old one."""
    for model in (ProgressUpdate, Decision, Proposal):
        model.objects.filter(meeting=meeting).exclude(meeting_date=meeting.date).update(
            meeting_date=meeting.date
        )


@transaction.atomic
def workstream_save(
    *,
    workstream: Workstream,
    by: User | AnonymousUser | None,
    update_fields: Sequence[str] | None = None,
) -> Workstream:
    """Add or change a workstream (the admin; the report loader, ``by`` None, naming the fields
    it changed). A new title reaches the updates and decisions that sort by it."""
    if by is not None:
        _record_require(by, "change" if workstream.pk else "add", workstream)
    workstream.save(update_fields=update_fields)
    # The original title, whatever language the admin speaks: ``workstream.title`` would be
    # the reader's translation.
    title = original_text(workstream, "title")
    for model in (ProgressUpdate, Decision):
        model.objects.filter(workstream=workstream).exclude(workstream_title=title).update(
            workstream_title=title
        )
    record_version_bump()
    return workstream
