"""What the Senior Officials decided, meeting by meeting, and the mandates decisions give.

Each is a row of the record, with its provenance (``Sourced``); a decision is what a status on
the timeline rests on (``timeline.py``)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import Meeting, Sourced, Translated, evidence_constraints
from meetings.models.translated import OriginalText, language_columns
from workstreams.models.progress import SOURCE
from workstreams.models.sort_keys import MeetingDateAndTitleKept


class DecisionQuerySet(OriginalText, models.QuerySet["Decision"]):
    def with_relations(self) -> "DecisionQuerySet":
        """Each decision with its meeting, workstream and source."""
        return self.select_related("meeting", "workstream", *SOURCE)


class DecisionKind(models.TextChoices):
    ESTABLISH = "establish", _("Establish")
    EXTEND = "extend", _("Extend the mandate")
    CONTINUE = "continue", _("Continue")
    CONCLUDE = "conclude", _("Conclude")
    ENDORSE = "endorse", _("Endorse a document")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")


# The decisions that open or renew a mandate, and so say how long it runs (``term``).
MANDATE_KINDS = [DecisionKind.ESTABLISH, DecisionKind.EXTEND, DecisionKind.CONTINUE]


class MandateTerm(models.TextChoices):
    """How long a mandate a decision opens or renews runs, as the record words it."""

    NOT_STATED = "", _("Not stated")
    OPEN_ENDED = "open_ended", _("Open-ended")
    UNTIL_SOM = "until_som", _("Until a named Senior Officials Meeting")
    ANOTHER_YEAR = "another_year", _("Another year, to the next annual meeting")


class Decision(MeetingDateAndTitleKept, Sourced, Translated, HistoryNotes):
    """What the Senior Officials decided about a workstream at a meeting."""

    TRANSLATED_FIELDS = ("text",)

    Kind = DecisionKind

    Term = MandateTerm

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("workstream"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"), help_text=_("What was decided, in a sentence."))
    term = models.CharField(
        _("term"),
        max_length=20,
        choices=Term,
        blank=True,
        default=Term.NOT_STATED,
        help_text=_("For a decision that establishes, extends or continues: how long it runs."),
    )
    until_som = models.PositiveSmallIntegerField(
        _("until SOM"),
        null=True,
        blank=True,
        help_text=_("With “until a named meeting”: the number of the SOM the mandate runs to."),
    )

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=language_columns(*TRANSLATED_FIELDS))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting_date", "workstream_title"]
        indexes = [
            # The lists' default order (the API adds kind), read from the index.
            models.Index(
                fields=["meeting_date", "workstream_title", "kind"], name="decision_date_title"
            ),
            models.Index(fields=["workstream_title"], name="decision_title"),
        ]
        constraints = [
            *evidence_constraints("", "decision"),
            models.UniqueConstraint(
                fields=["meeting", "workstream", "kind"], name="decision_once_per_kind"
            ),
            choices_check("kind", DecisionKind, "decision_kind_valid"),
            choices_check("term", MandateTerm, "decision_term_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="decision_text_not_blank"),
            models.CheckConstraint(
                condition=Q(term="") | Q(kind__in=MANDATE_KINDS),
                name="decision_term_only_for_mandates",
                violation_error_message=_(
                    "Only a decision that establishes, extends or continues has a term."
                ),
            ),
            models.CheckConstraint(
                condition=Q(term="until_som", until_som__isnull=False)
                | (~Q(term="until_som") & Q(until_som__isnull=True)),
                name="decision_until_som_iff_term_until",
                violation_error_message=_(
                    "Give the SOM a mandate runs until with the term “until a named Senior "
                    "Officials Meeting”, and only with it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.workstream} ({self.meeting})"
