"""Co-lead inputs: what each lead entity of a workstream says for a meeting, before the
secretariat merges the inputs into the one progress update.

An input is its entity's own text, in the language its focal point wrote it (inputs are not
translated). Once merged, it is kept as one of the update's sources (``ProgressUpdate.sources``)
and is locked. The update says whether its sources are public once it is published
(``SourcesKept.sources_public``).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import Entity, Meeting
from workstreams.models.timeline import Status

if TYPE_CHECKING:
    from workstreams.models.progress import ProgressUpdate


class SourcesKept(models.Model):
    """On a progress update: whether the inputs it was merged from are shown with it once it
    is published. The secretariat sets it; off unless it says so."""

    sources_public = models.BooleanField(
        _("sources public once published"),
        default=False,
        help_text=_("Show the co-lead inputs this update was merged from on its public pages."),
    )

    class Meta:
        abstract = True


class InputState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ProgressInputQuerySet(models.QuerySet["ProgressInput"]):
    def with_relations(self) -> "ProgressInputQuerySet":
        """Each input with its workstream, meeting, entity, author and the update it went into."""
        return self.select_related("workstream", "meeting", "entity", "author", "merged_into")

    def for_merge(self, *, workstream_id: int, meeting_id: int) -> "ProgressInputQuerySet":
        """The inputs of one workstream at one meeting, side by side: by entity."""
        return (
            self.filter(workstream_id=workstream_id, meeting_id=meeting_id)
            .select_related("entity", "author", "merged_into")
            .order_by("entity__acronym", "entity__slug")
        )

    def public_sources_of(self, updates: Iterable["ProgressUpdate"]) -> list["ProgressUpdate"]:
        """Give each published update whose sources are public its inputs (``public_sources``),
        by entity: one query, and none when no update on the page shows its sources."""
        rows = list(updates)
        shown = {u.pk: u for u in rows if u.sources_public and u.state == "published"}
        found: dict[int, list[ProgressInput]] = {pk: [] for pk in shown}
        if shown:
            inputs = self.filter(merged_into_id__in=shown).select_related("entity")
            for source in inputs.order_by("entity__acronym", "entity__slug"):
                found[source.merged_into_id or 0].append(source)
        for update in rows:
            # Not fields: what a page shows of the update, read once for the page.
            sources = found.get(update.pk, [])
            names: list[Any] = [source.entity.label for source in sources]
            setattr(update, "public_sources", sources)  # noqa: B010
            setattr(update, "public_sources_entities", get_text_list(names, _("and")))  # noqa: B010
        return rows


class ProgressInput(HistoryNotes, models.Model):
    """One lead entity's input on a workstream for a meeting, drafted and submitted by its focal
    point. The secretariat merges the submitted inputs into the one progress update."""

    State = InputState

    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("workstream"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="inputs", verbose_name=_("meeting")
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        related_name="inputs",
        help_text=_("One of the workstream's lead entities: the input is its own."),
        verbose_name=_("entity"),
    )
    summary = models.TextField(_("summary"))
    next_steps = models.TextField(_("next steps"), blank=True)
    status = models.CharField(
        _("status proposed"),
        max_length=20,
        choices=Status,
        blank=True,
        help_text=_("The status this entity proposes for the workstream, if any."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InputState, default=InputState.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_inputs",
        verbose_name=_("author"),
    )
    merged_into = models.ForeignKey(
        "workstreams.ProgressUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sources",
        help_text=_("The progress update the secretariat merged this input into."),
        verbose_name=_("merged into"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgressInputQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("co-lead input")
        verbose_name_plural = _("co-lead inputs")
        ordering = ["meeting", "workstream", "entity__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "meeting", "entity"],
                name="input_once_per_entity_workstream_meeting",
            ),
            choices_check("state", InputState, "input_state_valid"),
            models.CheckConstraint(
                condition=Q(status="") | Q(status__in=Status.values), name="input_status_valid"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="input_summary_not_blank"),
            models.CheckConstraint(
                condition=Q(state="submitted", submitted_at__isnull=False)
                | (~Q(state="submitted") & Q(submitted_at__isnull=True)),
                name="input_submitted_at_iff_submitted",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(state="submitted"),
                name="input_merged_only_when_submitted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} on {self.workstream.short_title} at {self.meeting}"

    @property
    def locked(self) -> bool:
        """Merged into an update: no one edits it any more."""
        return self.merged_into_id is not None
