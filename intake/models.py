"""A report uploaded for intake, and the items read from it, each with its source and the
decision a person took on it (docs/intake.md)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check


class IntakeState(models.TextChoices):
    RECEIVED = "received", _("Received, waiting to be read")
    READY = "ready", _("Read, ready for review")
    FAILED = "failed", _("Could not be read")


class Section(models.TextChoices):
    """The parts of a report, in the order an intake applies them."""

    MEETING = "meeting", _("Meeting")
    DOCUMENTS = "documents", _("Documents")
    AGENDA = "agenda", _("Agenda")
    PARTICIPANTS = "participants", _("Participants")
    PRESENTATIONS = "presentations", _("Presentations")
    PROPOSALS = "proposals", _("Proposals")
    INTERVENTIONS = "interventions", _("Interventions")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Outcome(models.TextChoices):
    NOT_APPLIED = "", _("Not applied")
    ADDED = "added", _("Added to the record")
    IN_RECORD = "in_record", _("Already in the record; left as it is")


class Intake(models.Model):
    """One upload of a meeting report: the file kept as sent, and what reading it gave."""

    State = IntakeState

    file = models.FileField(_("file"), upload_to="intakes/%Y/")
    file_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("meeting"),
        help_text=_("The meeting the report is of, where the uploader named it."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=IntakeState, default=IntakeState.RECEIVED
    )
    error = models.TextField(_("why it could not be read"), blank=True)
    line_count = models.PositiveIntegerField(_("lines read"), default=0)
    notes = models.JSONField(
        _("notes"),
        default=list,
        blank=True,
        help_text=_("What the reader noticed, e.g. a participant number listed twice."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        help_text=_("Blank for an upload from the command line."),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    last_applied_at = models.DateTimeField(_("last applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report intake")
        verbose_name_plural = _("report intakes")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            choices_check("state", IntakeState, "intake_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=IntakeState.FAILED) | ~Q(error=""),
                name="intake_failure_says_why",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class IntakeItem(models.Model):
    """One fact read from a report, beside the lines it came from, with its matches to the
    record, a person's decision, and, once applied, the record row it became."""

    Section = Section
    Decision = Decision
    Outcome = Outcome

    intake = models.ForeignKey(
        Intake, on_delete=models.CASCADE, related_name="items", verbose_name=_("intake")
    )
    section = models.CharField(_("section"), max_length=20, choices=Section)
    position = models.PositiveIntegerField(_("position"))
    values = models.JSONField(_("values"), default=dict, help_text=_("As the report writes them."))
    matches = models.JSONField(_("matches"), default=dict)
    first_line = models.PositiveIntegerField(_("first line"))
    last_line = models.PositiveIntegerField(_("last line"))
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    source_text = models.TextField(_("source text"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision, default=Decision.PENDING
    )
    choices = models.JSONField(
        _("choices"), default=dict, blank=True, help_text=_("A person's choice of each match.")
    )
    edits = models.JSONField(
        _("edits"), default=dict, blank=True, help_text=_("Values a person corrected.")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, blank=True, default=Outcome.NOT_APPLIED
    )
    record_model = models.CharField(
        _("record model"), max_length=60, blank=True, help_text=_("E.g. meetings.attendance.")
    )
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake item")
        verbose_name_plural = _("intake items")
        ordering = ["intake", "position"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "position"], name="intake_item_position"),
            choices_check("section", Section, "intake_item_section_valid"),
            choices_check("decision", Decision, "intake_item_decision_valid"),
            choices_check("outcome", Outcome, "intake_item_outcome_valid"),
        ]
        indexes = [models.Index(fields=["record_model", "record_id"], name="intake_item_record")]

    def __str__(self) -> str:
        return f"{self.get_section_display()} {self.position}: {self.label}"

    @property
    def label(self) -> str:
        values = self.current_values
        for key in ("title", "name", "workstream", "speaker", "symbol"):
            if values.get(key):
                return str(values[key])
        return ""

    @property
    def current_values(self) -> dict[str, Any]:
        """The values as read, with a person's corrections over them."""
        return {**self.values, **self.edits}

    @property
    def where(self) -> str:
        lines = (
            _("line %(first)d") % {"first": self.first_line}
            if self.first_line == self.last_line
            else _("lines %(first)d–%(last)d") % {"first": self.first_line, "last": self.last_line}
        )
        if self.page is None:
            return str(lines)
        return _("page %(page)d, %(lines)s") % {"page": self.page, "lines": lines}
