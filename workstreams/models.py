"""What and its status: workstreams, their leads, progress updates, proposals and decisions.

The status of a workstream at a meeting is never typed in by hand. It is derived from the
record of that meeting (a decision, a published progress update, a proposal) by
``workstreams.services.timeline_entry_refresh`` and kept in ``TimelineEntry`` so that the
matrix, the filters and "status now" are plain indexed reads. No entry means "no record".
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delivery.webhooks.validation import (
    SECRET_MAX_LENGTH,
    URL_MAX_LENGTH,
    webhook_secret_validate,
    webhook_url_validate,
)
from emgtracker.db import choices_check
from meetings.models import AgendaItem, Document, Entity, Meeting, Person, Sourced


class Status(models.TextChoices):
    """The status of a workstream at a meeting (design.md §2)."""

    PROPOSED = "proposed", _("Proposed")
    ESTABLISHED = "established", _("Established")
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    CONCLUDED = "concluded", _("Concluded")
    SUCCEEDED = "succeeded", _("Succeeded or merged")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")


RUNNING_STATUSES = [Status.ESTABLISHED, Status.ACTIVE, Status.EXTENDED]


class WorkstreamQuerySet(models.QuerySet["Workstream"]):
    def with_current_status(self) -> "WorkstreamQuerySet":
        """Annotate ``current_status``: the status at the latest meeting with a record (None:
        no record). Stored in ``status_now`` by ``timeline_entry_refresh``, so that a filter on
        it reads an index rather than every workstream's timeline."""
        return self.annotate(current_status=F("status_now"))

    def without_update_for(self, meeting: Meeting) -> "WorkstreamQuerySet":
        """The admin landing panel: running workstreams with no update, in any state, for ``meeting``.

        A workstream is running when its latest status says it is (established, active, extended).
        """
        return (
            self.with_current_status()
            .filter(current_status__in=RUNNING_STATUSES)  # type: ignore[misc]
            .exclude(updates__meeting=meeting)
            .prefetch_related(
                Prefetch("leads", queryset=WorkstreamLead.objects.select_related("entity"))
            )
            .order_by("title")
        )

    def for_list(self) -> "WorkstreamQuerySet":
        """The workstream list: status now, leads, parent, and every entry with its meeting."""
        return (
            self.with_current_status()
            .select_related("parent")
            .prefetch_related(
                Prefetch("leads", queryset=WorkstreamLead.objects.select_related("entity")),
                Prefetch(
                    "timeline_entries",
                    queryset=TimelineEntry.objects.select_related("meeting").order_by(
                        "meeting__date", "meeting__som_number"
                    ),
                ),
            )
            .order_by("title")
        )

    def for_detail(self) -> "WorkstreamQuerySet":
        """A workstream's page: its relations, its published updates, decisions and proposals."""
        source = ["source__meeting"]
        return self.select_related("parent", "successor").prefetch_related(
            Prefetch("leads", queryset=WorkstreamLead.objects.select_related("entity", *source)),
            Prefetch("children", queryset=Workstream.objects.order_by("title")),
            Prefetch("predecessors", queryset=Workstream.objects.order_by("title")),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.published()
                .select_related("meeting", "presenter", "entity", "agenda_item", *source)
                .order_by("meeting__date", "meeting__som_number"),
                to_attr="published_updates",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("meeting", *source).order_by(
                    "meeting__date", "kind"
                ),
            ),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related(
                    "meeting", "presenter", "entity", "document", *source
                ),
            ),
            Prefetch(
                "timeline_entries",
                queryset=TimelineEntry.objects.select_related(
                    "decision__source__meeting",
                    "update__source__meeting",
                    "proposal__source__meeting",
                ),
            ),
        )

    def for_timeline(self) -> "WorkstreamQuerySet":
        """The rows of the status matrix, with their leads and every timeline entry."""
        return self.select_related("parent").prefetch_related(
            Prefetch("leads", queryset=WorkstreamLead.objects.select_related("entity")),
            Prefetch(
                "timeline_entries",
                queryset=TimelineEntry.objects.select_related(
                    "decision__source__meeting",
                    "update__source__meeting",
                    "proposal__source__meeting",
                ),
            ),
        )


class WorkstreamKind(models.TextChoices):
    IMG = "img", _("Issue Management Group")
    CONSULTATIVE_PROCESS = "consultative_process", _("Consultative Process")
    CONSULTATIONS = "consultations", _("Consultations")
    TASK_TEAM = "task_team", _("Task Team")
    WORKING_GROUP = "working_group", _("Working Group")
    NEXUS_DIALOGUE = "nexus_dialogue", _("Nexus Dialogue")
    DIALOGUE_SERIES = "dialogue_series", _("Dialogue series")
    NETWORK = "network", _("Network")
    INITIATIVE = "initiative", _("System-wide initiative")


class Workstream(models.Model):
    """A body of EMG work: an IMG, a consultative process, a task team, a dialogue series …"""

    Kind = WorkstreamKind

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=250, unique=True)
    short_title = models.CharField(max_length=80)
    kind = models.CharField(max_length=30, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The workstream this one is a sub-group of."),
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The workstream that took over this one's work."),
    )
    lead_entities: "models.ManyToManyField[Entity, WorkstreamLead]" = models.ManyToManyField(
        Entity, through="WorkstreamLead", related_name="led_workstreams", blank=True
    )
    description = models.TextField(blank=True)
    also_known_as = models.CharField(
        max_length=250, blank=True, help_text=_("Another name the record uses for it.")
    )

    status_now = models.CharField(
        max_length=20,
        choices=Status,
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived: the status at its latest meeting with a record; empty, no record."),
    )

    objects = WorkstreamQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["status_now"])

    class Meta:
        ordering = ["title"]
        constraints = [
            choices_check("kind", WorkstreamKind, "workstream_kind_valid"),
            choices_check("status_now", Status, "workstream_status_now_valid"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="workstream_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(successor=F("id")), name="workstream_not_own_successor"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="workstream_title_not_blank"),
            models.CheckConstraint(
                condition=~Q(short_title=""), name="workstream_short_title_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FocalPoint(models.Model):
    """A login that speaks for an entity: it drafts and submits the updates its entity leads."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_point"
    )
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="focal_points")

    class Meta:
        ordering = ["entity__slug", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} for {self.entity}"


class LeadRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_LEAD = "co_lead", _("Co-lead")


class WorkstreamLead(Sourced):
    Role = LeadRole

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="leads")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="workstream_leads")
    role = models.CharField(max_length=10, choices=Role, default=Role.LEAD)

    class Meta:
        ordering = ["workstream", "role", "entity__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "entity"], name="lead_once_per_workstream"
            ),
            choices_check("role", LeadRole, "lead_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} leads {self.workstream}"


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    def published(self) -> "ProgressUpdateQuerySet":
        return self.filter(state=ProgressUpdate.State.PUBLISHED)

    def presented(self) -> "ProgressUpdateQuerySet":
        """Published updates as a meeting shows them (its page, its briefing pack): with the
        workstream, presenter, entity, agenda item and source, in agenda order then by title,
        updates without an agenda item last on every database."""
        return (
            self.published()
            .select_related(
                "workstream", "presenter__entity", "entity", "agenda_item", "source__meeting"
            )
            .order_by(F("agenda_item__position").asc(nulls_last=True), "workstream__title")
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


class ProgressUpdate(Sourced):
    """What a workstream reported at a meeting. Only published updates are public."""

    State = EditorialState

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="updates")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="updates")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="updates"
    )
    presenter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="updates",
        help_text=_("The presenting entity, as the record names it for this presentation."),
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    summary = models.TextField()
    next_steps = models.TextField(blank=True)
    expected_to_continue_in = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1972), MaxValueValidator(2100)],
        help_text=_("The year the meeting expects the work to continue in."),
    )
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    returned_reason = models.TextField(
        blank=True, help_text=_("Why the secretariat last returned the update to draft.")
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Goes up with every save, so that a stale edit can be refused.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "workstream__title"]
        indexes = [
            # The feeds: the newest published updates, read from the index, not sorted.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(state="published"),
                name="update_published_newest",
            )
        ]
        constraints = [
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
            models.CheckConstraint(condition=~Q(summary=""), name="update_summary_not_blank"),
            models.CheckConstraint(
                condition=Q(expected_to_continue_in__isnull=True)
                | Q(expected_to_continue_in__gte=1972, expected_to_continue_in__lte=2100),
                name="update_continue_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstream.short_title} at {self.meeting}"


class ProposalKind(models.TextChoices):
    CONCEPT_NOTE = "concept_note", _("Concept note")
    TOPIC = "topic", _("Topic for future work")
    THEME = "theme", _("Theme for the strategic discussion")


class Proposal(Sourced):
    """A new piece of work put to a meeting: a concept note, a topic, or a discussion theme."""

    Kind = ProposalKind

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=Kind)
    position = models.PositiveSmallIntegerField(help_text=_("Order within the meeting."))
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    presenter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("The workstream the proposal puts forward, and became if taken forward."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "position"]
        constraints = [
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


class DecisionKind(models.TextChoices):
    ESTABLISH = "establish", _("Establish")
    EXTEND = "extend", _("Extend the mandate")
    CONTINUE = "continue", _("Continue")
    CONCLUDE = "conclude", _("Conclude")
    ENDORSE = "endorse", _("Endorse a document")
    NOT_TAKEN_FORWARD = "not_taken_forward", _("Not taken forward")


class Decision(Sourced):
    """What the Senior Officials decided about a workstream at a meeting."""

    Kind = DecisionKind

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=20, choices=Kind)
    text = models.TextField(help_text=_("What was decided, in a sentence."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "workstream__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "workstream", "kind"], name="decision_once_per_kind"
            ),
            choices_check("kind", DecisionKind, "decision_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="decision_text_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.workstream} ({self.meeting})"


class Basis(models.TextChoices):
    DECISION = "decision", _("Decision of the Senior Officials")
    UPDATE = "update", _("Published progress update")
    PROPOSAL = "proposal", _("Proposal")


class TimelineEntry(models.Model):
    """The status of a workstream at a meeting, and the record it rests on.

    Written only by ``timeline_entry_refresh``; exactly one of ``decision``, ``update`` and
    ``proposal`` is the basis, and its provenance is the entry's provenance.
    """

    Basis = Basis

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="timeline_entries"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="timeline_entries")
    status = models.CharField(max_length=20, choices=Status)
    basis = models.CharField(max_length=10, choices=Basis)
    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "timeline entries"
        ordering = ["meeting__date", "workstream__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workstream", "meeting"], name="timeline_entry_once_per_cell"
            ),
            choices_check("status", Status, "timeline_status_valid"),
            choices_check("basis", Basis, "timeline_basis_valid"),
            models.CheckConstraint(
                condition=Q(
                    basis="decision",
                    decision__isnull=False,
                    update__isnull=True,
                    proposal__isnull=True,
                )
                | Q(
                    basis="update",
                    decision__isnull=True,
                    update__isnull=False,
                    proposal__isnull=True,
                )
                | Q(
                    basis="proposal",
                    decision__isnull=True,
                    update__isnull=True,
                    proposal__isnull=False,
                ),
                name="timeline_entry_has_one_basis",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="timeline_meeting_status")]

    def __str__(self) -> str:
        return f"{self.workstream.short_title} at {self.meeting}: {self.get_status_display()}"

    @property
    def record(self) -> Decision | ProgressUpdate | Proposal:
        record = {"decision": self.decision, "update": self.update, "proposal": self.proposal}[
            self.basis
        ]
        assert record is not None
        return record


class LoadedRow(models.Model):
    """What ``load_emg_record`` last wrote to one row: the row's key in the record and a digest
    of the values the loader gave it.

    The record is where the database starts, never an authority over later edits. A row whose
    values no longer match this digest was changed by someone after loading (or deleted, if
    ``object_id`` names no row), and the loader leaves it alone.
    """

    model = models.CharField(
        max_length=100, help_text=_("The model's label, e.g. meetings.entity.")
    )
    key = models.CharField(
        max_length=1000, help_text=_("The row's natural key in the record, e.g. slug=unep.")
    )
    object_id = models.PositiveBigIntegerField()
    digest = models.CharField(
        max_length=64, help_text=_("SHA-256 of the field values the loader last wrote.")
    )
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="loaded_row_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


# Background work -----------------------------------------------------------------------------


class OutboxMessage(models.Model):
    """A task to enqueue, written in the same transaction as the change that calls for it.

    If the broker is down when the transaction commits, the row waits here and
    ``outbox_dispatch`` sends it once the broker is back: a write never fails, and no task is
    lost, because Redis is unreachable.
    """

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}({self.kwargs})"


class JobKind(models.TextChoices):
    BRIEFING_PACK = "briefing_pack", _("Briefing pack")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Work the secretariat asked for, with a state the admin and the API show."""

    Kind = JobKind
    State = JobState

    kind = models.CharField(max_length=20, choices=Kind)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0, help_text=_("Steps done."))
    total = models.PositiveIntegerField(default=0, help_text=_("Steps in all, once known."))
    error = models.TextField(blank=True, help_text=_("Why it failed."))
    documents = models.ManyToManyField(Document, blank=True, related_name="+")
    contents = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The published updates the pack was compiled from, id to version: when one leaves "
            "the public record, the pack is superseded."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choices_check("kind", JobKind, "job_kind_valid"),
            choices_check("state", JobState, "job_state_valid"),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="job_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.meeting}"

    @property
    def progress(self) -> str:
        if self.state == JobState.RUNNING and self.total:
            return _("%(done)d of %(total)d done") % {"done": self.done, "total": self.total}
        if self.state == JobState.FAILED:
            return _("Failed: %(error)s") % {"error": self.error}
        return str(self.get_state_display())


class NoticeKind(models.TextChoices):
    CALL_FOR_INPUT = "call_for_input", _("Call for input")
    REMINDER = "reminder", _("Reminder")
    DIGEST = "digest", _("Digest of missing updates")


class Notice(models.Model):
    """An e-mail sent about a meeting's updates. Its row is committed before the e-mail goes,
    so a second run of the day's job finds it and sends nothing (docs/notices.md)."""

    Kind = NoticeKind

    kind = models.CharField(max_length=20, choices=Kind)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    recipient = models.EmailField()
    workstreams = models.ManyToManyField(Workstream, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting", "recipient"], name="notice_once_per_recipient"
            ),
            choices_check("kind", NoticeKind, "notice_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} for {self.meeting}"


class WebhookEvent(models.TextChoices):
    UPDATE_PUBLISHED = "update.published", _("Progress update published")
    STATUS_CHANGED = "status.changed", _("Status of a workstream at a meeting changed")
    MEETING_ADDED = "meeting.added", _("Meeting added")


class WebhookSubscription(models.Model):
    """An API consumer's URL, called with a signed JSON body when one of its events happens."""

    Event = WebhookEvent

    # The one validator of each, run by the admin's form (the model's validation), the API's
    # serializer and the services alike (delivery/webhooks/validation.py).
    url = models.CharField(max_length=URL_MAX_LENGTH, validators=[webhook_url_validate])
    events = models.JSONField(
        default=list, help_text=_("The events to send, e.g. update.published.")
    )
    secret = models.CharField(
        max_length=SECRET_MAX_LENGTH,
        validators=[webhook_secret_validate],
        help_text=_(
            "Signs each delivery (webhook-signature), in the Standard Webhooks form: whsec_ and "
            "the base64 of the key."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set after repeated failures; clear it to resume.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event sent to one subscription, with every attempt's outcome."""

    State = DeliveryState

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent as webhook-id, the same on every attempt: receivers de-duplicate by it."),
    )
    event = models.CharField(max_length=40, choices=WebhookEvent)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            choices_check("state", DeliveryState, "delivery_state_valid"),
            choices_check("event", WebhookEvent, "delivery_event_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
