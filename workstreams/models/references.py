"""Cross-references to the wider framework: the SDG goals and targets, UNEA resolutions and MEA
decisions (``FrameworkReference``), and the tags by which a workstream, a progress update or a
decision refers to one (``ReferenceTag``), each with its evidence (docs/record.md).

The 17 goals and 169 targets come from a data file (``load_sdg``); a resolution or a decision is
stored by its symbol and title, by the secretariat or by the record loader where a report names
one. A tag the record loader writes quotes the report that names the reference; a tag the
secretariat adds by hand is marked as theirs, and its history says who and when.
"""

import re
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import Sourced, evidence_constraints

# An SDG's code: a goal ("14"), or a target of it ("14.1", "14.a").
SDG_CODE = re.compile(r"^(?P<goal>[1-9][0-9]?)(?:\.(?P<target>[1-9][0-9]?|[a-z]))?$")


class ReferenceKind(models.TextChoices):
    SDG_GOAL = "sdg_goal", _("SDG goal")
    SDG_TARGET = "sdg_target", _("SDG target")
    UNEA_RESOLUTION = "unea_resolution", _("UNEA resolution")
    MEA_DECISION = "mea_decision", _("MEA decision")


SDG_KINDS = [ReferenceKind.SDG_GOAL, ReferenceKind.SDG_TARGET]
# The order the pages and the API list the kinds in, the SDGs first.
KIND_ORDER: dict[str, str] = {str(kind): str(i) for i, kind in enumerate(ReferenceKind, start=1)}


def sort_key(kind: str, code: str) -> str:
    """A key that orders references by kind, then an SDG's goal and target by number (14, 14.1,
    14.2 … 14.10, 14.a), then anything else by its symbol."""
    match = SDG_CODE.match(code) if kind in SDG_KINDS else None
    if match is None:
        return f"{KIND_ORDER.get(kind, '9')}{code.lower()}"
    # Fixed width, letters and digits only, so that a database collation that ignores
    # punctuation orders it as Python does: 10100 (goal 1), 10101 (1.1), 101za (1.a).
    target = match["target"] or "00"
    target = target.zfill(2) if target.isdigit() else f"z{target}"
    # Goals and targets share one run, each goal before its targets.
    return f"{KIND_ORDER[ReferenceKind.SDG_GOAL]}{int(match['goal']):02d}{target}"


def reference_slug(kind: str, code: str) -> str:
    """``sdg-14-1`` for target 14.1, ``unep-ea-5-res-12`` for UNEP/EA.5/Res.12."""
    slug = slugify(code.replace(".", "-").replace("/", "-"))
    return f"sdg-{slug}" if kind in SDG_KINDS else slug


class FrameworkReferenceQuerySet(models.QuerySet["FrameworkReference"]):
    def sdg(self) -> "FrameworkReferenceQuerySet":
        return self.filter(kind__in=SDG_KINDS)

    def with_tag_count(self) -> "FrameworkReferenceQuerySet":
        """Each with ``tag_count``: how many public rows refer to it (workstreams, decisions and
        published updates)."""
        public = Q(tags__update__isnull=True) | Q(tags__update__state="published")
        return self.annotate(tag_count=models.Count("tags", filter=public))


class FrameworkReference(HistoryNotes, models.Model):
    """An SDG goal or target, a UNEA resolution or an MEA decision, by its official code."""

    Kind = ReferenceKind

    kind = models.CharField(_("kind"), max_length=20, choices=ReferenceKind)
    code = models.CharField(
        _("code"),
        max_length=60,
        help_text=_("The official code or symbol: 14, 14.1, UNEP/EA.5/Res.14, CBD/COP/DEC/15/4."),
    )
    title = models.TextField(_("title"), help_text=_("The official title, in English."))
    goal = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        limit_choices_to={"kind": ReferenceKind.SDG_GOAL},
        verbose_name=_("goal"),
        help_text=_("For an SDG target: its goal."),
    )
    body = models.CharField(
        _("convention or body"),
        max_length=200,
        blank=True,
        help_text=_("For an MEA decision: the convention and the body that took it."),
    )
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, blank=True, help_text=_("Its address.")
    )
    sort_key = models.CharField(max_length=80, editable=False, db_index=True)

    objects = FrameworkReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("framework reference")
        verbose_name_plural = _("framework references")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="reference_code_once"),
            choices_check("kind", ReferenceKind, "reference_kind_valid"),
            models.CheckConstraint(condition=~Q(code=""), name="reference_code_not_blank"),
            models.CheckConstraint(condition=~Q(title=""), name="reference_title_not_blank"),
            models.CheckConstraint(
                condition=Q(kind=ReferenceKind.SDG_TARGET, goal__isnull=False)
                | (~Q(kind=ReferenceKind.SDG_TARGET) & Q(goal__isnull=True)),
                name="reference_goal_iff_target",
                violation_error_message=_("An SDG target has its goal, and only a target has."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: object, **kwargs: object) -> None:
        self.slug = self.slug or reference_slug(self.kind, self.code)
        self.sort_key = sort_key(self.kind, self.code)
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "slug", "sort_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        """``SDG 14.1`` (in the reader's language: ``ODD 14.1``), or the symbol."""
        if self.kind in SDG_KINDS:
            return gettext("SDG %(code)s") % {"code": self.code}
        return self.code


class ReferenceTagQuerySet(models.QuerySet["ReferenceTag"]):
    def with_references(self) -> "ReferenceTagQuerySet":
        """Each tag with its reference and its source: what a row's list of tags shows."""
        return self.select_related("reference", "source__meeting")

    def public(self) -> "ReferenceTagQuerySet":
        """The tags of workstreams, decisions and published updates."""
        return self.filter(Q(update__isnull=True) | Q(update__state="published"))

    def for_reference_page(self, reference: "FrameworkReference") -> "ReferenceTagQuerySet":
        """A reference's page: what refers to it (or, for a goal, to any of its targets), with
        the workstream, update or decision tagged and where the record says so."""
        return (
            self.public()
            .filter(Q(reference=reference) | Q(reference__goal=reference))
            .select_related(
                "reference",
                "workstream",
                "update__workstream",
                "update__meeting",
                "decision__workstream",
                "decision__meeting",
                "source__meeting",
            )
        )


def tags_prefetch(lookup: str = "reference_tags") -> "Prefetch[str, Any, str]":
    """A row's tags (``lookup``: ``reference_tags``, ``updates__reference_tags``…), one query."""
    return Prefetch(lookup, queryset=ReferenceTag.objects.with_references())


class TagOrigin(models.TextChoices):
    RECORD = "record", _("The record: a report names it")
    SECRETARIAT = "secretariat", _("The secretariat")


class ReferenceTag(Sourced, HistoryNotes, models.Model):
    """A workstream, a progress update or a decision refers to a framework reference."""

    Origin = TagOrigin

    reference = models.ForeignKey(
        FrameworkReference,
        on_delete=models.PROTECT,
        related_name="tags",
        verbose_name=_("reference"),
    )
    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reference_tags",
        verbose_name=_("workstream"),
    )
    update = models.ForeignKey(
        "workstreams.ProgressUpdate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reference_tags",
        verbose_name=_("progress update"),
    )
    decision = models.ForeignKey(
        "workstreams.Decision",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reference_tags",
        verbose_name=_("decision"),
    )
    origin = models.CharField(
        _("tagged by"),
        max_length=20,
        choices=TagOrigin,
        default=TagOrigin.SECRETARIAT,
        help_text=_("The record (a report names it, quoted) or the secretariat, by hand."),
    )

    objects = ReferenceTagQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cross-reference")
        verbose_name_plural = _("cross-references")
        ordering = ["reference__sort_key", "pk"]
        constraints = [
            *evidence_constraints("", "reference_tag"),
            choices_check("origin", TagOrigin, "reference_tag_origin_valid"),
            models.CheckConstraint(
                condition=Q(workstream__isnull=False, update__isnull=True, decision__isnull=True)
                | Q(workstream__isnull=True, update__isnull=False, decision__isnull=True)
                | Q(workstream__isnull=True, update__isnull=True, decision__isnull=False),
                name="reference_tag_tags_one",
                violation_error_message=_(
                    "A cross-reference tags one workstream, progress update or decision."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(origin=TagOrigin.RECORD)
                | (Q(source__isnull=False) & ~Q(source_quote="")),
                name="reference_tag_record_quoted",
                violation_error_message=_(
                    "A tag from the record quotes the report that names the reference."
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["reference", name],
                    condition=Q(**{f"{name}__isnull": False}),
                    name=f"reference_tag_once_per_{name}",
                )
                for name in ("workstream", "update", "decision")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tagged} → {self.reference}"

    @property
    def tagged(self) -> object:
        """The workstream, progress update or decision tagged."""
        return self.workstream or self.update or self.decision
