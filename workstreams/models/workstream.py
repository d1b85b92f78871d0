"""Workstreams, the entities that lead them, and the focal points that speak for an entity."""

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emgtracker.db import choices_check
from emgtracker.history import HistoryNotes
from meetings.models import Entity, Meeting, Sourced, Translated, evidence_constraints
from meetings.models.translated import OriginalText, language_columns
from workstreams.models.decisions import Decision
from workstreams.models.progress import SOURCE, ProgressUpdate, Proposal
from workstreams.models.references import tags_prefetch
from workstreams.models.timeline import RUNNING_STATUSES, Status, TimelineEntry


class WorkstreamQuerySet(OriginalText, models.QuerySet["Workstream"]):
    def with_current_status(self) -> "WorkstreamQuerySet":
        """Annotate ``current_status``: the status at the latest meeting with a record (None:
        no record). Stored in ``status_now`` by ``timeline_entry_refresh``, so that a filter on
        it reads an index rather than every workstream's timeline."""
        return self.annotate(current_status=F("status_now"))

    def running(self) -> "WorkstreamQuerySet":
        """Workstreams whose status now says they are running (established, active, extended)."""
        # current_status is status_now by another name: filtered on the field the stubs know.
        return self.with_current_status().filter(status_now__in=RUNNING_STATUSES)

    def with_leads(self) -> "WorkstreamQuerySet":
        """Each workstream's leads, with the entity and where the record names it."""
        return self.prefetch_related(
            Prefetch("leads", queryset=WorkstreamLead.objects.select_related("entity", *SOURCE))
        )

    def with_timeline(self, meetings: Sequence[Meeting] | None = None) -> "WorkstreamQuerySet":
        """Each workstream's timeline entries in meeting order, with the meeting and the record
        each rests on: what its cells, its status now (``Workstream.current_entry``) and its
        first and last meeting (``Workstream.first_meeting``, ``last_meeting``) read, at no
        query of their own. Given ``meetings``, only the entries at those (its cells there;
        status now and first and last meeting then mean within them)."""
        entries = TimelineEntry.objects.select_related(
            "meeting",
            "decision__source__meeting",
            "update__source__meeting",
            "proposal__source__meeting",
        ).order_by("meeting__date", "meeting__som_number")
        if meetings is not None:
            entries = entries.filter(meeting__in=meetings)
        return self.prefetch_related(Prefetch("timeline_entries", queryset=entries))

    def without_update_for(self, meeting: Meeting) -> "WorkstreamQuerySet":
        """The admin landing panel: running workstreams with no update, in any state, for ``meeting``."""
        return self.running().exclude(updates__meeting=meeting).with_leads().order_by("title")

    def for_list(self, meetings: Sequence[Meeting] | None = None) -> "WorkstreamQuerySet":
        """The workstream list: status now, leads, parent, and every entry with its meeting
        (given ``meetings``, the entries at those only: the list as at a meeting)."""
        return (
            self.with_current_status()
            .select_related("parent")
            .with_leads()
            .with_timeline(meetings)
            .order_by("title")
        )

    def for_detail(self) -> "WorkstreamQuerySet":
        """A workstream's page: its relations, its published updates, decisions and proposals."""
        return (
            self.select_related("parent", "successor")
            .with_leads()
            .prefetch_related(
                Prefetch("children", queryset=Workstream.objects.order_by("title")),
                Prefetch("predecessors", queryset=Workstream.objects.order_by("title")),
                # Only the published updates: ``workstream.updates.all()`` reads these.
                Prefetch(
                    "updates",
                    queryset=ProgressUpdate.objects.published_with_relations().order_by(
                        "meeting__date", "meeting__som_number"
                    ),
                ),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.with_relations().order_by("meeting_date", "kind"),
                ),
                Prefetch("proposals", queryset=Proposal.objects.with_relations()),
                # The cross-references of the workstream, its updates and its decisions.
                *(
                    tags_prefetch(f"{rows}reference_tags")
                    for rows in ("", "updates__", "decisions__")
                ),
            )
            .with_timeline()
        )

    def for_timeline(self, meetings: Sequence[Meeting] | None = None) -> "WorkstreamQuerySet":
        """The rows of the status matrix, with their leads and every timeline entry (given
        ``meetings``, those at them only: the matrix as at a meeting)."""
        return self.select_related("parent").with_leads().with_timeline(meetings)

    def for_matrix(self, meetings: Sequence[Meeting]) -> "WorkstreamQuerySet":
        """The rows of one page of the status matrix at ``/``: their leads and their entries at
        the window's ``meetings`` only, in title order."""
        return self.with_leads().with_timeline(meetings).order_by("title")


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
    STREAM = "stream", _("Stream of work")


class MandateState(models.TextChoices):
    """A workstream's mandate now, as its decisions make it (``workstream_mandate_refresh``)."""

    NONE = "", _("No mandate on record")
    OPEN = "open", _("Mandate with no end on record")
    UNTIL = "until", _("Mandate until a Senior Officials Meeting")
    CONCLUDED = "concluded", _("Concluded")


class Workstream(Translated, HistoryNotes):
    """A body of EMG work: an IMG, a consultative process, a task team, a dialogue series …"""

    TRANSLATED_FIELDS = ("title", "short_title", "description")

    Kind = WorkstreamKind

    Mandate = MandateState

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=250, unique=True)
    short_title = models.CharField(_("short title"), max_length=80)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The workstream this one is a sub-group of."),
        verbose_name=_("parent"),
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The workstream that took over this one's work."),
        verbose_name=_("successor"),
    )
    lead_entities: "models.ManyToManyField[Entity, WorkstreamLead]" = models.ManyToManyField(
        Entity,
        through="WorkstreamLead",
        related_name="led_workstreams",
        blank=True,
        verbose_name=_("lead entities"),
    )
    description = models.TextField(_("description"), blank=True)
    also_known_as = models.CharField(
        _("also known as"),
        max_length=250,
        blank=True,
        help_text=_("Another name the record uses for it."),
    )

    status_now = models.CharField(
        _("status now"),
        max_length=20,
        choices=Status,
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Derived: the status at its latest meeting with a record; empty, no record."),
    )
    last_record_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("Derived: its latest meeting with a record, where ``status_now`` is read."),
        verbose_name=_("last record meeting"),
    )
    mandate = models.CharField(
        _("mandate"),
        max_length=10,
        choices=MandateState,
        blank=True,
        default=MandateState.NONE,
        editable=False,
        db_index=True,
        help_text=_("Derived from its decisions: the mandate it holds now."),
    )
    mandate_until = models.PositiveSmallIntegerField(
        _("mandate until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Derived: the SOM its mandate runs to, when the record says."),
    )

    objects = WorkstreamQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            *("status_now", "last_record_meeting", "mandate", "mandate_until"),
            *language_columns(*TRANSLATED_FIELDS),
        ]
    )

    class Meta:
        verbose_name = _("workstream")
        verbose_name_plural = _("workstreams")
        ordering = ["title"]
        # A page of a kind group of the timeline, past the first: an OFFSET along this index.
        indexes = [models.Index(fields=["kind", "title"], name="workstream_kind_title")]
        constraints = [
            choices_check("kind", WorkstreamKind, "workstream_kind_valid"),
            choices_check("status_now", Status, "workstream_status_now_valid"),
            choices_check("mandate", MandateState, "workstream_mandate_valid"),
            models.CheckConstraint(
                condition=Q(mandate="until", mandate_until__isnull=False)
                | (~Q(mandate="until") & Q(mandate_until__isnull=True)),
                name="workstream_mandate_until_iff_until",
            ),
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

    @property
    def current_entry(self) -> TimelineEntry | None:
        """Status now, as the pages show it: the entry at the latest meeting with a record.

        Reads the entries ``with_timeline()`` prefetched; ``status_now`` stores the same status
        for the filters and the API.
        """
        entries = list(self.timeline_entries.all())
        return entries[-1] if entries else None

    @property
    def first_meeting(self) -> Meeting | None:
        """The first meeting with a record of it (from ``with_timeline()``)."""
        entries = list(self.timeline_entries.all())
        return entries[0].meeting if entries else None

    @property
    def last_meeting(self) -> Meeting | None:
        """The latest meeting with a record of it (from ``with_timeline()``)."""
        entry = self.current_entry
        return entry.meeting if entry else None


class FocalPoint(models.Model):
    """A login that speaks for an entity: it drafts and submits the updates its entity leads."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focal_point",
        verbose_name=_("user"),
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="focal_points", verbose_name=_("entity")
    )

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        ordering = ["entity__slug", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} for {self.entity}"


class LeadRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO_LEAD = "co_lead", _("Co-lead")


class WorkstreamLead(Sourced):
    Role = LeadRole

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="leads", verbose_name=_("workstream")
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="workstream_leads", verbose_name=_("entity")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.LEAD)

    class Meta:
        verbose_name = _("workstream lead")
        verbose_name_plural = _("workstream leads")
        ordering = ["workstream", "role", "entity__slug"]
        constraints = [
            *evidence_constraints("", "lead"),
            models.UniqueConstraint(
                fields=["workstream", "entity"], name="lead_once_per_workstream"
            ),
            choices_check("role", LeadRole, "lead_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} leads {self.workstream}"
