"""A workstream at a meeting, as the pages, the API and the briefing pack show it: a cell."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from meetings.models import Evidence, Meeting
from workstreams.models import Decision, ProgressUpdate, Status, TimelineEntry, Workstream

# Each status has a symbol as well as a colour, so the matrix reads without colour vision and
# in print.
STATUS_SYMBOLS: dict[str, str] = {
    Status.PROPOSED: "◇",
    Status.ESTABLISHED: "★",
    Status.ACTIVE: "●",
    Status.EXTENDED: "↻",
    Status.CONCLUDED: "✓",
    Status.SUCCEEDED: "→",
    Status.NOT_TAKEN_FORWARD: "✕",
}
NO_RECORD_SYMBOL = "–"
NO_RECORD = _("no record")


@dataclass(frozen=True)
class Cell:
    meeting: Meeting
    entry: TimelineEntry | None

    @property
    def status(self) -> str:
        return self.entry.status if self.entry else ""

    @property
    def label(self) -> str:
        return self.entry.get_status_display() if self.entry else str(NO_RECORD)

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self.entry.status] if self.entry else NO_RECORD_SYMBOL

    @property
    def is_inferred(self) -> bool:
        """Whether the status is our reading of the record rather than its words."""
        return self.entry is not None and self.entry.evidence == Evidence.INFERRED

    @property
    def evidence_reason(self) -> str:
        return self.entry.evidence_reason if self.entry else ""


@dataclass(frozen=True)
class RecordCell(Cell):
    """A cell with the published update and the decisions of that meeting, for the API."""

    update: ProgressUpdate | None = None
    decisions: list[Decision] = field(default_factory=list)


def cells_for(workstream: Workstream, meetings: Sequence[Meeting]) -> list[Cell]:
    """One cell per meeting, from the workstream's prefetched timeline entries."""
    entries = {e.meeting_id: e for e in workstream.timeline_entries.all()}
    return [Cell(m, entries.get(m.pk)) for m in meetings]


def current_cell(workstream: Workstream) -> Cell | None:
    """The workstream's status now, as a cell: at its latest meeting with a record."""
    entry = workstream.current_entry
    return Cell(entry.meeting, entry) if entry else None
