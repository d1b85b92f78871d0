"""When: a Senior Officials Meeting segment, held or planned, and how its date is known."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models.entities import Person
from meetings.models.evidence import Evidence, evidence_constraints
from meetings.models.translated import OriginalText, Translated, language_columns


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name such as Europe/Zurich."),
            params={"value": value},
        )


class MeetingQuerySet(OriginalText, models.QuerySet["Meeting"]):
    def for_timeline(self) -> "MeetingQuerySet":
        """The columns of the status matrix: every meeting in date order."""
        return self.order_by("date", "som_number")

    def up_to(self, meeting: "Meeting") -> "MeetingQuerySet":
        """``meeting`` and the meetings before it in the matrix's order (date, then SOM number,
        then the order they were entered): the record as it stood right after ``meeting``."""
        return self.filter(
            Q(date__lt=meeting.date)
            | Q(date=meeting.date, som_number__lt=meeting.som_number)
            | Q(date=meeting.date, som_number=meeting.som_number, pk__lte=meeting.pk)
        )

    def upcoming(self, today: datetime.date) -> "MeetingQuerySet":
        """Meetings on or after ``today``; one dated only by month or year counts all through it."""
        return self.filter(
            Q(date__gte=today)
            | Q(date_precision=DatePrecision.MONTH, date__gte=today.replace(day=1))
            | Q(date_precision=DatePrecision.YEAR, date__year__gte=today.year)
        ).order_by("date", "som_number")

    def for_list(self) -> "MeetingQuerySet":
        """The meetings page: every meeting, newest first, with its chair (its counts are
        kept on the row)."""
        return self.select_related("chair__entity").order_by("-date", "-som_number", "segment")

    def for_calendar(self) -> "MeetingQuerySet":
        """The calendar feed: meetings known to the day, with their chair and ``last_changed``,
        the time of their latest saved change (from their history; None if it has none)."""
        changes = self.model.history.model.objects.filter(id=OuterRef("pk"))
        return (
            self.filter(date_precision=DatePrecision.DAY)
            .select_related("chair")
            .annotate(
                last_changed=Subquery(changes.order_by("-history_date").values("history_date")[:1])
            )
            .order_by("date", "som_number", "segment")
        )

    def for_detail(self) -> "MeetingQuerySet":
        """A meeting's page: its chair, agenda and documents. The lists that grow with the
        record (participants, interventions) are read a page at a time, apart."""
        # Imported here: those models point at Meeting, so their modules import this one.
        from meetings.models.agenda import AgendaItem
        from meetings.models.documents import Document

        return self.select_related("chair__entity").prefetch_related(
            models.Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "presenter_entity", "presenter"
                ).order_by("position"),
            ),
            models.Prefetch("documents", queryset=Document.objects.for_meeting()),
        )


class Segment(models.TextChoices):
    MEETING = "meeting", _("Senior Officials Meeting")
    MID_TERM = "mid-term", _("Mid-term technical segment")
    TECHNICAL = "technical", _("Technical segment")
    SENIOR = "senior", _("Senior segment")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def date_with_precision(date: datetime.date, precision: str) -> str:
    """A date as precisely as the record knows it, in the reader's language: "2021",
    "November 2022", "18 May 2022"; "novembre 2022", "18 mai 2022"; "2022年11月" …"""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    # English keeps the record's own day-month-year; the others take their locale's format.
    english = (get_language() or "en").startswith("en")
    if precision == DatePrecision.MONTH:
        return date_format(date, "F Y" if english else "YEAR_MONTH_FORMAT")
    return date_format(date, "j F Y" if english else "DATE_FORMAT")


class MeetingFormat(models.TextChoices):
    NOT_STATED = "", _("Not stated")
    VIRTUAL = "virtual", _("Virtual")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class MeetingStateNow(models.TextChoices):
    """A meeting as the pages show it today: a planned meeting whose date has passed with
    nothing on record is never shown as "planned"."""

    HELD = "held", _("Held")
    PLANNED = "planned", _("Planned")
    DATE_PASSED = "date_passed", _("Date passed, no report on record")


class Meeting(Translated, HistoryNotes):
    """One segment of a Senior Officials Meeting, held or planned."""

    TRANSLATED_FIELDS = ("title",)

    Segment = Segment

    DatePrecision = DatePrecision

    Format = MeetingFormat

    Status = MeetingStatus

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    som_number = models.PositiveSmallIntegerField(_("SOM number"))
    segment = models.CharField(_("segment"), max_length=20, choices=Segment)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("As the record names the meeting.")
    )
    date = models.DateField(
        _("date"), help_text=_("With month or year precision, the first day of that month or year.")
    )
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA name."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format, blank=True, default="")
    venue = models.CharField(_("venue"), max_length=200, blank=True, help_text=_("E.g. MS Teams."))
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("chair"),
    )
    opened_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opened_meetings",
        help_text=_("Who opened the meeting, as its report says (not as its agenda planned)."),
        verbose_name=_("opened by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.HELD)
    # How the record knows the status: a held meeting's own report states it; a meeting known
    # to be held only from a later report's words is inferred (docs/record.md).
    status_evidence = models.CharField(
        _("status evidence"), max_length=10, choices=Evidence, default=Evidence.STATED
    )
    status_evidence_reason = models.CharField(
        _("status evidence reason"),
        max_length=300,
        blank=True,
        help_text=_("Why we read the status so, when inferred."),
    )
    status_source = models.ForeignKey(
        "meetings.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The report the status is taken from, when not the meeting's own."),
        verbose_name=_("status source"),
    )
    status_section = models.CharField(_("status section"), max_length=80, blank=True)
    status_quote = models.TextField(_("status quote"), blank=True)
    lists_ongoing_workstreams = models.BooleanField(
        _("lists ongoing workstreams"),
        default=False,
        help_text=_(
            "Its report lists every ongoing workstream, so one not listed was not reported."
        ),
    )
    summary = models.TextField(_("summary"), blank=True)
    reported_participant_count = models.PositiveIntegerField(
        _("reported participant count"),
        null=True,
        blank=True,
        help_text=_("A count the record states, where it lists nobody."),
    )
    reported_entity_count = models.PositiveIntegerField(
        _("reported entity count"),
        null=True,
        blank=True,
        help_text=_("A count the record states, where it lists nobody."),
    )
    # Kept by every write of the meeting's attendances (meetings.services.meeting_counts_refresh),
    # so that a list of meetings counts nothing as it reads.
    participant_count = models.PositiveIntegerField(
        _("participant count"),
        default=0,
        editable=False,
        help_text=_("People on the list of participants."),
    )
    entity_count = models.PositiveIntegerField(
        _("entity count"),
        default=0,
        editable=False,
        help_text=_("Entities on the list of participants."),
    )
    submission_deadline = models.DateField(
        _("submission deadline"),
        null=True,
        blank=True,
        help_text=_("The day progress updates are due. Focal points are asked and reminded."),
    )

    objects = MeetingQuerySet.as_manager()
    # The counts follow the attendances, which keep no history: a meeting's history is its edits.
    history = HistoricalRecords(
        excluded_fields=["participant_count", "entity_count", *language_columns("title")]
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["date", "som_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["som_number", "segment"], name="meeting_one_per_segment"
            ),
            models.CheckConstraint(
                condition=Q(som_number__gte=1), name="meeting_som_number_positive"
            ),
            choices_check("segment", Segment, "meeting_segment_valid"),
            choices_check("status", MeetingStatus, "meeting_status_valid"),
            *evidence_constraints("status_", "meeting_status"),
            choices_check("format", MeetingFormat, "meeting_format_valid"),
            choices_check("date_precision", DatePrecision, "meeting_date_precision_valid"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=False),
                name="meeting_end_needs_start",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | ~Q(time_zone=""),
                name="meeting_time_needs_time_zone",
            ),
            models.CheckConstraint(
                condition=Q(date_precision="day")
                | Q(date_precision="month", date__day=1)
                | Q(date_precision="year", date__day=1, date__month=1),
                name="meeting_date_matches_precision",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(date_precision="day"),
                name="meeting_time_needs_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.short_label

    @property
    def short_label(self) -> str:
        """The column heading of the matrix: "SOM28 mid-term", "SOM29 senior"."""
        if self.segment == self.Segment.MEETING:
            return f"SOM{self.som_number}"
        return f"SOM{self.som_number} {self.segment}"

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    def state_on(self, today: datetime.date) -> str:
        """Held; planned, while its date has not passed; or past its date with no report."""
        if self.status == self.Status.HELD:
            return MeetingStateNow.HELD
        return MeetingStateNow.PLANNED if self.is_upcoming(today) else MeetingStateNow.DATE_PASSED

    @property
    def status_is_inferred(self) -> bool:
        return self.status_evidence == Evidence.INFERRED

    @property
    def date_display(self) -> str:
        return date_with_precision(self.date, self.date_precision)

    def is_upcoming(self, today: datetime.date) -> bool:
        """The test of ``MeetingQuerySet.upcoming`` for one meeting already in hand."""
        if self.date_precision == self.DatePrecision.YEAR:
            return self.date.year >= today.year
        if self.date_precision == self.DatePrecision.MONTH:
            return self.date >= today.replace(day=1)
        return self.date >= today

    @property
    def year(self) -> int:
        return self.date.year

    def starts_at(self) -> datetime.datetime | None:
        """The aware start instant, where the record gives a day, a time and a time zone."""
        if self.start_time is None or self.date_precision != self.DatePrecision.DAY:
            return None
        return datetime.datetime.combine(
            self.date, self.start_time, tzinfo=zoneinfo.ZoneInfo(self.time_zone)
        )

    def ends_at(self) -> datetime.datetime | None:
        if self.end_time is None or self.date_precision != self.DatePrecision.DAY:
            return None
        return datetime.datetime.combine(
            self.date, self.end_time, tzinfo=zoneinfo.ZoneInfo(self.time_zone)
        )

    def time_zone_abbreviation(self) -> str:
        start = self.starts_at()
        return start.tzname() or "" if start else ""
