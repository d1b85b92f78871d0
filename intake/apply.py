"""Applying an intake's accepted items to the record, in one transaction, through the services
hand entry uses where the record has them (meetings, participants, updates, proposals,
interventions, workstreams); documents, agenda items, entities and people are checked as the
admin checks them (``full_clean``) and saved (docs/intake.md).

A row the record already has is found and left as it is, never overwritten: applying twice, or
applying a report whose facts were entered by hand or by the loader, changes nothing. Each item
keeps the row it became or found, so that a record row can say which upload and which line of it
it came from. Progress updates arrive as drafts with their summary left for a person to write.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Decision, Intake, Section
from intake.services import (
    choices_needed,
    choices_needed_message,
    intake_item_decide,
    intake_require,
    item_choices_check,
)
from intake.writer import Applied, Writer
from meetings.record_version import record_version_bump

ORDER = [
    Section.MEETING,
    Section.DOCUMENTS,
    Section.AGENDA,
    Section.PARTICIPANTS,
    Section.PRESENTATIONS,
    Section.PROPOSALS,
    Section.INTERVENTIONS,
]


@transaction.atomic
def intake_apply(
    *,
    intake: Intake,
    by: User,
    accept: Iterable[int] = (),
    choices: Mapping[int, Mapping[str, Any]] | None = None,
) -> Applied:
    """Accept the items ``accept`` names (with ``choices`` for their matches), then apply every
    accepted item not yet applied. Refused (ValidationError), writing nothing, when an item is not
    this intake's or still needs a person's choice."""
    intake_require(by, "change")
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.state != Intake.State.READY:
        raise ValidationError(_("The report has not been read; there is nothing to apply."))
    items = {item.pk: item for item in intake.items.all()}
    accept = list(accept)
    unknown = sorted(set(accept) - items.keys())
    if unknown:
        raise ValidationError(
            _("These items are not of this intake: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in unknown[:20])}
        )
    choices = choices or {}
    problems = []
    for pk in accept:
        item = items[pk]
        if item.applied_at is not None:
            continue
        item.choices = {**item.choices, **item_choices_check(item, choices.get(pk, {}))}
        if needed := choices_needed(item):
            problems.append(choices_needed_message(item, needed))
    if problems:
        raise ValidationError(problems)
    for pk in accept:
        if items[pk].applied_at is None:
            intake_item_decide(item=items[pk], decision=Decision.ACCEPTED, by=by)
    pending = [
        item
        for item in items.values()
        if item.decision == Decision.ACCEPTED and item.applied_at is None
    ]
    writer = Writer(intake, by, items.values())
    for section in ORDER:
        section_items = sorted(
            (item for item in pending if item.section == section), key=lambda i: i.position
        )
        if section_items:
            writer.section(section, section_items)
    writer.meeting_people()
    intake.last_applied_at = timezone.now()
    intake.save(update_fields=["last_applied_at"])
    if writer.applied.changed:
        record_version_bump()
    return writer.applied
