"""Co-lead inputs: each lead entity's focal point drafts and submits its own input for a
workstream at a meeting; the secretariat merges the submitted ones into the one progress update,
which keeps them as its sources. The merge never publishes: ``progress_update_publish`` does.

Each function asks the rules in workstreams.permissions, writes who did it into the history,
and refuses bad input with a ``ValidationError`` before anything is written.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from meetings.models import Meeting
from workstreams.models import ProgressInput, ProgressUpdate, Workstream, WorkstreamLead
from workstreams.permissions import focal_point_entity_id, is_secretariat
from workstreams.services.progress_updates import progress_update_save, progress_update_submit

ORIGINAL = settings.CONTENT_ORIGINAL_LANGUAGE


def _require(user: User | AnonymousUser, perm: str, row: ProgressInput | None) -> None:
    # Merged, an input is locked for everyone, a superuser too: its update shows it.
    locked = row is not None and row.merged_into_id is not None
    if locked or not user.has_perm(f"workstreams.{perm}_progressinput", row):
        raise PermissionDenied(_("You may not do this to this input."))


def _history_user(by: User | AnonymousUser) -> User | None:
    return by if isinstance(by, User) else None


def _own_entity(row: ProgressInput, *, by: User | AnonymousUser) -> None:
    """A focal point's input is its own entity's: filled in when not given, refused when
    another's. The secretariat names any lead entity."""
    own = focal_point_entity_id(by)
    if own is None or by.is_superuser or is_secretariat(by):
        return
    if row.entity_id is None:
        row.entity_id = own
    elif row.entity_id != own:
        raise ValidationError(
            {"entity": _("A focal point writes the input of their own entity only.")},
            code="invalid",
        )


def _a_lead(row: ProgressInput) -> None:
    if row.workstream_id is None:
        return  # full_clean names the missing field
    if row.entity_id is None:
        raise ValidationError(
            {"entity": _("Name the lead entity whose input this is.")}, code="required"
        )
    if not WorkstreamLead.objects.filter(
        workstream_id=row.workstream_id, entity_id=row.entity_id
    ).exists():
        raise ValidationError(
            {"entity": _("This entity does not lead this workstream: only its leads give inputs.")},
            code="invalid",
        )


@transaction.atomic
def progress_input_save(
    *, progress_input: ProgressInput, by: User | AnonymousUser
) -> ProgressInput:
    """Create or edit an input as ``by``: a focal point its own entity's, until it is merged.
    Its state changes only by ``progress_input_submit`` and the merge."""
    row = progress_input
    if row.pk is None:
        _require(by, "add", None)
        row.state, row.submitted_at, row.merged_into = ProgressInput.State.DRAFT, None, None
        row.author = _history_user(by)
    else:
        stored = ProgressInput.objects.select_for_update().get(pk=row.pk)
        _require(by, "change", stored)
        row.state, row.submitted_at = stored.state, stored.submitted_at
        row.merged_into_id, row.author_id = stored.merged_into_id, stored.author_id
    _own_entity(row, by=by)
    _require(by, "change", row)
    _a_lead(row)
    same = ProgressInput.objects.filter(
        workstream_id=row.workstream_id, meeting_id=row.meeting_id, entity_id=row.entity_id
    )
    if row.meeting_id is not None and same.exclude(pk=row.pk).exists():
        raise ValidationError(
            _("This entity already has an input for this workstream at this meeting: edit it."),
            code="duplicate_input",
        )
    row.full_clean()
    row._history_user = _history_user(by)
    row.save()
    return row


@transaction.atomic
def progress_input_submit(
    *, progress_input: ProgressInput, by: User | AnonymousUser
) -> ProgressInput:
    """Its focal point (or the secretariat) sends a draft input to the secretariat."""
    row = ProgressInput.objects.select_for_update().get(pk=progress_input.pk)
    _require(by, "change", row)
    if row.state != ProgressInput.State.DRAFT:
        raise ValidationError(
            _("This input is already submitted; only a draft can be submitted."),
            code="invalid_transition",
        )
    _require(by, "submit", row)
    row.state, row.submitted_at = ProgressInput.State.SUBMITTED, timezone.now()
    row._history_user = _history_user(by)
    row._change_reason = _("Submitted to the secretariat")
    row.save()
    return row


def _agreed_status(inputs: list[ProgressInput]) -> str:
    """The status the inputs propose, when they all propose the same one; else none."""
    proposed = {i.status for i in inputs if i.status}
    return proposed.pop() if len(proposed) == 1 else ""


def _merge_checks(
    *, workstream: Workstream, meeting: Meeting, summary: str, by: User | AnonymousUser
) -> tuple[list[ProgressInput], ProgressUpdate | None]:
    _require(by, "merge", None)
    if not summary.strip():
        raise ValidationError(
            {"summary": _("Write the merged summary: the update cannot be empty.")},
            code="required",
        )
    update = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(workstream=workstream, meeting=meeting)
        .first()
    )
    if update is not None and update.state == ProgressUpdate.State.PUBLISHED:
        raise ValidationError(
            _(
                "The update of this workstream at this meeting is published: return it to draft "
                "before merging inputs into it."
            ),
            code="update_published",
        )
    inputs = list(
        ProgressInput.objects.select_for_update(of=("self",))
        .for_merge(workstream_id=workstream.pk, meeting_id=meeting.pk)
        .filter(state=ProgressInput.State.SUBMITTED)
    )
    # The inputs not yet merged, and those already merged into this update (a merge again).
    update_id = update.pk if update is not None else None
    inputs = [i for i in inputs if i.merged_into_id in {None, update_id}]
    if not inputs:
        raise ValidationError(
            _("No input of this workstream at this meeting is submitted: nothing to merge."),
            code="nothing_to_merge",
        )
    return inputs, update


@transaction.atomic
def progress_inputs_merge(
    *,
    workstream: Workstream,
    meeting: Meeting,
    summary: str,
    next_steps: str = "",
    sources_public: bool = False,
    status: str = "",
    submit: bool = False,
    by: User | AnonymousUser,
) -> ProgressUpdate:
    """The secretariat merges the submitted inputs of a workstream at a meeting into its one
    progress update, in the text it wrote: the update is created or edited (a draft, or
    submitted with ``submit``), never published, and keeps the inputs as its sources, which
    are then locked. ``status`` defaults to the one the inputs agree on."""
    inputs, update = _merge_checks(workstream=workstream, meeting=meeting, summary=summary, by=by)
    if update is None:
        update = ProgressUpdate(workstream=workstream, meeting=meeting)
    update.status = status or _agreed_status(inputs) or update.status
    setattr(update, build_localized_fieldname("summary", ORIGINAL), summary.strip())
    setattr(update, build_localized_fieldname("next_steps", ORIGINAL), next_steps.strip())
    update.sources_public = sources_public
    update = progress_update_save(update=update, by=by)
    for row in inputs:
        if row.merged_into_id != update.pk:
            row.merged_into = update
            row._history_user = _history_user(by)
            row._change_reason = _("Merged into the progress update")
            row.save(update_fields=["merged_into", "updated_at"])
    if submit and update.state == ProgressUpdate.State.DRAFT:
        update = progress_update_submit(update=update, by=by)
    return update
