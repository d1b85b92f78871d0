"""The status matrix: workstreams (grouped by kind, sub-groups under their parent) × meetings."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from workstreams.cells import (
    NO_RECORD,
    NO_RECORD_SYMBOL,
    STATUS_SYMBOLS,
    Cell,
    cells_for,
    current_cell,
)
from workstreams.models import Status, Workstream, WorkstreamKind


@dataclass(frozen=True)
class Row:
    workstream: Workstream
    depth: int
    cells: list[Cell]

    @property
    def current(self) -> Cell | None:
        """The cell of the latest meeting with a record: the workstream's status now."""
        return current_cell(self.workstream)


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class SomGroup:
    som_number: int
    meetings: list[Meeting]


def legend() -> list[tuple[str, str, str]]:
    """(status value, label, symbol) for every status, then "no record"."""
    return [(s.value, str(s.label), STATUS_SYMBOLS[s]) for s in Status] + [
        ("", str(NO_RECORD), NO_RECORD_SYMBOL)
    ]


def som_groups(meetings: Sequence[Meeting]) -> list[SomGroup]:
    groups: list[SomGroup] = []
    for meeting in meetings:
        if not groups or groups[-1].som_number != meeting.som_number:
            groups.append(SomGroup(meeting.som_number, []))
        groups[-1].meetings.append(meeting)
    return groups


# The headline counts of the timeline page, by status now.
SUMMARY_GROUPS: list[tuple[str, Any, set[str]]] = [
    ("active", _("Active"), {Status.ESTABLISHED, Status.ACTIVE, Status.EXTENDED}),
    ("proposed", _("Proposed"), {Status.PROPOSED}),
    ("concluded", _("Concluded"), {Status.CONCLUDED, Status.SUCCEEDED}),
]


def summary_counts(groups: Iterable[KindGroup]) -> list[tuple[str, str, int]]:
    """(key, label, count) of workstreams by their status now."""
    current = [row.current.status for g in groups for row in g.rows if row.current]
    return [
        (key, str(label), sum(1 for s in current if s in statuses))
        for key, label, statuses in SUMMARY_GROUPS
    ]


def build_matrix(workstreams: Iterable[Workstream], meetings: Sequence[Meeting]) -> list[KindGroup]:
    """Rows grouped by the kind of their top-level workstream, each sub-group under its parent.

    ``workstreams`` must come from ``Workstream.objects.for_timeline()``, so that reading the
    entries costs no query.
    """
    children: dict[int | None, list[Workstream]] = defaultdict(list)
    for workstream in sorted(workstreams, key=lambda w: w.title):
        children[workstream.parent_id].append(workstream)

    def rows_under(workstream: Workstream, depth: int) -> list[Row]:
        row = Row(workstream, depth, cells_for(workstream, meetings))
        return [row] + [
            r for child in children[workstream.pk] for r in rows_under(child, depth + 1)
        ]

    groups = []
    for kind in WorkstreamKind:
        rows = [r for w in children[None] if w.kind == kind for r in rows_under(w, 0)]
        if rows:
            groups.append(KindGroup(kind.value, str(kind.label), rows))
    return groups
