"""Progress updates: the editorial workflow.

draft → submitted → published, and back to draft with a reason. Every write goes through one
of these functions: it asks the rules in workstreams.permissions who may do it, refuses an edit
made on a stale copy, records who did it in the history, and refreshes the timeline cell.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, get_text_list
from django.utils.translation import gettext as _

from delivery.interface import follow_update_published, webhook_update_published
from meetings.models import Entity, Meeting
from meetings.record_version import record_version_bump
from workstreams.models import ProgressUpdate, Workstream
from workstreams.permissions import focal_point_entity_id, is_secretariat
from workstreams.services.briefing_packs import briefing_packs_supersede
from workstreams.services.timeline import timeline_entry_refresh

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
    "evidence",
    "evidence_reason",
    "state",
    "returned_reason",
]


@dataclass(frozen=True)
class Changes:
    """What changed in an update since a given version, by whom and when."""

    fields: list[str]
    by: str
    at: datetime.datetime

    def message(self) -> str:
        what = get_text_list(self.fields, _("and")) if self.fields else _("its editorial state")
        return _(
            "Someone else saved this update while you were editing it: %(by)s changed "
            "%(what)s at %(at)s. Your changes were not saved. Reload the update, look at "
            "theirs, and make yours again."
        ) % {
            "by": self.by,
            "what": what,
            "at": date_format(self.at.astimezone(datetime.UTC), "d M Y H:i") + " UTC",
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


def _require(user: User | AnonymousUser, perm: str, update: ProgressUpdate | None) -> None:
    if not user.has_perm(f"workstreams.{perm}_progressupdate", update):
        raise PermissionDenied(_("You may not do this to this update."))


def _write(update: ProgressUpdate, *, by: User | AnonymousUser, reason: str = "") -> None:
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
    update._history_user = _history_user(by)
    if reason:
        # The history keeps a short reason; the update itself keeps the whole of it.
        update._change_reason = Truncator(reason).chars(100)
    update.save()
    timeline_entry_refresh(workstream=update.workstream, meeting=update.meeting)


def _history_user(by: User | AnonymousUser) -> User | None:
    """The login the history names: an anonymous caller never gets past ``_require``."""
    return by if isinstance(by, User) else None


def _presenting_entity(
    update: ProgressUpdate, *, by: User | AnonymousUser, stored_entity_id: int | None
) -> None:
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


def _presenting_person(
    update: ProgressUpdate, *, by: User | AnonymousUser, stored_presenter_id: int | None
) -> None:
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
    # A relation gives its id (its attname), not the row.
    return [update.serializable_value(f) for f in names]


@transaction.atomic
def progress_update_save(*, update: ProgressUpdate, by: User | AnonymousUser) -> ProgressUpdate:
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
    if stored_state == ProgressUpdate.State.PUBLISHED:
        record_version_bump()
    return update


def _transition(
    *,
    update: ProgressUpdate,
    by: User | AnonymousUser,
    perm: str,
    allowed_from: set[str],
    to: str,
    reason: str = "",
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
    if to != ProgressUpdate.State.DRAFT and not update.summary.strip():
        raise ValidationError(
            {"summary": _("Write the summary before the update is submitted.")}, code="required"
        )
    update.state = to
    update.published_at = timezone.now() if to == ProgressUpdate.State.PUBLISHED else None
    _write(update, by=by, reason=reason)
    if to == ProgressUpdate.State.PUBLISHED:
        webhook_update_published(update=update)
        follow_update_published(update=update)
    return update


@transaction.atomic
def progress_update_submit(*, update: ProgressUpdate, by: User | AnonymousUser) -> ProgressUpdate:
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
def progress_update_publish(*, update: ProgressUpdate, by: User | AnonymousUser) -> ProgressUpdate:
    """The secretariat makes a submitted update public; the timeline shows it from now on."""
    update = _transition(
        update=update,
        by=by,
        perm="publish",
        allowed_from={ProgressUpdate.State.SUBMITTED},
        to=ProgressUpdate.State.PUBLISHED,
        reason=_("Published"),
    )
    record_version_bump()
    return update


@transaction.atomic
def progress_update_return_to_draft(
    *, update: ProgressUpdate, by: User | AnonymousUser, reason: str
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
        record_version_bump()
    return update


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate, by: User | AnonymousUser) -> None:
    """The secretariat deletes an update; its cell is derived again and, if it was public, the
    packs that hold it are superseded."""
    _require(by, "delete", update)
    was_published = update.state == ProgressUpdate.State.PUBLISHED
    label, update_id = str(update), update.pk
    workstream, meeting = update.workstream, update.meeting
    update._history_user = _history_user(by)
    update.delete()
    timeline_entry_refresh(workstream=workstream, meeting=meeting)
    if was_published:
        briefing_packs_supersede(
            update_id=update_id,
            meeting_id=meeting.pk,
            reason=_("The update “%(update)s” was deleted.") % {"update": label},
            by=by,
        )
        record_version_bump()


@transaction.atomic
def workstream_delete(*, workstream: Workstream, by: User | AnonymousUser) -> None:
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
    record_version_bump()


def _withdrawn(
    update: ProgressUpdate, *, by: User | AnonymousUser, why: str, meeting_id: int | None = None
) -> None:
    briefing_packs_supersede(
        update_id=update.pk,
        meeting_id=meeting_id or update.meeting_id,
        reason=_("The update “%(update)s” %(why)s.") % {"update": update, "why": why},
        by=by,
    )
