"""The record between two meetings, read once: what the changes are derived from.

Read from the meetings in the matrix's order (``Meeting.objects.up_to``), never from edit
history, so that the same record gives the same changes. The number of queries does not grow
with the record: the meetings up to the later one, the timeline entries at them (with the
record each rests on), the published updates, the decisions, the concept notes and the leads,
and the record's clock as at each of the two meetings.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from meetings.models import Meeting
from workstreams.models import (
    Decision,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    Workstream,
    WorkstreamLead,
)
from workstreams.standing import RecordClock


class MeetingOrderError(ValueError):
    """The first meeting is not before the second in the matrix's order."""


def meetings_in_order(to: Meeting) -> list[Meeting]:
    """``to`` and the meetings before it, in the matrix's order (date, SOM number, entry)."""
    return list(Meeting.objects.up_to(to).order_by("date", "som_number", "pk"))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting just before ``meeting`` in the matrix's order; None for the first."""
    earlier = Meeting.objects.up_to(meeting).exclude(pk=meeting.pk)
    return earlier.order_by("-date", "-som_number", "-pk").first()


def order_check(start: Meeting, end: Meeting, meetings: Iterable[Meeting]) -> None:
    if start.pk == end.pk or start.pk not in {m.pk for m in meetings}:
        raise MeetingOrderError(
            _("%(start)s is not before %(end)s: choose an earlier meeting first.")
            % {"start": start.short_label, "end": end.short_label}
        )


@dataclass
class ChangesRecord:
    start: Meeting
    end: Meeting
    meetings: list[Meeting]  # up to ``end``, in order
    entries: dict[int, list[TimelineEntry]]  # by workstream, in meeting order
    updates: list[ProgressUpdate]  # published, at meetings up to ``end``
    decisions: dict[int, list[Decision]]  # by workstream
    proposals: list[Proposal]  # concept notes naming a workstream
    leads: list[WorkstreamLead]
    clock_start: RecordClock
    clock_end: RecordClock
    index: dict[int, int] = field(init=False)  # meeting id → position

    def __post_init__(self) -> None:
        self.index = {m.pk: i for i, m in enumerate(self.meetings)}

    @classmethod
    def read(cls, start: Meeting, end: Meeting) -> "ChangesRecord":
        meetings = meetings_in_order(end)
        order_check(start, end, meetings)
        entries = (
            TimelineEntry.objects.filter(meeting__in=meetings)
            .select_related(
                "workstream__parent",
                "meeting",
                "decision__source__meeting",
                "update__source__meeting",
                "proposal__source__meeting",
            )
            .order_by("meeting__date", "meeting__som_number", "meeting_id")
        )
        by_workstream: dict[int, list[TimelineEntry]] = defaultdict(list)
        for entry in entries:
            by_workstream[entry.workstream_id].append(entry)
        decisions: dict[int, list[Decision]] = defaultdict(list)
        rows = Decision.objects.filter(meeting__in=meetings)
        for decision in rows.select_related("workstream", "meeting", "source__meeting"):
            decisions[decision.workstream_id].append(decision)
        return cls(
            start=start,
            end=end,
            meetings=meetings,
            entries=dict(by_workstream),
            updates=list(
                ProgressUpdate.objects.published()
                .filter(meeting__in=meetings)
                .select_related("workstream", "meeting", "entity", "source__meeting")
                .order_by("meeting_date", "workstream_title")
            ),
            decisions=dict(decisions),
            proposals=list(
                Proposal.objects.filter(
                    meeting__in=meetings,
                    kind=Proposal.Kind.CONCEPT_NOTE,
                    workstream__isnull=False,
                )
                .select_related("workstream", "meeting", "source__meeting")
                .order_by("meeting_date", "position")
            ),
            leads=list(
                WorkstreamLead.objects.select_related("workstream", "entity", "source__meeting")
            ),
            clock_start=RecordClock.as_at(start),
            clock_end=RecordClock.as_at(end),
        )

    # Positions ---------------------------------------------------------------------------

    @property
    def start_at(self) -> int:
        return self.index[self.start.pk]

    def position(self, meeting_id: int) -> int | None:
        return self.index.get(meeting_id)

    def within(self, meeting_id: int) -> bool:
        """Whether a meeting is in the interval: after the first meeting, up to the second."""
        at = self.index.get(meeting_id)
        return at is not None and at > self.start_at

    def as_at_start(self, entries: list[TimelineEntry]) -> TimelineEntry | None:
        """The workstream's entry that stands as at the first meeting: its latest up to it."""
        before = [e for e in entries if self.index[e.meeting_id] <= self.start_at]
        return before[-1] if before else None

    def listing_meeting(self) -> Meeting | None:
        """The latest meeting of the interval whose report lists every ongoing workstream."""
        listing = [m for m in self.meetings[self.start_at + 1 :] if m.lists_ongoing_workstreams]
        return listing[-1] if listing else None

    def workstream_entries_within(self, workstream: Workstream | None) -> list[TimelineEntry]:
        if workstream is None:
            return []
        return [e for e in self.entries.get(workstream.pk, []) if self.within(e.meeting_id)]
