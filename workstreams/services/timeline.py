"""The timeline: each workstream's status at each meeting, derived from the record in one place.

Decisions, proposals, progress updates, meetings and the report loader all call
``timeline_entry_refresh`` (or ``workstream_timeline_refresh``, its loop over a row); nothing
else writes a ``TimelineEntry``.
"""

from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from delivery.interface import follow_status_changed, webhook_status_changed
from meetings.models import Evidence, Meeting
from workstreams.models import Decision, ProgressUpdate, Proposal, Status, TimelineEntry, Workstream
from workstreams.services.mandates import workstream_mandate_refresh

# What a decision of the Senior Officials makes of a workstream's status at that meeting, most
# telling first: where one meeting took several decisions on a workstream, the first one listed
# here sets the cell.
DECISION_STATUS: dict[str, str] = {
    Decision.Kind.CONCLUDE: Status.CONCLUDED,
    Decision.Kind.NOT_TAKEN_FORWARD: Status.NOT_TAKEN_FORWARD,
    Decision.Kind.ESTABLISH: Status.ESTABLISHED,
    Decision.Kind.EXTEND: Status.EXTENDED,
    Decision.Kind.CONTINUE: Status.ACTIVE,
    Decision.Kind.ENDORSE: Status.ACTIVE,
}
DECISION_PRECEDENCE = list(DECISION_STATUS)

ENDORSEMENT_READ_AS_ACTIVE = _(
    "The meeting endorsed its document; the record reports no activity of its own there, so "
    "“active” is our reading of the endorsement."
)


@transaction.atomic
def timeline_entry_refresh(*, workstream: Workstream, meeting: Meeting) -> TimelineEntry | None:
    """Derive the status of ``workstream`` at ``meeting`` from the record, and store it.

    A decision of the Senior Officials outranks a published progress update, which outranks a
    concept note proposing the workstream. With none of these the cell is "no record" and any
    stored entry is removed. Writes only when something changed; a changed status is a
    ``status.changed`` event for webhooks.
    """
    entry = (
        TimelineEntry.objects.select_for_update()
        .filter(workstream=workstream, meeting=meeting)
        .first()
    )
    wanted = _derive_entry(workstream=workstream, meeting=meeting)
    previous = entry.status if entry is not None else None
    status = wanted.status if wanted is not None else None
    if wanted is None:
        if entry is not None:
            entry.delete()
    elif entry is None:
        wanted.save()
        entry = wanted
    else:
        fields = [
            "status",
            "basis",
            "decision_id",
            "update_id",
            "proposal_id",
            "evidence",
            "evidence_reason",
        ]
        changed = [f for f in fields if getattr(entry, f) != getattr(wanted, f)]
        if changed:
            for f in changed:
                setattr(entry, f, getattr(wanted, f))
            entry.save(update_fields=[f.removesuffix("_id") for f in changed])
    if status != previous:
        workstream_status_now_refresh(workstreams=Workstream.objects.filter(pk=workstream.pk))
        webhook_status_changed(
            workstream=workstream, meeting=meeting, previous=previous, status=status
        )
        follow_status_changed(
            workstream=workstream, meeting=meeting, previous=previous, status=status
        )
    return entry if wanted is not None else None


def workstream_status_now_refresh(*, workstreams: "models.QuerySet[Workstream]") -> None:
    """Store each workstream's status at its latest meeting with a record (``status_now``) and
    that meeting (``last_record_meeting``), in one UPDATE: after its timeline changed, or a meeting
    moved to another date."""
    latest = TimelineEntry.objects.filter(workstream=OuterRef("pk")).order_by(
        "-meeting__date", "-meeting__som_number"
    )
    workstreams.update(
        status_now=Subquery(latest.values("status")[:1]),
        last_record_meeting=Subquery(latest.values("meeting")[:1]),
    )


@transaction.atomic
def workstream_timeline_refresh(*, workstreams: "models.QuerySet[Workstream]") -> None:
    """Re-derive every cell of these workstreams' rows, and their mandate, after a decision or
    a proposal of the record was added, changed or removed."""
    meetings = list(Meeting.objects.all())
    for workstream in workstreams:
        for meeting in meetings:
            timeline_entry_refresh(workstream=workstream, meeting=meeting)
    workstream_mandate_refresh(workstreams=workstreams)


def _derive_entry(*, workstream: Workstream, meeting: Meeting) -> TimelineEntry | None:
    cell = {"workstream": workstream, "meeting": meeting}
    decisions = list(Decision.objects.filter(**cell))
    if decisions:
        decision = min(decisions, key=lambda d: DECISION_PRECEDENCE.index(d.kind))
        return TimelineEntry(
            **cell,
            status=DECISION_STATUS[decision.kind],
            basis="decision",
            decision=decision,
            **_decision_evidence(decision),
        )
    update = ProgressUpdate.objects.published().filter(**cell).first()
    if update is not None:
        return TimelineEntry(
            **cell, status=update.status, basis="update", update=update, **_evidence(update)
        )
    proposal = (
        Proposal.objects.filter(**cell, kind=Proposal.Kind.CONCEPT_NOTE).order_by("pk").first()
    )
    if proposal is not None:
        return TimelineEntry(
            **cell,
            status=Status.PROPOSED,
            basis="proposal",
            proposal=proposal,
            **_evidence(proposal),
        )
    return None


def _evidence(row: Decision | ProgressUpdate | Proposal) -> dict[str, str]:
    """A status read straight off a row of the record is as certain as the row."""
    return {"evidence": row.evidence, "evidence_reason": row.evidence_reason}


def _decision_evidence(decision: Decision) -> dict[str, str]:
    """An endorsement of a workstream's document says the meeting approved its output, not that
    the workstream reported activity there: the "active" it gives is our reading."""
    if decision.kind == Decision.Kind.ENDORSE and decision.evidence == Evidence.STATED:
        return {
            "evidence": Evidence.INFERRED,
            "evidence_reason": str(ENDORSEMENT_READ_AS_ACTIVE),
        }
    return _evidence(decision)
