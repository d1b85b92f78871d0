"""The status of each workstream at each meeting, and the record each status rests on.

The status of a workstream at a meeting is never typed in by hand. It is derived from the
record of that meeting (a decision, a published progress update, a proposal) by
``workstreams.services.timeline_entry_refresh`` and kept in ``TimelineEntry`` so that the
matrix, the filters and "status now" are plain indexed reads. No entry means "no record".
"""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check
from meetings.models import Evidence, Meeting, evidence_constraints

if TYPE_CHECKING:
    from workstreams.models.decisions import Decision
    from workstreams.models.progress import ProgressUpdate, Proposal


class Status(models.TextChoices):
    """The status of a workstream at a meeting (design.md §2)."""

    PROPOSED = "proposed", _("Proposed")
    ESTABLISHED = "established", _("Established")
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    CONCLUDED = "concluded", _("Concluded")
    SUCCEEDED = "succeeded", _("Succeeded or merged")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")


RUNNING_STATUSES = [Status.ESTABLISHED, Status.ACTIVE, Status.EXTENDED]


class Basis(models.TextChoices):
    DECISION = "decision", _("Decision of the Senior Officials")
    UPDATE = "update", _("Published progress update")
    PROPOSAL = "proposal", _("Proposal")


class TimelineEntry(models.Model):
    """The status of a workstream at a meeting, and the record it rests on.

    Written only by ``timeline_entry_refresh``; exactly one of ``decision``, ``update`` and
    ``proposal`` is the basis, and its provenance is the entry's provenance.
    """

    Basis = Basis

    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        related_name="timeline_entries",
        verbose_name=_("workstream"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="timeline_entries",
        verbose_name=_("meeting"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis)
    decision = models.ForeignKey(
        "workstreams.Decision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision"),
    )
    update = models.ForeignKey(
        "workstreams.ProgressUpdate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("update"),
    )
    proposal = models.ForeignKey(
        "workstreams.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal"),
    )
    # Whether the record states this status or we read it from the record: the row's own
    # evidence, or inferred where the status is our reading of a stated row (an endorsement
    # read as activity). Derived with the status.
    evidence = models.CharField(
        _("evidence"), max_length=10, choices=Evidence, default=Evidence.STATED
    )
    evidence_reason = models.CharField(_("evidence reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["meeting__date", "workstream__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "meeting"], name="timeline_entry_once_per_cell"
            ),
            choices_check("status", Status, "timeline_status_valid"),
            choices_check("basis", Basis, "timeline_basis_valid"),
            *evidence_constraints("", "timeline"),
            models.CheckConstraint(
                condition=Q(
                    basis="decision",
                    decision__isnull=False,
                    update__isnull=True,
                    proposal__isnull=True,
                )
                | Q(
                    basis="update",
                    decision__isnull=True,
                    update__isnull=False,
                    proposal__isnull=True,
                )
                | Q(
                    basis="proposal",
                    decision__isnull=True,
                    update__isnull=True,
                    proposal__isnull=False,
                ),
                name="timeline_entry_has_one_basis",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="timeline_meeting_status")]

    def __str__(self) -> str:
        return f"{self.workstream.short_title} at {self.meeting}: {self.get_status_display()}"

    @property
    def record(self) -> "Decision | ProgressUpdate | Proposal":
        record = {"decision": self.decision, "update": self.update, "proposal": self.proposal}[
            self.basis
        ]
        assert record is not None
        return record
