"""What changed between two meetings, derived from the record (docs/dashboard.md, "What changed
between two meetings"): the page ``/changes/<from>/<to>/``, ``/api/v1/changes/`` and the
briefing pack's "Since the last meeting" read it here, so all three say the same."""

from dataclasses import dataclass

from meetings.models import Meeting
from workstreams.changes.categories import Category, Change, EvidenceKind
from workstreams.changes.derive import mandate_changes, proposal_changes, reported, status_changes
from workstreams.changes.leads import new_leads
from workstreams.changes.record import ChangesRecord, MeetingOrderError, previous_meeting

__all__ = [
    "Category",
    "Change",
    "Changes",
    "EvidenceKind",
    "Group",
    "MeetingOrderError",
    "changes_between",
    "previous_meeting",
]


@dataclass(frozen=True)
class Group:
    category: str
    label: str
    changes: list[Change]


@dataclass(frozen=True)
class Changes:
    start: Meeting
    end: Meeting
    changes: list[Change]

    @property
    def groups(self) -> list[Group]:
        """Every category, in order, with its changes (an empty list: none on record)."""
        return [
            Group(
                category, str(category.label), [c for c in self.changes if c.category == category]
            )
            for category in Category
        ]

    def of(self, category: str) -> list[Change]:
        return [c for c in self.changes if c.category == category]


def changes_between(start: Meeting, end: Meeting) -> Changes:
    """The changes from ``start`` to ``end``; ``MeetingOrderError`` unless ``start`` comes
    before ``end`` in the matrix's order."""
    record = ChangesRecord.read(start, end)
    found = [
        *status_changes(record),
        *reported(record),
        *proposal_changes(record),
        *new_leads(record),
        *mandate_changes(record),
    ]
    return Changes(start, end, sorted(found, key=lambda change: change.sort_key))
