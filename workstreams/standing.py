"""Where each workstream stands now: reported or silent, and whether its mandate is live.

Both are read against the record's own clock (``RecordClock``): the latest meeting with a record
(a status cell at it), and the next Senior Officials Meeting, the first whose date has not
passed. A workstream keeps its status now, its latest meeting with a record and its mandate
(``status_now``, ``last_record_meeting``, ``mandate``, ``mandate_until``); with the clock, the
filters below are plain indexed reads, and the pages word the same facts the same way.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, Segment
from workstreams.models import RUNNING_STATUSES, MandateState, Status, TimelineEntry, Workstream

CLOSED_STATUSES = [Status.CONCLUDED, Status.SUCCEEDED, Status.NOT_TAKEN_FORWARD]
# The segments that are the Senior Officials Meeting itself, where mandates are renewed.
MAIN_SEGMENTS = [Segment.MEETING, Segment.SENIOR]


class Standing(models.TextChoices):
    """Where a workstream stands now; the home page counts each, the lists filter on each."""

    REPORTED = "reported", _("Reported in the latest cycle")
    SILENT = "silent", _("Silent for one cycle or more")
    PROPOSED = "proposed", _("Proposed")
    CONCLUDED = "concluded", _("Concluded or closed")
    NO_RECORD = "no_record", _("No record")


class MandateNow(models.TextChoices):
    """The ``mandate`` filter: a mandate that runs past the next SOM or has no end on record,
    one that ends at the next SOM (still live), or one whose last SOM has passed."""

    LIVE = "live", _("Live")
    ENDING = "ending", _("Ends at the next SOM, no renewal on record")
    LAPSED = "lapsed", _("Lapsed")


@dataclass(frozen=True)
class ClockFields:
    """What the clock's filters read of a workstream: the fields it keeps now, or (as at a
    meeting) the annotations ``workstreams/as_at.py`` puts in their place."""

    status: str = "status_now"
    som: str = "last_record_meeting__som_number"
    mandate: str = "mandate"
    mandate_until: str = "mandate_until"


@dataclass(frozen=True)
class RecordClock:
    """The record's now: its latest meeting with a record, and the SOM to come."""

    today: datetime.date
    latest: Meeting | None
    next_som: int | None
    fields: ClockFields = ClockFields()

    @classmethod
    def read(cls, today: datetime.date | None = None) -> "RecordClock":
        """Two small indexed reads: the latest meeting with a cell, the next main meeting."""
        today = today or timezone.localdate()
        with_record = Exists(TimelineEntry.objects.filter(meeting=OuterRef("pk")))
        latest = Meeting.objects.filter(with_record).order_by("-date", "-som_number").first()
        main = Meeting.objects.filter(segment__in=MAIN_SEGMENTS)
        coming = main.upcoming(today).values_list("som_number", flat=True).first()
        if coming is None:
            held = main.filter(date__lte=today).aggregate(last=Max("som_number"))["last"]
            last_any = Meeting.objects.aggregate(last=Max("som_number"))["last"]
            coming = (held + 1) if held is not None else last_any
        return cls(today=today, latest=latest, next_som=coming)

    @classmethod
    def as_at(cls, meeting: Meeting) -> "RecordClock":
        """The clock as it stood right after ``meeting``: its latest meeting with a record is
        ``meeting`` or one before it, and the SOM to come is ``meeting``'s own after a mid-term
        or technical segment, the next one after the Senior Officials Meeting itself. Read from
        the meetings of the record alone, so the same record gives the same answer."""
        with_record = Exists(TimelineEntry.objects.filter(meeting=OuterRef("pk")))
        latest = (
            Meeting.objects.up_to(meeting)
            .filter(with_record)
            .order_by("-date", "-som_number", "-pk")
            .first()
        )
        held = meeting.segment in MAIN_SEGMENTS
        return cls(today=meeting.date, latest=latest, next_som=meeting.som_number + held)

    # Filters ------------------------------------------------------------------------------

    def standing_q(self, standing: str) -> Q:
        latest_som = self.latest.som_number if self.latest else 0
        status, som = self.fields.status, self.fields.som
        running = Q(**{f"{status}__in": RUNNING_STATUSES})
        return {
            Standing.REPORTED: running & Q(**{f"{som}__gte": latest_som}),
            Standing.SILENT: running & Q(**{f"{som}__lt": latest_som}),
            Standing.PROPOSED: Q(**{status: Status.PROPOSED}),
            Standing.CONCLUDED: Q(**{f"{status}__in": CLOSED_STATUSES}),
            Standing.NO_RECORD: Q(**{f"{status}__isnull": True}),
        }[Standing(standing)]

    def mandate_q(self, mandate: str) -> Q:
        state, until_som = self.fields.mandate, self.fields.mandate_until
        until = Q(**{state: MandateState.UNTIL})
        next_som = self.next_som or 0
        return {
            MandateNow.LIVE: Q(**{state: MandateState.OPEN})
            | until & Q(**{f"{until_som}__gte": next_som}),
            MandateNow.ENDING: until & Q(**{until_som: next_som}),
            MandateNow.LAPSED: until & Q(**{f"{until_som}__lt": next_som}),
        }[MandateNow(mandate)]

    # One workstream (with ``last_record_meeting`` joined) ---------------------------------

    def standing_of(self, workstream: Workstream) -> "WorkstreamStanding":
        status, meeting = workstream.status_now, workstream.last_record_meeting
        if status is None or meeting is None:
            standing = Standing.NO_RECORD
        elif status == Status.PROPOSED:
            standing = Standing.PROPOSED
        elif status in CLOSED_STATUSES:
            standing = Standing.CONCLUDED
        elif self.cycles_since(meeting) >= 1:
            standing = Standing.SILENT
        else:
            standing = Standing.REPORTED
        return WorkstreamStanding(
            standing=standing,
            status=status or "",
            meeting=meeting,
            cycles=self.cycles_since(meeting) if meeting else None,
            not_listed_at=self._not_listed_at(standing, meeting),
            mandate=self.mandate_of(workstream),
            mandate_until=workstream.mandate_until,
            reported_after_lapse=self._reported_after_lapse(workstream),
        )

    def cycles_since(self, meeting: Meeting) -> int:
        """SOM cycles from ``meeting`` to the latest meeting with a record."""
        latest_som = self.latest.som_number if self.latest else meeting.som_number
        return max(latest_som - meeting.som_number, 0)

    def mandate_of(self, workstream: Workstream) -> str:
        """``live``, ``ending`` or ``lapsed``; "" with no mandate or a concluded one."""
        if workstream.mandate == MandateState.OPEN:
            return MandateNow.LIVE
        if workstream.mandate != MandateState.UNTIL or workstream.mandate_until is None:
            return ""
        next_som = self.next_som or 0
        if workstream.mandate_until < next_som:
            return MandateNow.LAPSED
        return MandateNow.ENDING if workstream.mandate_until == next_som else MandateNow.LIVE

    def _reported_after_lapse(self, workstream: Workstream) -> bool:
        meeting = workstream.last_record_meeting
        return (
            self.mandate_of(workstream) == MandateNow.LAPSED
            and workstream.status_now in RUNNING_STATUSES
            and meeting is not None
            and workstream.mandate_until is not None
            and meeting.som_number > workstream.mandate_until
        )

    def _not_listed_at(self, standing: str, meeting: Meeting | None) -> Meeting | None:
        """The latest meeting, where its report lists every ongoing workstream and this
        silent one is not among them."""
        latest = self.latest
        if standing != Standing.SILENT or latest is None or meeting is None:
            return None
        return latest if latest.lists_ongoing_workstreams else None


@dataclass(frozen=True)
class WorkstreamStanding:
    """Where one workstream stands, and the words the pages, feeds and pack use for it."""

    standing: str
    status: str
    meeting: Meeting | None
    cycles: int | None
    not_listed_at: Meeting | None
    mandate: str
    mandate_until: int | None
    reported_after_lapse: bool

    @property
    def text(self) -> str:
        """Status now, honestly: "Active at SOM29 mid-term", or "Last reported at SOM28
        mid-term, silent since (not listed among the ongoing workstreams at SOM29 mid-term)"."""
        if self.meeting is None:
            return gettext("No record")
        at = {"status": Status(self.status).label, "meeting": self.meeting.short_label}
        if self.standing != Standing.SILENT:
            return gettext("%(status)s at %(meeting)s") % at
        text = gettext("Last reported at %(meeting)s, silent since") % at
        if self.not_listed_at is not None:
            text += " " + gettext("(not listed among the ongoing workstreams at %(latest)s)") % {
                "latest": self.not_listed_at.short_label
            }
        return text

    @property
    def cycles_text(self) -> str:
        if not self.cycles:
            return ""
        return (
            gettext("%(count)d SOM cycle") % {"count": self.cycles}
            if self.cycles == 1
            else (gettext("%(count)d SOM cycles") % {"count": self.cycles})
        )
