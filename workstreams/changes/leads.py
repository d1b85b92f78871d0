"""New lead entities: an entity first named as a lead at a meeting of the interval.

Where a lead first appears is the meeting of the document its row is taken from (its
``source``). A lead row with no source names no meeting: its first appearance is then read
from the first published progress update of that workstream presented by that entity, marked
inferred; with neither, the lead is placed at no meeting and is not listed.
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from meetings.models import Meeting
from workstreams.changes.categories import Category, Change, evidence_of, inferred
from workstreams.changes.record import ChangesRecord
from workstreams.models import LeadRole, WorkstreamLead


def _first_meeting(record: ChangesRecord, lead: WorkstreamLead) -> tuple[Meeting | None, bool]:
    """The meeting where the lead row first appears, and whether that is read from an update."""
    if lead.source is not None:
        return lead.source.meeting, False
    presented = (
        u
        for u in record.updates
        if u.workstream_id == lead.workstream_id and u.entity_id == lead.entity_id
    )
    update = next(presented, None)
    return (update.meeting, True) if update is not None else (None, False)


def new_leads(record: ChangesRecord) -> Iterator[Change]:
    placed = []
    for lead in record.leads:
        meeting, read = _first_meeting(record, lead)
        at = record.position(meeting.pk) if meeting is not None else None
        if meeting is not None and at is not None:
            placed.append((at, meeting, read, lead))
    first: dict[int, int] = {}
    for at, _meeting, _read, lead in placed:
        first[lead.entity_id] = min(at, first.get(lead.entity_id, at))
    for at, meeting, read, lead in placed:
        if at == first[lead.entity_id] and at > record.start_at:
            yield _lead_change(lead, meeting, read=read)


def _lead_change(lead: WorkstreamLead, meeting: Meeting, *, read: bool) -> Change:
    words = {"entity": lead.entity.label, "meeting": meeting.short_label}
    text = (
        _("%(entity)s named as co-lead at %(meeting)s: its first time as a lead on record.")
        if lead.role == LeadRole.CO_LEAD
        else _("%(entity)s named as lead at %(meeting)s: its first time as a lead on record.")
    ) % words
    why = (
        inferred(
            _(
                "The lead names no source; its first appearance is read from the first "
                "progress update it presented for this workstream."
            )
        )
        if read
        else evidence_of(lead)
    )
    return Change(
        category=Category.NEW_LEAD,
        workstream=lead.workstream,
        row=lead,
        meeting=meeting,
        text=text,
        entity=lead.entity,
        why=why,
    )
