"""The briefing pack's "Since the last meeting": what changed from the meeting before the pack's
meeting to the pack's meeting, from the same code as the page ``/changes/<from>/<to>/`` and
``/api/v1/changes/`` (workstreams/changes/), worded for print: each change with its basis and
where the record says it."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from meetings.models import Meeting
from workstreams.basis import with_basis
from workstreams.changes import Change, changes_between, previous_meeting


@dataclass(frozen=True)
class SinceGroup:
    label: str
    lines: list[str]


@dataclass(frozen=True)
class Since:
    """The section: the meeting before (None for the first meeting), and the kinds of change
    with at least one change, in order."""

    previous: Meeting | None
    meeting: Meeting
    groups: list[SinceGroup] = field(default_factory=list)

    @property
    def previous_label(self) -> str:
        return self.previous.short_label if self.previous else ""


def _line(change: Change) -> str:
    where = change.row.provenance or change.meeting.short_label
    text = _("%(workstream)s: %(change)s Evidence: %(kind)s, %(where)s.") % {
        "workstream": change.workstream.title,
        "change": change.text,
        "kind": change.kind_label,
        "where": where,
    }
    return with_basis(text, change.evidence, change.reason)


def since_last_meeting(meeting: Meeting) -> Since:
    """The changes from the meeting before ``meeting`` to ``meeting``."""
    previous = previous_meeting(meeting)
    if previous is None:
        return Since(None, meeting)
    changes = changes_between(previous, meeting)
    groups = [
        SinceGroup(group.label, [_line(c) for c in group.changes])
        for group in changes.groups
        if group.changes
    ]
    return Since(previous, meeting, groups)
