"""What changed between two meetings: the categories, and one change with its evidence.

A change rests on one row of the record (a decision, a progress update, a proposal or a lead),
shown with its provenance; whether the record states the change or we read it from the record is
said with it (``evidence``, and ``reason`` when inferred), as on every sourced row
(meetings/models/evidence.py).
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meetings.models import Entity, Evidence, Meeting
from workstreams.models import (
    Decision,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    Workstream,
    WorkstreamLead,
)

Row = Decision | ProgressUpdate | Proposal | WorkstreamLead


class Category(models.TextChoices):
    """The kinds of change, in the order the page, the API and the briefing pack list them."""

    ESTABLISHED = "established", _("Workstreams established")
    CONTINUED = "continued", _("Workstreams continued")
    REPORTED = "reported", _("Progress reported")
    SILENT = "silent", _("Workstreams fallen silent")
    CONCLUDED = "concluded", _("Workstreams concluded")
    SUCCEEDED = "succeeded", _("Workstreams succeeded or merged")
    TAKEN_FORWARD = "taken_forward", _("Proposals taken forward")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Proposals not taken forward")
    PENDING = "pending", _("Proposals with no outcome on record yet")
    NEW_LEAD = "new_lead", _("New lead entities")
    MANDATE_OPENED = "mandate_opened", _("Mandates opened")
    MANDATE_RENEWED = "mandate_renewed", _("Mandates renewed")
    MANDATE_LAPSED = "mandate_lapsed", _("Mandates lapsed")


ORDER = {category: position for position, category in enumerate(Category)}


class EvidenceKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    UPDATE = "update", _("Progress update")
    PROPOSAL = "proposal", _("Proposal")
    LEAD = "lead", _("Lead")


class Basis(NamedTuple):
    """Whether the record states a change or we read it from the record, and why."""

    evidence: str  # stated or inferred
    reason: str = ""  # why, when inferred


@dataclass(frozen=True)
class Change:
    """One change: what changed, of which workstream, and the row of the record it rests on."""

    category: str
    workstream: Workstream
    row: Row
    meeting: Meeting  # the meeting of the row (of a lead: where it first appears as lead)
    why: Basis  # of the change, not only of the row
    text: str = ""  # what changed, in a sentence (translated when made)
    entity: Entity | None = None  # a new lead entity

    @property
    def evidence(self) -> str:
        return self.why.evidence

    @property
    def reason(self) -> str:
        return self.why.reason

    @property
    def kind(self) -> str:
        if isinstance(self.row, Decision):
            return EvidenceKind.DECISION
        if isinstance(self.row, ProgressUpdate):
            return EvidenceKind.UPDATE
        if isinstance(self.row, Proposal):
            return EvidenceKind.PROPOSAL
        return EvidenceKind.LEAD

    @property
    def kind_label(self) -> str:
        return str(EvidenceKind(self.kind).label)

    @property
    def is_inferred(self) -> bool:
        return self.evidence == Evidence.INFERRED

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    @property
    def page_url(self) -> str:
        """Where the row is shown: the workstream's record at the meeting, the meeting's
        proposals, or the workstream's leads."""
        if self.kind == EvidenceKind.PROPOSAL:
            return reverse("meetings:detail", args=[self.meeting.slug]) + "#proposals-heading"
        page = reverse("workstreams:detail", args=[self.workstream.slug])
        return page if self.kind == EvidenceKind.LEAD else f"{page}#{self.meeting.slug}"

    @property
    def api_path(self) -> str:
        """The row in the API (a lead: its workstream, which lists its leads)."""
        if self.kind == EvidenceKind.LEAD:
            return reverse("api:workstream-detail", args=[self.workstream.slug])
        return reverse(f"api:{self.kind}-detail", args=[self.row.pk])

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        entity = self.entity.label if self.entity else ""
        return (ORDER[Category(self.category)], entity, self.workstream.title, self.meeting.slug)


def evidence_of(row: Row | TimelineEntry) -> Basis:
    """A change read straight off a row (or a status) is as certain as it."""
    return Basis(row.evidence, row.evidence_reason)


def inferred(reason: str) -> Basis:
    return Basis(Evidence.INFERRED, reason)
