"""Who: the entities (UN bodies and other organisations) and the people of the record."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check


class EntityKind(models.TextChoices):
    UN_SYSTEM = "un_system", _("UN system entity")
    MEA_SECRETARIAT = "mea_secretariat", _("MEA secretariat")
    INTERAGENCY = "interagency", _("Inter-agency body or secretariat")
    STAKEHOLDER = "stakeholder", _("Major group, youth or civil society")
    OTHER = "other", _("Other organisation")


class Entity(models.Model):
    """A UN entity or another organisation that leads, presents, intervenes or attends."""

    Kind = EntityKind

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.UN_SYSTEM)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
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

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("Current affiliation; blank where the record gives none."),
        verbose_name=_("entity"),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Role as the record states it, e.g. EMG Secretary."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="person_name_not_blank")]

    def __str__(self) -> str:
        return self.name


class EntityVariant(models.Model):
    """Another way reports write an entity: "UNU- FLORES", "CEB Secretariat", "SCBD". The report
    intake (docs/intake.md) matches an entity by its acronym, its name or one of these."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="variants", verbose_name=_("entity")
    )
    text = models.CharField(
        _("text"), max_length=200, unique=True, help_text=_("Exactly as a report writes it.")
    )

    class Meta:
        verbose_name = _("entity variant")
        verbose_name_plural = _("entity variants")
        ordering = ["text"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="entity_variant_not_blank")
        ]

    def __str__(self) -> str:
        return self.text
