"""Writes that span rows. Each is keyword-only, typed and atomic."""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _

from delivery.interface import (
    outbox_enqueue,
    webhook_meeting_added,
    webhook_status_changed,
    webhook_update_published,
)
from meetings.models import Document, Entity, Meeting
from workstreams.models import (
    Decision,
    Job,
    ProgressUpdate,
    Proposal,
    Status,
    TimelineEntry,
    Workstream,
)
from workstreams.permissions import focal_point_entity_id, is_secretariat

if TYPE_CHECKING:  # WeasyPrint loads only in workers
    from workstreams.briefing import BriefingPack

logger = logging.getLogger(__name__)

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
        fields = ["status", "basis", "decision_id", "update_id", "proposal_id"]
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
    return entry if wanted is not None else None


def workstream_status_now_refresh(*, workstreams: "models.QuerySet[Workstream]") -> None:
    """Store each workstream's status at its latest meeting with a record (``status_now``), in
    one UPDATE: after its timeline changed, or a meeting moved to another date."""
    latest = TimelineEntry.objects.filter(workstream=OuterRef("pk")).order_by(
        "-meeting__date", "-meeting__som_number"
    )
    workstreams.update(status_now=Subquery(latest.values("status")[:1]))


@transaction.atomic
def workstream_timeline_refresh(*, workstreams: "models.QuerySet[Workstream]") -> None:
    """Re-derive every cell of these workstreams' rows, after a decision or a proposal of the
    record was added, changed or removed."""
    meetings = list(Meeting.objects.all())
    for workstream in workstreams:
        for meeting in meetings:
            timeline_entry_refresh(workstream=workstream, meeting=meeting)


def _derive_entry(*, workstream: Workstream, meeting: Meeting) -> TimelineEntry | None:
    cell = {"workstream": workstream, "meeting": meeting}
    decisions = list(Decision.objects.filter(**cell))
    if decisions:
        decision = min(decisions, key=lambda d: DECISION_PRECEDENCE.index(d.kind))
        return TimelineEntry(
            **cell, status=DECISION_STATUS[decision.kind], basis="decision", decision=decision
        )
    update = ProgressUpdate.objects.published().filter(**cell).first()
    if update is not None:
        return TimelineEntry(**cell, status=update.status, basis="update", update=update)
    proposal = (
        Proposal.objects.filter(**cell, kind=Proposal.Kind.CONCEPT_NOTE).order_by("pk").first()
    )
    if proposal is not None:
        return TimelineEntry(**cell, status=Status.PROPOSED, basis="proposal", proposal=proposal)
    return None


# Progress updates: the editorial workflow ---------------------------------------------------
#
# draft → submitted → published, and back to draft with a reason. Every write goes through one
# of these functions: it asks the rules in workstreams.permissions who may do it, refuses an edit
# made on a stale copy, records who did it in the history, and refreshes the timeline cell.

# The fields a person edits, in the order a refusal names them.
EDITABLE_FIELDS = [
    "workstream",
    "meeting",
    "agenda_item",
    "presenter",
    "entity",
    "status",
    "summary",
    "next_steps",
    "expected_to_continue_in",
    "source",
    "source_section",
    "source_quote",
    "state",
    "returned_reason",
]


@dataclass(frozen=True)
class Changes:
    """What changed in an update since a given version, by whom and when."""

    fields: list[str]
    by: str
    at: Any

    def message(self) -> str:
        what = get_text_list(self.fields, _("and")) if self.fields else _("its editorial state")
        return _(
            "Someone else saved this update while you were editing it: %(by)s changed "
            "%(what)s at %(at)s. Your changes were not saved. Reload the update, look at "
            "theirs, and make yours again."
        ) % {
            "by": self.by,
            "what": what,
            "at": self.at.astimezone(datetime.UTC).strftime("%d %b %Y %H:%M UTC"),
        }


class StaleUpdate(ValidationError):
    """An edit was made on a copy of the update that someone else has since saved."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        super().__init__(changes.message(), code="stale")


def progress_update_changes_since(*, update_id: int, version: int) -> Changes:
    """Compare the stored update with the revision the editor started from."""
    revisions = ProgressUpdate.history.filter(id=update_id).order_by("-history_id")
    latest = revisions.select_related("history_user").first()
    started_from = revisions.filter(version=version).first()
    if latest is None:
        return Changes(fields=[], by=_("someone"), at=timezone.now())
    fields = []
    if started_from is not None:
        for name in EDITABLE_FIELDS:
            field = ProgressUpdate._meta.get_field(name)
            assert isinstance(field, models.Field)
            if getattr(latest, field.attname) != getattr(started_from, field.attname):
                fields.append(str(field.verbose_name))
    who = latest.history_user.get_username() if latest.history_user else _("the record loader")
    return Changes(fields=fields, by=who, at=latest.history_date)


def progress_update_check_version(*, update_id: int, version: int) -> None:
    """Refuse an edit made on a copy older than the stored one, naming what changed.

    Locks the row until the end of the transaction, so that no save slips in between this
    check and the caller's write.
    """
    stored = (
        ProgressUpdate.objects.select_for_update()
        .filter(pk=update_id)
        .values_list("version", flat=True)
    ).first()
    if stored is not None and version > stored:
        raise ValidationError(
            {"version": _("This update has never had version %(version)d.") % {"version": version}},
            code="invalid",
        )
    if stored is not None and stored != version:
        raise StaleUpdate(progress_update_changes_since(update_id=update_id, version=version))


def _require(user: Any, perm: str, update: ProgressUpdate | None) -> None:
    if not user.has_perm(f"workstreams.{perm}_progressupdate", update):
        raise PermissionDenied(_("You may not do this to this update."))


def _write(update: ProgressUpdate, *, by: Any, reason: str = "") -> None:
    """Save with the next version, with who and why in the history, and refresh the cell."""
    if update.pk is not None:
        progress_update_check_version(update_id=update.pk, version=update.version)
        claimed = ProgressUpdate.objects.filter(pk=update.pk, version=update.version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleUpdate(
                progress_update_changes_since(update_id=update.pk, version=update.version)
            )
        update.version += 1
    update._history_user = by  # type: ignore[attr-defined]
    if reason:
        # The history keeps a short reason; the update itself keeps the whole of it.
        update._change_reason = Truncator(reason).chars(100)  # type: ignore[attr-defined]
    update.save()
    timeline_entry_refresh(workstream=update.workstream, meeting=update.meeting)


def _presenting_entity(update: ProgressUpdate, *, by: Any, stored_entity_id: int | None) -> None:
    """A focal point's update presents for their own entity, unless the secretariat changed it.

    The secretariat (and a superuser) sets any entity. For a focal point, the entity is their
    own on a new update or one that has none; on one whose entity the secretariat (or the
    record) set, it stays that entity: the focal point's edit neither resets it nor changes
    it. Sending no entity (or ``null``) takes that value; sending any other is refused.
    """
    own = focal_point_entity_id(by)
    if own is None or by.is_superuser or is_secretariat(by):
        return
    kept = stored_entity_id if stored_entity_id is not None else own
    if update.entity_id is None:
        update.entity_id = kept
    elif update.entity_id != kept:
        name = Entity.objects.get(pk=kept)
        if kept == own:
            message = _("A focal point's update presents for their own entity, %(entity)s.")
        else:
            message = _(
                "The secretariat set the presenting entity of this update to %(entity)s; only "
                "the secretariat changes it."
            )
        raise ValidationError({"entity": message % {"entity": name}}, code="invalid")


def _presenting_person(update: ProgressUpdate, *, by: Any, stored_presenter_id: int | None) -> None:
    """A focal point names as presenter someone of their own entity, or keeps the presenter the
    secretariat (or the record) set; the secretariat names anyone."""
    own = focal_point_entity_id(by)
    if own is None or by.is_superuser or is_secretariat(by):
        return
    if update.presenter_id is None or update.presenter_id == stored_presenter_id:
        return
    if update.presenter is not None and update.presenter.entity_id != own:
        raise ValidationError(
            {
                "presenter": _(
                    "A focal point names a presenter of their own entity; %(person)s is not."
                )
                % {"person": update.presenter.name}
            },
            code="invalid",
        )


def _content(update: ProgressUpdate) -> list[Any]:
    """What a briefing pack shows of an update: its editable fields."""
    names = [f for f in EDITABLE_FIELDS if f not in {"state", "returned_reason"}]
    return [getattr(update, ProgressUpdate._meta.get_field(f).attname) for f in names]  # type: ignore[union-attr]


@transaction.atomic
def progress_update_save(*, update: ProgressUpdate, by: Any) -> ProgressUpdate:
    """Create or edit an update as ``by``. Its editorial state changes only by the transitions.

    ``update.version`` must be the version the editor started from: a save on a stale copy is
    refused with ``StaleUpdate``.
    """
    stored_cell = (update.workstream_id, update.meeting_id)
    stored_entity_id = stored_presenter_id = None
    stored_state: str = ProgressUpdate.State.DRAFT
    stored_values = _content(update)
    if update.pk is None:
        _require(by, "add", None)
        update.state = ProgressUpdate.State.DRAFT
        update.published_at = None
        update.version = 1
    else:
        stored = ProgressUpdate.objects.get(pk=update.pk)
        stored_cell = (stored.workstream_id, stored.meeting_id)
        stored_entity_id, stored_presenter_id = stored.entity_id, stored.presenter_id
        stored_state, stored_values = stored.state, _content(stored)
        _require(by, "change", stored)
        # A moved update is checked against the workstream it moves to as well.
        update.state, update.published_at = stored.state, stored.published_at
    _require(by, "change", update)
    _presenting_entity(update, by=by, stored_entity_id=stored_entity_id)
    _presenting_person(update, by=by, stored_presenter_id=stored_presenter_id)
    update.full_clean()
    _write(update, by=by)
    if stored_state == ProgressUpdate.State.PUBLISHED and stored_values != _content(update):
        # The text the packs hold is no longer the public one.
        _withdrawn(
            update, by=by, why=_("was changed after it was published"), meeting_id=stored_cell[1]
        )
    if update.pk is not None and stored_cell != (update.workstream_id, update.meeting_id):
        timeline_entry_refresh(
            workstream=Workstream.objects.get(pk=stored_cell[0]),
            meeting=Meeting.objects.get(pk=stored_cell[1]),
        )
    return update


def _transition(
    *, update: ProgressUpdate, by: Any, perm: str, allowed_from: set[str], to: str, reason: str = ""
) -> ProgressUpdate:
    _require(by, perm, update)
    if update.state not in allowed_from:
        raise ValidationError(
            _("“%(update)s” is %(state)s; only a %(allowed)s update can be %(verb)s.")
            % {
                "update": update,
                "state": update.get_state_display().lower(),
                "allowed": get_text_list(
                    [str(ProgressUpdate.State(s).label).lower() for s in sorted(allowed_from)],
                    _("or"),
                ),
                "verb": {"submit": _("submitted"), "publish": _("published")}.get(
                    perm, _("returned to draft")
                ),
            },
            code="invalid_transition",
        )
    update.state = to
    update.published_at = timezone.now() if to == ProgressUpdate.State.PUBLISHED else None
    _write(update, by=by, reason=reason)
    if to == ProgressUpdate.State.PUBLISHED:
        webhook_update_published(update=update)
    return update


@transaction.atomic
def progress_update_submit(*, update: ProgressUpdate, by: Any) -> ProgressUpdate:
    """A focal point (or the secretariat) sends a draft for review."""
    return _transition(
        update=update,
        by=by,
        perm="submit",
        allowed_from={ProgressUpdate.State.DRAFT},
        to=ProgressUpdate.State.SUBMITTED,
        reason=_("Submitted for review"),
    )


@transaction.atomic
def progress_update_publish(*, update: ProgressUpdate, by: Any) -> ProgressUpdate:
    """The secretariat makes a submitted update public; the timeline shows it from now on."""
    return _transition(
        update=update,
        by=by,
        perm="publish",
        allowed_from={ProgressUpdate.State.SUBMITTED},
        to=ProgressUpdate.State.PUBLISHED,
        reason=_("Published"),
    )


@transaction.atomic
def progress_update_return_to_draft(
    *, update: ProgressUpdate, by: Any, reason: str
) -> ProgressUpdate:
    """The secretariat sends an update back to its authors, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the update goes back to draft: its authors will read it."), code="required"
        )
    was_published = update.state == ProgressUpdate.State.PUBLISHED
    update.returned_reason = reason
    update = _transition(
        update=update,
        by=by,
        perm="return",
        allowed_from={ProgressUpdate.State.SUBMITTED, ProgressUpdate.State.PUBLISHED},
        to=ProgressUpdate.State.DRAFT,
        reason=_("Returned to draft: %(reason)s") % {"reason": reason},
    )
    if was_published:
        _withdrawn(update, by=by, why=_("was returned to draft"))
    return update


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate, by: Any) -> None:
    """The secretariat deletes an update; its cell is derived again and, if it was public, the
    packs that hold it are superseded."""
    _require(by, "delete", update)
    was_published = update.state == ProgressUpdate.State.PUBLISHED
    label, update_id = str(update), update.pk
    workstream, meeting = update.workstream, update.meeting
    update._history_user = by  # type: ignore[attr-defined]
    update.delete()
    timeline_entry_refresh(workstream=workstream, meeting=meeting)
    if was_published:
        briefing_packs_supersede(
            update_id=update_id,
            meeting_id=meeting.pk,
            reason=_("The update “%(update)s” was deleted.") % {"update": label},
            by=by,
        )


@transaction.atomic
def workstream_delete(*, workstream: Workstream, by: Any) -> None:
    """The secretariat deletes a workstream, and its updates with it: the packs that hold one of
    its published updates are superseded."""
    if not by.has_perm("workstreams.delete_workstream", workstream):
        raise PermissionDenied(_("You may not delete this workstream."))
    published = [
        (update.pk, update.meeting_id, str(update))
        for update in workstream.updates.published().select_related("workstream", "meeting")
    ]
    workstream.delete()
    for update_id, meeting_id, label in published:
        briefing_packs_supersede(
            update_id=update_id,
            meeting_id=meeting_id,
            reason=_("The update “%(update)s” was deleted with its workstream.")
            % {"update": label},
            by=by,
        )


def _withdrawn(update: ProgressUpdate, *, by: Any, why: str, meeting_id: int | None = None) -> None:
    briefing_packs_supersede(
        update_id=update.pk,
        meeting_id=meeting_id or update.meeting_id,
        reason=_("The update “%(update)s” %(why)s.") % {"update": update, "why": why},
        by=by,
    )


# Decisions, proposals and meetings: the rest of the record --------------------------------


def _record_require(by: Any, action: str, row: models.Model) -> None:
    perm = f"{row._meta.app_label}.{action}_{row._meta.model_name}"
    if not by.has_perm(perm, row if row.pk else None):
        raise PermissionDenied(_("You may not %(action)s this.") % {"action": action})


def _timeline_refresh_of(workstream_ids: set[int | None]) -> None:
    """Re-derive the rows of the workstreams a change touched, before and after it."""
    workstream_timeline_refresh(
        workstreams=Workstream.objects.filter(pk__in=workstream_ids - {None})
    )


def _record_save(row: Decision | Proposal, *, by: Any) -> None:
    _record_require(by, "change" if row.pk else "add", row)
    before = type(row).objects.filter(pk=row.pk).values_list("workstream_id", flat=True).first()
    row.full_clean()
    row.save()
    _timeline_refresh_of({before, row.workstream_id})


def _record_delete(row: Decision | Proposal, *, by: Any) -> None:
    _record_require(by, "delete", row)
    workstream_id = row.workstream_id
    row.delete()
    _timeline_refresh_of({workstream_id})


@transaction.atomic
def decision_save(*, decision: Decision, by: Any) -> Decision:
    """Add or change a decision of the Senior Officials; the status cells it moves follow."""
    _record_save(decision, by=by)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, by: Any) -> None:
    _record_delete(decision, by=by)


@transaction.atomic
def proposal_save(*, proposal: Proposal, by: Any) -> Proposal:
    """Add or change a proposal put to a meeting; a concept note may set its workstream's cell."""
    _record_save(proposal, by=by)
    return proposal


@transaction.atomic
def proposal_delete(*, proposal: Proposal, by: Any) -> None:
    _record_delete(proposal, by=by)


@transaction.atomic
def meeting_save(*, meeting: Meeting, by: Any, changed: Iterable[str] = ()) -> Meeting:
    """Add a meeting (announced to webhook subscribers) or change one. A new date or SOM number
    can make another meeting the latest with a record, so the workstreams it holds cells of
    have their status now stored again."""
    created = meeting.pk is None
    _record_require(by, "add" if created else "change", meeting)
    meeting.save()
    if created:
        webhook_meeting_added(meeting=meeting)
    elif {"date", "som_number"} & set(changed):
        at_meeting = TimelineEntry.objects.filter(meeting=meeting).values("workstream")
        workstream_status_now_refresh(workstreams=Workstream.objects.filter(pk__in=at_meeting))
    return meeting


# Jobs: the briefing pack -------------------------------------------------------------------

# A job left "running" this long was lost with its worker; a redelivered task may take it over.
JOB_STALE_AFTER = datetime.timedelta(minutes=15)
BRIEFING_PACK_FILES = [("docx", "DOCX"), ("pdf", "PDF"), ("csv", "CSV of statuses")]


@transaction.atomic
def briefing_pack_request(*, meeting: Meeting, by: Any) -> Job:
    """The secretariat asks for a meeting's briefing pack; a worker compiles it."""
    if not by.has_perm("workstreams.add_job"):
        raise PermissionDenied(_("Only the secretariat compiles briefing packs."))
    return _briefing_pack_enqueue(meeting=meeting, by=by)


def _briefing_pack_enqueue(*, meeting: Meeting, by: Any) -> Job:
    job = Job.objects.create(kind=Job.Kind.BRIEFING_PACK, meeting=meeting, requested_by=by)
    outbox_enqueue(task="workstreams.briefing_pack_run", job_id=job.pk)
    return job


def briefing_pack_run(*, job_id: int) -> Job | None:
    """Compile the pack of a queued job; safe to run twice (a second run finds it taken)."""
    from workstreams.briefing import briefing_pack_build  # WeasyPrint loads only in workers

    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(
        state=Job.State.RUNNING, started_at__lt=now - JOB_STALE_AFTER
    )
    claimed = Job.objects.filter(claimable, pk=job_id).update(
        state=Job.State.RUNNING, started_at=now, done=0, total=0, error=""
    )
    if not claimed:
        return None
    job = Job.objects.select_related("meeting", "requested_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        pack = briefing_pack_build(meeting=job.meeting, progress=progress)
        _briefing_pack_keep(job=job, pack=pack)
    except Exception as failure:
        logger.exception("Briefing pack job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED,
            error=f"{type(failure).__name__}: {failure}"[:2000],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


@transaction.atomic
def _briefing_pack_keep(*, job: Job, pack: "BriefingPack") -> None:
    """Keep a compiled pack as the meeting's current one, in new documents with new addresses.

    The pack it replaces is superseded. An update withdrawn while the pack was being compiled
    makes the new pack superseded at birth, and another one is compiled.
    """
    meeting = Meeting.objects.select_for_update().get(pk=job.meeting_id)
    published = dict(
        ProgressUpdate.objects.published().filter(pk__in=pack.contents).values_list("pk", "version")
    )
    now = timezone.now()
    stale = published != pack.contents
    if not stale:
        Document.objects.current().filter(meeting=meeting, kind=Document.Kind.BRIEFING_PACK).update(
            superseded_at=now, superseded_reason=_("Replaced by a newer pack.")
        )
    documents = [
        Document.objects.create(
            meeting=meeting,
            title=_("Briefing pack (%(format)s)") % {"format": label},
            kind=Document.Kind.BRIEFING_PACK,
            file=ContentFile(
                getattr(pack, extension), name=f"{meeting.slug}-briefing-pack.{extension}"
            ),
            superseded_at=now if stale else None,
            superseded_reason=_("An update it holds changed while it was compiled.")
            if stale
            else "",
        )
        for extension, label in BRIEFING_PACK_FILES
    ]
    job.documents.set(documents)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        done=pack.sections,
        total=pack.sections,
        contents={str(pk): version for pk, version in pack.contents.items()},
        finished_at=now,
    )
    if stale:
        _briefing_pack_enqueue(meeting=meeting, by=job.requested_by)


@transaction.atomic
def briefing_packs_supersede(
    *, update_id: int, meeting_id: int, reason: str, by: Any
) -> list[Document]:
    """An update left the public record (returned to draft, changed, deleted): each current
    pack that holds it is superseded, saying why, and the meeting's pack is compiled again.

    Returns the documents superseded. A new pack is asked for once: not when one is already
    queued, which will read the record as it is once this commits.
    """
    meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    if meeting is None:
        return []
    holding = Job.objects.filter(meeting=meeting, contents__has_key=str(update_id))
    documents = list(
        Document.objects.current().filter(
            pk__in=Job.documents.through.objects.filter(job__in=holding).values("document_id")
        )
    )
    if not documents:
        return []
    now = timezone.now()
    Document.objects.filter(pk__in=[d.pk for d in documents]).update(
        superseded_at=now, superseded_reason=Truncator(reason).chars(300)
    )
    queued = Job.objects.filter(
        meeting=meeting, kind=Job.Kind.BRIEFING_PACK, state=Job.State.QUEUED
    ).exists()
    if not queued:
        _briefing_pack_enqueue(meeting=meeting, by=by if getattr(by, "pk", None) else None)
    logger.info(
        "Briefing pack of %s superseded (%s); %s",
        meeting,
        reason,
        "a new one was already queued" if queued else "a new one is queued",
    )
    return documents
