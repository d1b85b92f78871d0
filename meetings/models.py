"""Who and when: Senior Officials Meetings, their agenda, documents, entities, people and attendance.

This app imports nothing from ``workstreams``; workstreams point here, never the reverse.
"""

import datetime
import secrets
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name such as Europe/Zurich."),
            params={"value": value},
        )


class EntityKind(models.TextChoices):
    UN_SYSTEM = "un_system", _("UN system entity")
    MEA_SECRETARIAT = "mea_secretariat", _("MEA secretariat")
    INTERAGENCY = "interagency", _("Inter-agency body or secretariat")
    STAKEHOLDER = "stakeholder", _("Major group, youth or civil society")
    OTHER = "other", _("Other organisation")


class Entity(models.Model):
    """A UN entity or another organisation that leads, presents, intervenes or attends."""

    Kind = EntityKind

    slug = models.SlugField(max_length=80, unique=True)
    acronym = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.UN_SYSTEM)

    class Meta:
        verbose_name_plural = "entities"
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["acronym"],
                condition=~Q(acronym=""),
                name="entity_acronym_unique_when_set",
            ),
            choices_check("kind", EntityKind, "entity_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="entity_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name

    @property
    def label(self) -> str:
        return self.acronym or self.name


class Person(models.Model):
    """A presenter, chair or participant, named exactly as in the record."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Current affiliation; blank where the record gives none."),
    )
    title = models.CharField(
        max_length=200, blank=True, help_text=_("Role as the record states it, e.g. EMG Secretary.")
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="person_name_not_blank")]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_timeline(self) -> "MeetingQuerySet":
        """The columns of the status matrix: every meeting in date order."""
        return self.order_by("date", "som_number")

    def upcoming(self, today: datetime.date) -> "MeetingQuerySet":
        """Meetings on or after ``today``; one dated only by month or year counts all through it."""
        return self.filter(
            Q(date__gte=today)
            | Q(date_precision=DatePrecision.MONTH, date__gte=today.replace(day=1))
            | Q(date_precision=DatePrecision.YEAR, date__year__gte=today.year)
        ).order_by("date", "som_number")

    def with_counts(self) -> "MeetingQuerySet":
        return self.annotate(
            participant_count=Count("attendances", distinct=True),
            entity_count=Count("attendances__entity", distinct=True),
        )

    def for_list(self) -> "MeetingQuerySet":
        """The meetings page: every meeting, newest first, with its chair and counts."""
        return (
            self.with_counts()
            .select_related("chair__entity")
            .order_by("-date", "-som_number", "segment")
        )

    def for_detail(self) -> "MeetingQuerySet":
        """A meeting's page: its agenda, documents, participants and interventions."""
        return self.select_related("chair__entity").prefetch_related(
            models.Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "presenter_entity", "presenter"
                ).order_by("position"),
            ),
            models.Prefetch("documents", queryset=Document.objects.for_meeting()),
            models.Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person", "entity").order_by(
                    "listed_affiliation", "person__name"
                ),
            ),
            models.Prefetch(
                "interventions",
                queryset=Intervention.objects.select_related(
                    "entity", "person", "agenda_item", "source__meeting"
                ).order_by("position"),
            ),
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


class MeetingFormat(models.TextChoices):
    NOT_STATED = "", _("Not stated")
    VIRTUAL = "virtual", _("Virtual")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Meeting(models.Model):
    """One segment of a Senior Officials Meeting, held or planned."""

    Segment = Segment

    DatePrecision = DatePrecision

    Format = MeetingFormat

    Status = MeetingStatus

    slug = models.SlugField(max_length=80, unique=True)
    som_number = models.PositiveSmallIntegerField(_("SOM number"))
    segment = models.CharField(max_length=20, choices=Segment)
    title = models.CharField(max_length=200, help_text=_("As the record names the meeting."))
    date = models.DateField(
        help_text=_("With month or year precision, the first day of that month or year.")
    )
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text=_("IANA name.")
    )
    format = models.CharField(max_length=10, choices=Format, blank=True, default="")
    venue = models.CharField(max_length=200, blank=True, help_text=_("E.g. MS Teams."))
    chair = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_meetings"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.HELD)
    summary = models.TextField(blank=True)
    reported_participant_count = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("A count the record states, where it lists nobody.")
    )
    reported_entity_count = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("A count the record states, where it lists nobody.")
    )
    submission_deadline = models.DateField(
        null=True,
        blank=True,
        help_text=_("The day progress updates are due. Focal points are asked and reminded."),
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
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

    @property
    def date_display(self) -> str:
        if self.date_precision == self.DatePrecision.YEAR:
            return str(self.date.year)
        if self.date_precision == self.DatePrecision.MONTH:
            return self.date.strftime("%B %Y")
        return f"{self.date.day} {self.date.strftime('%B %Y')}"

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


class DocumentKind(models.TextChoices):
    AGENDA = "agenda", _("Agenda")
    LOGISTICS_NOTE = "logistics_note", _("Logistics note")
    PROGRESS_REPORT = "progress_report", _("Progress report")
    CONCEPT_NOTE = "concept_note", _("Concept note")
    MEETING_REPORT = "meeting_report", _("Meeting report")
    BRIEFING_PACK = "briefing_pack", _("Briefing pack")
    OTHER = "other", _("Other")


def document_token() -> str:
    """A download address that cannot be guessed: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class DocumentQuerySet(models.QuerySet["Document"]):
    def current(self) -> "DocumentQuerySet":
        """Documents not superseded: a briefing pack replaced by a newer one, or one holding an
        update that has since left the public record, is superseded."""
        return self.filter(superseded_at__isnull=True)

    def for_meeting(self) -> "DocumentQuerySet":
        """A meeting's documents as its page and the API list them: the current ones."""
        return self.current().order_by("number", "symbol")


class Document(models.Model):
    """A meeting document, with its symbol where the record gives one.

    Its file is downloaded at an address made of ``token``, never of its id, so that no one
    finds a document by counting. Who may download it is a rule (``meetings.download_document``
    in ``workstreams.permissions``).
    """

    Kind = DocumentKind

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    number = models.CharField(
        max_length=10, blank=True, help_text=_("Its number in the meeting's list, e.g. 04 B.")
    )
    symbol = models.CharField(max_length=80, blank=True, help_text=_("E.g. EMG SOM28/mid-term/02."))
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind)
    file = models.FileField(
        upload_to="documents/%Y/", blank=True, help_text=_("The document itself, where we hold it.")
    )
    token = models.CharField(
        max_length=64,
        unique=True,
        default=document_token,
        editable=False,
        help_text=_("The random part of its download address."),
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When it stopped being current; only the secretariat may download it since."),
    )
    superseded_reason = models.CharField(
        max_length=300, blank=True, editable=False, help_text=_("Why it is superseded.")
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__date", "number", "title"]
        constraints = [
            # A superseded briefing pack keeps its title beside the pack that replaced it.
            models.UniqueConstraint(
                fields=["meeting", "title"],
                condition=Q(superseded_at__isnull=True),
                name="document_title_unique",
            ),
            models.UniqueConstraint(
                fields=["symbol"], condition=~Q(symbol=""), name="document_symbol_unique"
            ),
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=~Q(number=""),
                name="document_number_unique_in_meeting",
            ),
            choices_check("kind", DocumentKind, "document_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="document_title_not_blank"),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True, superseded_reason="")
                | (Q(superseded_at__isnull=False) & ~Q(superseded_reason="")),
                name="document_superseded_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol or self.title

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None


class Sourced(models.Model):
    """Provenance: the report, the section and the sentence a fact was taken from."""

    source = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The report this is taken from."),
    )
    source_section = models.CharField(max_length=80, blank=True, help_text=_("E.g. section 2(b)."))
    source_quote = models.TextField(blank=True, help_text=_("The sentence that states it."))

    class Meta:
        abstract = True

    @property
    def provenance(self) -> str:
        if self.source is None:
            return ""
        where = f"{self.source.meeting.short_label} {self.source.title}"
        return f"{where}, {self.source_section}" if self.source_section else where


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(help_text=_("Order within the meeting."))
    number = models.CharField(
        max_length=20, blank=True, help_text=_("E.g. 3(b)a, as the agenda numbers it.")
    )
    title = models.CharField(max_length=300)
    presenter_entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    presenter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    start_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting__date", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                condition=~Q(number=""),
                name="agenda_item_number_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="agenda_item_not_own_parent"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.meeting_id != self.meeting_id:
            raise ValidationError({"parent": _("A sub-item belongs to the same meeting.")})


class Attendance(models.Model):
    """A person at a meeting, with the affiliation the list of participants gives."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    listed_affiliation = models.CharField(
        max_length=200, blank=True, help_text=_("The affiliation exactly as the list spells it.")
    )
    list_number = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting__date", "list_number", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "list_number"],
                condition=Q(list_number__isnull=False),
                name="attendance_list_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(entity__isnull=True) | ~Q(listed_affiliation=""),
                name="attendance_entity_needs_listed_affiliation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting}"


class Intervention(Sourced):
    """A comment by an entity on an agenda item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="interventions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="interventions"
    )
    position = models.PositiveSmallIntegerField(help_text=_("Order within the meeting."))
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="interventions")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="interventions"
    )
    speaker_as_recorded = models.CharField(
        max_length=200, blank=True, help_text=_("How the report names the speaker.")
    )
    summary = models.TextField()

    class Meta:
        ordering = ["meeting__date", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="intervention_position_unique"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="intervention_summary_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} at {self.meeting}"
