"""Writes of the report intake: upload, read, decide (docs/intake.md). Applying is in
intake.apply. Each is typed, keyword-only and atomic; the record is never written here."""

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.extraction import report_extract
from intake.items import review_items
from intake.matching import AMBIGUOUS, NEW, PROBABLE
from intake.models import Decision, Intake, IntakeItem
from intake.reading import ReportUnreadable, format_of, report_check, report_read
from meetings.models import Meeting

READ_TASK = "intake.intake_read"


def intake_require(by: User | AnonymousUser | None, action: str) -> None:
    """Only the secretariat takes in reports; ``by`` None is the command line."""
    if by is not None and not by.has_perm(f"intake.{action}_intake"):
        raise PermissionDenied(_("Only the secretariat takes in meeting reports."))


@transaction.atomic
def intake_upload(
    *,
    file_name: str,
    data: bytes,
    by: User | AnonymousUser | None,
    meeting: Meeting | None = None,
    read_now: bool = False,
) -> Intake:
    """Keep an uploaded report and read it: here for a small file, in a Celery job for a large
    one (``read_now``: here whatever its size). A file that is too large, of another type or
    hostile is refused (ReportUnreadable) before anything is kept."""
    intake_require(by, "add")
    file_format = format_of(file_name)
    report_check(data, file_format)
    intake = Intake(
        file_name=file_name[-255:],
        file_format=file_format,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        meeting=meeting,
        uploaded_by=by if isinstance(by, User) else None,
    )
    intake.file.save(f"report.{file_format}", ContentFile(data), save=False)
    intake.save()
    if read_now or len(data) <= settings.INTAKE_READ_IN_REQUEST_BYTES:
        intake_read(intake_id=intake.pk)
        intake.refresh_from_db()
    else:
        from intake.tasks import intake_read_task

        pk = intake.pk
        transaction.on_commit(lambda: intake_read_task.delay(pk))
    return intake


@transaction.atomic
def intake_read(*, intake_id: int) -> None:
    """Read a kept report into its review items. Safe to run twice: an intake already read is
    left as it is, decisions and all."""
    intake = Intake.objects.select_for_update().get(pk=intake_id)
    if intake.state != Intake.State.RECEIVED:
        return
    try:
        with intake.file.open("rb") as kept:
            lines = report_read(kept.read(), intake.file_format)
    except ReportUnreadable as error:
        intake.state, intake.error = Intake.State.FAILED, str(error)
        intake.save(update_fields=["state", "error"])
        return
    extraction = report_extract(lines)
    items = review_items(extraction, meeting=intake.meeting)
    IntakeItem.objects.bulk_create(
        IntakeItem(
            intake=intake,
            section=item.section,
            position=position,
            values=item.values,
            matches=item.matches,
            first_line=item.source.first,
            last_line=item.source.last,
            page=item.source.page,
            source_text=item.source.text,
        )
        for position, item in enumerate(items, start=1)
    )
    intake.state, intake.line_count, intake.read_at = Intake.State.READY, len(lines), timezone.now()
    intake.notes = extraction.problems
    intake.save(update_fields=["state", "line_count", "read_at", "notes"])


def item_choices_check(item: IntakeItem, choices: Mapping[str, Any]) -> dict[str, str]:
    """A person's choices for an item's matches: for each, "new" or one of its candidates (or
    its own match). Anything else is refused, naming the item and the match."""
    checked: dict[str, str] = {}
    for role, chosen in choices.items():
        match = item.matches.get(role)
        if match is None:
            raise ValidationError(
                _("Item %(item)d has no “%(role)s” to choose.") % {"item": item.pk, "role": role}
            )
        allowed = {str(c["key"]) for c in match.get("candidates", [])} | {"new"}
        if match.get("key"):
            allowed.add(str(match["key"]))
        if str(chosen) not in allowed:
            raise ValidationError(
                _("Item %(item)d: “%(chosen)s” is not a candidate for its %(role)s.")
                % {"item": item.pk, "chosen": str(chosen)[:40], "role": role}
            )
        checked[role] = str(chosen)
    return checked


def edits_check(item: IntakeItem, edits: Mapping[str, Any]) -> dict[str, Any]:
    """Corrections of an item's values: only its own text fields, as text."""
    checked: dict[str, Any] = {}
    for key, value in edits.items():
        if key not in item.values or not isinstance(item.values[key], str | None):
            raise ValidationError(
                _("Item %(item)d has no value “%(key)s” to correct.")
                % {"item": item.pk, "key": str(key)[:40]}
            )
        if not isinstance(value, str) or "\x00" in value or len(value) > 5000:
            raise ValidationError(
                _("Item %(item)d: “%(key)s” must be text of at most 5,000 characters.")
                % {"item": item.pk, "key": key}
            )
        if value.strip() != (item.values[key] or ""):
            checked[key] = value.strip()
    return checked


def choices_needed(item: IntakeItem) -> list[str]:
    """The matches of an item a person must choose for before accepting it: a probable match
    (confirm it), several candidates (choose one), or a new row with candidates alike."""
    needed = []
    for role, match in item.matches.items():
        if role in item.choices:
            continue
        status = match.get("status")
        if status in (PROBABLE, AMBIGUOUS) or (status == NEW and match.get("candidates")):
            needed.append(role)
    return needed


def choices_needed_message(item: IntakeItem, needed: list[str]) -> str:
    return _("Item %(item)d (%(label)s): choose its %(roles)s before accepting it.") % {
        "item": item.pk,
        "label": item.label[:60],
        "roles": ", ".join(needed),
    }


@transaction.atomic
def intake_item_decide(
    *,
    item: IntakeItem,
    decision: str,
    by: User | AnonymousUser,
    choices: Mapping[str, Any] | None = None,
    edits: Mapping[str, Any] | None = None,
) -> IntakeItem:
    """Accept or reject an item, with a person's choices of its matches and corrections of its
    values. An item already applied keeps its decision: the record row it became is edited in
    the admin, not here."""
    intake_require(by, "change")
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ValidationError(_("A decision is accept or reject."))
    if item.applied_at is not None:
        raise ValidationError(
            _("Item %(item)d is already applied; change its record row instead.")
            % {"item": item.pk}
        )
    item.choices = {**item.choices, **item_choices_check(item, choices or {})}
    item.edits = {**item.edits, **edits_check(item, edits or {})}
    if decision == Decision.ACCEPTED and (needed := choices_needed(item)):
        raise ValidationError(choices_needed_message(item, needed))
    item.decision = decision
    item.decided_by = by if isinstance(by, User) else None
    item.decided_at = timezone.now()
    item.save(update_fields=["choices", "edits", "decision", "decided_by", "decided_at"])
    return item
