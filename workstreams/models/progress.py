"""What a workstream reported and what was proposed, meeting by meeting (decisions are in
``decisions.py``).

Each is a row of the record, with its provenance (``Sourced``). A published update or a concept
note is what a status on the timeline rests on (``timeline.py``)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import (
    AgendaItem,
    Document,
    Entity,
    Meeting,
    Person,
    Sourced,
    Translated,
    evidence_constraints,
)
from meetings.models.translated import OriginalText, language_columns
from workstreams.models.inputs import SourcesKept
from workstreams.models.sort_keys import MeetingDateAndTitleKept, MeetingDateKept
from workstreams.models.timeline import Status

# Where the record states a row: joined wherever the row's provenance is shown.
SOURCE = ["source__meeting"]


class ProgressUpdateQuerySet(OriginalText, models.QuerySet["ProgressUpdate"]):
    def published(self) -> "ProgressUpdateQuerySet":
        return self.filter(state=ProgressUpdate.State.PUBLISHED)

    def presented(self) -> "ProgressUpdateQuerySet":
        """Published updates as a meeting shows them (its page, its briefing pack): with the
        workstream, presenter, entity, agenda item and source, in agenda order then by title,
        updates without an agenda item last on every database."""
        return self.published_with_relations().order_by(
            F("agenda_item__position").asc(nulls_last=True), "workstream_title"
        )

    def with_relations(self) -> "ProgressUpdateQuerySet":
        """Each update with what any screen shows of it: its workstream, meeting, presenter (and
        the presenter's entity), presenting entity, agenda item and source."""
        return self.select_related(
            "workstream", "meeting", "presenter__entity", "entity", "agenda_item", *SOURCE
        )

    def published_with_relations(self) -> "ProgressUpdateQuerySet":
        """The public record's updates, as the pages, the feeds and the pack show them (the API,
        which also shows a login the drafts it may see, takes ``with_relations()``)."""
        return self.published().with_relations()

    def newest_by_meeting(self) -> "ProgressUpdateQuerySet":
        """The timeline's latest updates: published, the latest meeting's first, each meeting's
        most recently published first; read from an index, not sorted."""
        return self.published_with_relations().order_by(
            "-meeting_date", "-published_at", "workstream_title"
        )

    def awaiting_review(self) -> "ProgressUpdateQuerySet":
        """The admin landing panel: submitted updates, oldest first."""
        return (
            self.filter(state=ProgressUpdate.State.SUBMITTED)
            .select_related("workstream", "meeting", "entity")
            .order_by("updated_at")
        )


class EditorialState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")


class ProgressUpdate(MeetingDateAndTitleKept, Sourced, Translated, HistoryNotes, SourcesKept):
    """What a workstream reported at a meeting. Only published updates are public."""

    TRANSLATED_FIELDS = ("summary", "next_steps")

    State = EditorialState

    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("workstream"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="updates", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("agenda item"),
    )
    presenter = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        verbose_name=_("presenter"),
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text=_("The presenting entity, as the record names it for this presentation."),
        verbose_name=_("entity"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Required before the update is submitted.")
    )
    next_steps = models.TextField(_("next steps"), blank=True)
    expected_to_continue_in = models.PositiveSmallIntegerField(
        _("expected to continue in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1972), MaxValueValidator(2100)],
        help_text=_("The year the meeting expects the work to continue in."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    returned_reason = models.TextField(
        _("returned reason"),
        blank=True,
        help_text=_("Why the secretariat last returned the update to draft."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Goes up with every save, so that a stale edit can be refused."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=language_columns(*TRANSLATED_FIELDS))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["meeting_date", "workstream_title"]
        indexes = [
            # The lists' default order (the API's, the admin's), read from the index.
            models.Index(fields=["meeting_date", "workstream_title"], name="update_date_title"),
            models.Index(fields=["workstream_title"], name="update_title"),
            # The feeds: the newest published updates, read from the index, not sorted.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state="published"),
                name="update_published_newest",
            ),
            # The timeline's latest updates (newest_by_meeting).
            models.Index(
                F("meeting_date").desc(),
                F("published_at").desc(),
                "workstream_title",
                condition=Q(state="published"),
                name="update_newest_by_meeting",
            ),
        ]
        constraints = [
            *evidence_constraints("", "update"),
            models.UniqueConstraint(
                fields=["workstream", "meeting"], name="update_once_per_workstream_and_meeting"
            ),
            choices_check("status", Status, "update_status_valid"),
            choices_check("state", EditorialState, "update_state_valid"),
            models.CheckConstraint(
                condition=Q(state="published", published_at__isnull=False)
                | (~Q(state="published") & Q(published_at__isnull=True)),
                name="update_published_at_iff_published",
            ),
            # A draft may wait for its summary (the report intake's drafts do, docs/intake.md);
            # an update is submitted or published only with one.
            models.CheckConstraint(
                condition=Q(state=EditorialState.DRAFT) | ~Q(summary=""),
                name="update_summary_not_blank",
                violation_error_message=_("Write the summary before the update is submitted."),
            ),
            models.CheckConstraint(
                condition=Q(expected_to_continue_in__isnull=True)
                | Q(expected_to_continue_in__gte=1972, expected_to_continue_in__lte=2100),
                name="update_continue_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstream.short_title} at {self.meeting}"


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def with_relations(self) -> "ProposalQuerySet":
        """Each proposal with what any screen shows of it: meeting, workstream, presenter,
        entity, document and source."""
        return self.select_related(
            "meeting", "workstream", "presenter", "entity", "document", *SOURCE
        )


class ProposalKind(models.TextChoices):
    CONCEPT_NOTE = "concept_note", _("Concept note")
    TOPIC = "topic", _("Topic for future work")
    THEME = "theme", _("Theme for the strategic discussion")


class Proposal(MeetingDateKept, Sourced, HistoryNotes):
    """A new piece of work put to a meeting: a concept note, a topic, or a discussion theme."""

    Kind = ProposalKind

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order within the meeting.")
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    presenter = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("presenter"),
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("entity"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("agenda item"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("document"),
    )
    workstream = models.ForeignKey(
        "workstreams.Workstream",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("The workstream the proposal puts forward, and became if taken forward."),
        verbose_name=_("workstream"),
    )

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["meeting_date", "position"]
        indexes = [
            # The lists' default order: by the meeting's date, then the order within it.
            models.Index(fields=["meeting_date", "position"], name="proposal_date_position"),
        ]
        constraints = [
            *evidence_constraints("", "proposal"),
            models.UniqueConstraint(fields=["meeting", "title"], name="proposal_title_unique"),
            models.UniqueConstraint(
                fields=["meeting", "position"], name="proposal_position_unique"
            ),
            choices_check("kind", ProposalKind, "proposal_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="concept_note") | Q(workstream__isnull=True),
                name="proposal_only_concept_notes_name_a_workstream",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_not_blank"),
        ]

    def __str__(self) -> str:
        return self.title
