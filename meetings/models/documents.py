"""The documents of a meeting, and the provenance that points into them."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check
from meetings.models.evidence import Evidence
from meetings.models.meeting import Meeting


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

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="documents", verbose_name=_("meeting")
    )
    number = models.CharField(
        _("number"),
        max_length=10,
        blank=True,
        help_text=_("Its number in the meeting's list, e.g. 04 B."),
    )
    symbol = models.CharField(
        _("symbol"), max_length=80, blank=True, help_text=_("E.g. EMG SOM28/mid-term/02.")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    file = models.FileField(
        _("file"),
        upload_to="documents/%Y/",
        blank=True,
        help_text=_("The document itself, where we hold it."),
    )
    token = models.CharField(
        _("token"),
        max_length=64,
        unique=True,
        default=document_token,
        editable=False,
        help_text=_("The random part of its download address."),
    )
    superseded_at = models.DateTimeField(
        _("superseded at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When it stopped being current; only the secretariat may download it since."),
    )
    superseded_reason = models.CharField(
        _("superseded reason"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("Why it is superseded."),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
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
    """Provenance: the report, the section and the sentence a fact was taken from, and whether
    the report states the fact or we infer it from that sentence (``evidence``)."""

    source = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The report this is taken from."),
        verbose_name=_("source"),
    )
    source_section = models.CharField(
        _("source section"), max_length=80, blank=True, help_text=_("E.g. section 2(b).")
    )
    source_quote = models.TextField(
        _("source quote"), blank=True, help_text=_("The sentence that states it.")
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=10,
        choices=Evidence,
        default=Evidence.STATED,
        help_text=_("Stated: the source says it. Inferred: our reading of the source."),
    )
    evidence_reason = models.CharField(
        _("evidence reason"),
        max_length=300,
        blank=True,
        help_text=_("Why we read it so: required when inferred, in one line."),
    )

    class Meta:
        # Each concrete model adds ``evidence_constraints("", name)`` to its own constraints.
        abstract = True

    @property
    def provenance(self) -> str:
        if self.source is None:
            return ""
        where = f"{self.source.meeting.short_label} {self.source.title}"
        return f"{where}, {self.source_section}" if self.source_section else where

    @property
    def is_inferred(self) -> bool:
        return self.evidence == Evidence.INFERRED
