"""What happened at a meeting: its agenda, who attended and who spoke."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check
from meetings.models.documents import Sourced
from meetings.models.entities import Entity, Person
from meetings.models.evidence import evidence_constraints
from meetings.models.meeting import Meeting
from meetings.models.translated import OriginalText, Translated


class AgendaItemQuerySet(OriginalText, models.QuerySet["AgendaItem"]):
    pass


class AgendaItem(Translated):
    TRANSLATED_FIELDS = ("title",)

    objects = AgendaItemQuerySet.as_manager()

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order within the meeting.")
    )
    number = models.CharField(
        _("number"), max_length=20, blank=True, help_text=_("E.g. 3(b)a, as the agenda numbers it.")
    )
    title = models.CharField(_("title"), max_length=300)
    presenter_entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("presenter entity"),
    )
    presenter = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("presenter"),
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
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

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("entity"),
    )
    listed_affiliation = models.CharField(
        _("listed affiliation"),
        max_length=200,
        blank=True,
        help_text=_("The affiliation exactly as the list spells it."),
    )
    list_number = models.PositiveSmallIntegerField(_("list number"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
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


class InterventionKind(models.TextChoices):
    FLOOR = "floor", _("From the floor")
    RESPONSE = "response", _("Response by the secretariat")


class Intervention(Sourced):
    """A comment by an entity on an agenda item, or the secretariat's response to one."""

    Kind = InterventionKind

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="interventions", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("agenda item"),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order within the meeting.")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("entity")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("person"),
    )
    speaker_as_recorded = models.CharField(
        _("speaker as recorded"),
        max_length=200,
        blank=True,
        help_text=_("How the report names the speaker."),
    )
    summary = models.TextField(_("summary"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.FLOOR)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["meeting__date", "position"]
        constraints = [
            *evidence_constraints("", "intervention"),
            choices_check("kind", InterventionKind, "intervention_kind_valid"),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="intervention_position_unique"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="intervention_summary_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} at {self.meeting}"
