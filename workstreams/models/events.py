"""The dated events a report names in a workstream's section: its own meetings, workshops,
dialogues and launches, and the events outside the EMG it relates (a negotiating session)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import (
    DatePrecision,
    Sourced,
    date_with_precision,
    evidence_constraints,
    validate_time_zone,
)


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WORKSHOP = "workshop", _("Workshop")
    DIALOGUE = "dialogue", _("Dialogue")
    SIDE_EVENT = "side_event", _("Side event")
    LAUNCH = "launch", _("Launch")
    PRESENTATION = "presentation", _("Presentation")
    NEGOTIATION = "negotiation", _("Intergovernmental meeting")
    OTHER = "other", _("Other")


class EventRole(models.TextChoices):
    """Whether the workstream holds the event or the report only relates it."""

    ORGANISES = "organises", _("Organised by the workstream")
    RELATES = "relates", _("Related by the report")


class WorkstreamEventQuerySet(models.QuerySet["WorkstreamEvent"]):
    def with_relations(self) -> "WorkstreamEventQuerySet":
        """Each event with its workstream and the report it is taken from."""
        return self.select_related("workstream", "source__meeting")

    def in_date_order(self) -> "WorkstreamEventQuerySet":
        return self.order_by("date", "start_time", "title")


class WorkstreamEvent(Sourced, HistoryNotes):
    """A dated event named in a workstream's section of a report (``Sourced``: which report,
    section and sentence; ``evidence``: stated, or inferred where the report leaves out a part
    of the date, such as the year)."""

    Kind = EventKind

    Role = EventRole

    DatePrecision = DatePrecision

    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("workstream"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    role = models.CharField(_("role"), max_length=10, choices=Role)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(
        _("date"), help_text=_("With month precision, the first day of that month.")
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("The last day, for an event of several days."),
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA name."),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("E.g. Dakar, Senegal.")
    )

    objects = WorkstreamEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workstream event")
        verbose_name_plural = _("workstream events")
        ordering = ["date", "title"]
        indexes = [models.Index(fields=["workstream", "date"], name="event_workstream_date")]
        constraints = [
            *evidence_constraints("", "event"),
            choices_check("kind", EventKind, "event_kind_valid"),
            choices_check("role", EventRole, "event_role_valid"),
            choices_check("date_precision", DatePrecision, "event_date_precision_valid"),
            models.UniqueConstraint(
                fields=["workstream", "title", "date"], name="event_once_per_workstream_day"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_blank"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(date_precision="day")
                | Q(date_precision="month", date__day=1)
                | Q(date_precision="year", date__day=1, date__month=1),
                name="event_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | (Q(date_precision="day") & ~Q(time_zone="")),
                name="event_time_needs_day_and_zone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date_display})"

    @property
    def date_display(self) -> str:
        first = date_with_precision(self.date, self.date_precision)
        if (
            self.date_precision == DatePrecision.DAY
            and self.end_date
            and self.end_date != self.date
        ):
            return f"{first} – {date_with_precision(self.end_date, DatePrecision.DAY)}"
        return first
