from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, OuterRef, QuerySet, Subquery
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delivery.interface import (
    URL_MAX_LENGTH,
    webhook_events_clean,
    webhook_message_id,
    webhook_secret_generate,
    webhook_subscription_resume,
    webhook_subscription_save,
)
from emgtracker.admin import ReadOnly, RulesModelAdmin, RulesTabularInline
from meetings.admin import MeetingAdmin
from meetings.models import Entity, Meeting, Person
from workstreams import services
from workstreams.models import (
    Decision,
    FocalPoint,
    Job,
    Notice,
    OutboxMessage,
    ProgressUpdate,
    Proposal,
    Status,
    TimelineEntry,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    Workstream,
    WorkstreamLead,
)
from workstreams.permissions import (
    focal_point_entity_id,
    is_secretariat,
    progress_updates_visible_to,
    webhook_subscriptions_visible_to,
    workstreams_led_by,
)


def _sees_everything(request: HttpRequest) -> bool:
    return request.user.is_superuser or is_secretariat(request.user)


# Workstreams -------------------------------------------------------------------------------


class WorkstreamLeadInline(RulesTabularInline):
    model = WorkstreamLead
    fields = ["entity", "role", "source", "source_section"]
    autocomplete_fields = ["entity", "source"]


class ProgressUpdateInline(ReadOnly, RulesTabularInline):
    """The updates of a workstream, listed; each opens in its own form and workflow."""

    model = ProgressUpdate
    fields = ["meeting", "status", "state", "presenter", "entity"]
    readonly_fields = ["meeting", "status", "state", "presenter", "entity"]
    show_change_link = True
    ordering = ["meeting__date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return super().get_queryset(request).select_related("meeting", "presenter", "entity")


class DecisionInline(RulesTabularInline):
    model = Decision
    fields = ["meeting", "kind", "text", "source", "source_section"]
    autocomplete_fields = ["meeting", "source"]


class CurrentStatusFilter(admin.SimpleListFilter):
    title = _("status now")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*Status.choices, ("none", _("No record"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "none":
            return queryset.filter(current_status__isnull=True)
        if self.value() in Status.values:
            return queryset.filter(current_status=self.value())
        return queryset


class KeepsTimelineCells:
    """The admin of something a status is derived from (a decision, a proposal, an update): its
    timeline cell goes with it and is derived again by the service, so no one needs leave to
    delete a cell by hand."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)  # type: ignore[misc]
        perms_needed.discard(TimelineEntry._meta.verbose_name)
        return deleted, counts, perms_needed, protected


class RecordOfMeetingAdmin(KeepsTimelineCells, RulesModelAdmin):
    """Decisions and proposals, saved and deleted through their services: ``record_save`` and
    ``record_delete`` take the row by the model's name (``decision=``, ``proposal=``)."""

    record_save: Callable[..., Any]
    record_delete: Callable[..., Any]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self.record_save(**{self.opts.model_name: obj}, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.record_delete(**{self.opts.model_name: obj}, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for row in queryset:
            self.record_delete(**{self.opts.model_name: row}, by=request.user)


@admin.register(Workstream)
class WorkstreamAdmin(RulesModelAdmin):
    list_display = ["title", "short_title", "kind", "status_now", "parent"]
    list_filter = ["kind", CurrentStatusFilter, ("lead_entities", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["title", "short_title", "also_known_as", "slug", "description"]
    autocomplete_fields = ["parent", "successor"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [WorkstreamLeadInline, ProgressUpdateInline, DecisionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workstream]:
        return super().get_queryset(request).with_current_status()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The decisions inline may have changed what the row shows.
        services.workstream_timeline_refresh(
            workstreams=Workstream.objects.filter(pk=form.instance.pk)
        )

    def delete_model(self, request: HttpRequest, obj: Workstream) -> None:
        services.workstream_delete(workstream=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Workstream]) -> None:
        for workstream in queryset:
            services.workstream_delete(workstream=workstream, by=request.user)

    @admin.display(description=_("Status now"), ordering="current_status")
    def status_now(self, workstream: Workstream) -> str:
        current = getattr(workstream, "current_status", None)
        return str(Status(current).label) if current else str(_("No record"))


# Progress updates: the editorial workflow ------------------------------------------------


class ProgressUpdateForm(forms.ModelForm):
    """The update form. It carries the version it was opened at, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, initial=1)

    class Meta:
        model = ProgressUpdate
        fields = [
            *(f for f in services.EDITABLE_FIELDS if f not in {"state", "returned_reason"}),
            "version",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        version = cleaned.get("version")
        if self.instance.pk is not None and version is not None:
            try:
                services.progress_update_check_version(update_id=self.instance.pk, version=version)
            except services.StaleUpdate as stale:
                raise forms.ValidationError(stale.messages, code="stale") from stale
        return cleaned


class ReturnToDraftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it go back to draft?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("The authors see this on the update."),
    )


SECRETARIAT_FIELDSETS = [
    (None, {"fields": ["workstream", "meeting", "agenda_item", "presenter", "entity"]}),
    (
        _("Progress"),
        {"fields": ["status", "summary", "next_steps", "expected_to_continue_in"]},
    ),
    (_("Provenance"), {"fields": ["source", "source_section", "source_quote"]}),
    (
        _("Editorial state"),
        {"fields": ["state", "returned_reason", "published_at", "updated_at", "version"]},
    ),
]
FOCAL_POINT_FIELDSETS = [
    (None, {"fields": ["workstream", "meeting", "presenter", "entity"]}),
    (
        _("Progress"),
        {"fields": ["status", "summary", "next_steps", "expected_to_continue_in"]},
    ),
    (_("Editorial state"), {"fields": ["state", "returned_reason", "updated_at", "version"]}),
]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(KeepsTimelineCells, RulesModelAdmin):
    form = ProgressUpdateForm
    list_display = ["workstream", "meeting", "status", "state", "entity", "presenter", "updated_at"]
    list_filter = ["state", "status", "meeting", ("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["workstream", "meeting", "entity", "presenter"]
    search_fields = ["workstream__title", "workstream__short_title", "summary", "next_steps"]
    readonly_fields = ["state", "returned_reason", "published_at", "updated_at"]
    actions = ["submit", "publish", "return_to_draft"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return progress_updates_visible_to(request.user).select_related(*self.list_select_related)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return SECRETARIAT_FIELDSETS if _sees_everything(request) else FOCAL_POINT_FIELDSETS

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        # A focal point chooses among its own entity's few rows, and sees no other admin
        # list, so its choices are plain selects scoped below.
        if _sees_everything(request):
            return ["workstream", "meeting", "agenda_item", "presenter", "entity", "source"]
        return []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if not _sees_everything(request):
            entity = Entity.objects.filter(pk=focal_point_entity_id(request.user) or 0)
            scoped: dict[str, QuerySet[Any]] = {
                "workstream": workstreams_led_by(request.user),
                "meeting": Meeting.objects.order_by("-date"),
                "presenter": Person.objects.filter(entity__in=entity),
            }
            if db_field.name in scoped:
                kwargs["queryset"] = scoped[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A focal point's update presents for their own entity, unless the secretariat set
        # another: the service fills it in and keeps it (see _presenting_entity).
        fields = list(super().get_readonly_fields(request, obj))
        return fields if _sees_everything(request) else [*fields, "entity"]

    def save_model(
        self, request: HttpRequest, obj: ProgressUpdate, form: Any, change: bool
    ) -> None:
        services.progress_update_save(update=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: ProgressUpdate) -> None:
        services.progress_update_delete(update=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProgressUpdate]) -> None:
        for update in queryset.select_related("workstream", "meeting"):
            services.progress_update_delete(update=update, by=request.user)

    # The workflow, as actions. Each is all-or-nothing over the selected updates.

    def has_submit_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workstreams.submit_progressupdate", obj)

    def has_publish_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workstreams.publish_progressupdate", obj)

    def has_return_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workstreams.return_progressupdate", obj)

    def _apply(
        self, request: HttpRequest, queryset: QuerySet[ProgressUpdate], step: Any, done: str
    ) -> None:
        try:
            with transaction.atomic():
                count = 0
                for update in queryset.select_for_update(of=("self",)).order_by("pk"):
                    step(update)
                    count += 1
        except (PermissionDenied, ValidationError) as refused:
            reason = "; ".join(getattr(refused, "messages", None) or [str(refused)])
            self.message_user(
                request,
                _("Nothing was changed. %(reason)s") % {"reason": reason},
                messages.ERROR,
            )
            return
        self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Submit for review"), permissions=["submit"])
    def submit(self, request: HttpRequest, queryset: QuerySet[ProgressUpdate]) -> None:
        self._apply(
            request,
            queryset,
            lambda u: services.progress_update_submit(update=u, by=request.user),
            ngettext(
                "%(count)d update submitted for review.",
                "%(count)d updates submitted for review.",
                queryset.count(),
            ),
        )

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[ProgressUpdate]) -> None:
        self._apply(
            request,
            queryset,
            lambda u: services.progress_update_publish(update=u, by=request.user),
            ngettext(
                "%(count)d update published.", "%(count)d updates published.", queryset.count()
            ),
        )

    @admin.action(description=_("Return to draft…"), permissions=["return"])
    def return_to_draft(
        self, request: HttpRequest, queryset: QuerySet[ProgressUpdate]
    ) -> HttpResponse | None:
        form = ReturnToDraftForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda u: services.progress_update_return_to_draft(
                    update=u, by=request.user, reason=reason
                ),
                ngettext(
                    "%(count)d update returned to draft.",
                    "%(count)d updates returned to draft.",
                    queryset.count(),
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return to draft"),
            "opts": self.opts,
            "updates": queryset,
            "form": form,
            "action": "return_to_draft",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "now": timezone.now(),
        }
        return TemplateResponse(
            request, "admin/workstreams/progressupdate/return_to_draft.html", context
        )


# The rest of the record --------------------------------------------------------------------


@admin.register(Decision)
class DecisionAdmin(RecordOfMeetingAdmin):
    record_save = staticmethod(services.decision_save)
    record_delete = staticmethod(services.decision_delete)
    list_display = ["workstream", "meeting", "kind", "text"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["workstream", "meeting"]
    search_fields = ["text", "workstream__title", "workstream__short_title"]
    autocomplete_fields = ["meeting", "workstream", "source"]


@admin.register(Proposal)
class ProposalAdmin(RecordOfMeetingAdmin):
    record_save = staticmethod(services.proposal_save)
    record_delete = staticmethod(services.proposal_delete)
    list_display = ["title", "kind", "meeting", "entity", "workstream"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["meeting", "entity", "workstream"]
    search_fields = ["title", "summary"]
    autocomplete_fields = [
        "meeting",
        "presenter",
        "entity",
        "agenda_item",
        "document",
        "workstream",
        "source",
    ]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnly, RulesModelAdmin):
    """The derived cells of the matrix, to read; they change when the record changes."""

    list_display = ["workstream", "meeting", "status", "basis"]
    list_filter = ["status", "basis", "meeting"]
    list_select_related = ["workstream", "meeting"]
    search_fields = ["workstream__title", "workstream__short_title"]


class FocalPointInline(admin.StackedInline):
    model = FocalPoint
    autocomplete_fields = ["entity"]
    verbose_name = _("focal point for an entity")


admin.site.unregister(User)


@admin.register(User)
class EMGUserAdmin(UserAdmin):
    inlines = [FocalPointInline]
    list_display = ["username", "email", "roles", "is_active", "is_staff", "is_superuser"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())


# Background jobs: the briefing pack --------------------------------------------------------


def _document_links(job: Job) -> str:
    documents = job.documents.all()
    if not documents:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>{}',
        (
            (
                reverse("meetings:document", args=[d.meeting.slug, d.token]),
                d.title,
                _(" (superseded: %(reason)s)") % {"reason": d.superseded_reason}
                if d.is_superseded
                else "",
            )
            for d in documents
        ),
    )


class JobInline(ReadOnly, RulesTabularInline):
    model = Job
    fields = ["kind", "state", "progress", "files", "requested_by", "created_at"]
    readonly_fields = ["kind", "state", "progress", "files", "requested_by", "created_at"]
    ordering = ["-created_at"]
    max_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return (
            super()
            .get_queryset(request)
            .select_related("requested_by")
            .prefetch_related("documents__meeting")
        )

    @admin.display(description=_("Files"))
    def files(self, job: Job) -> str:
        return _document_links(job)


admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingWorkspaceAdmin(MeetingAdmin):
    """The meetings admin, with the briefing pack: asked for here, compiled by a worker."""

    inlines = [*MeetingAdmin.inlines, JobInline]
    actions = ["briefing_pack"]

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        services.meeting_save(meeting=obj, by=request.user, changed=form.changed_data)

    def has_briefing_pack_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("workstreams.add_job")

    @admin.action(description=_("Compile the briefing pack"), permissions=["briefing_pack"])
    def briefing_pack(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        for meeting in queryset:
            services.briefing_pack_request(meeting=meeting, by=request.user)
        self.message_user(
            request,
            ngettext(
                "The briefing pack is being compiled: its progress shows under Jobs.",
                "%(count)d briefing packs are being compiled: their progress shows under Jobs.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Job)
class JobAdmin(ReadOnly, RulesModelAdmin):
    list_display = [
        "__str__",
        "state",
        "progress",
        "files",
        "requested_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "kind", "meeting"]
    list_select_related = ["meeting", "requested_by"]
    readonly_fields = [
        "kind",
        "meeting",
        "requested_by",
        "state",
        "progress",
        "files",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]
    fields = readonly_fields
    search_fields = ["meeting__title"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return super().get_queryset(request).prefetch_related("documents__meeting")

    @admin.display(description=_("Progress"))
    def progress(self, job: Job) -> str:
        return job.progress

    @admin.display(description=_("Files"))
    def files(self, job: Job) -> str:
        return _document_links(job)


@admin.register(Notice)
class NoticeAdmin(RulesModelAdmin):
    """The e-mails sent around submission deadlines (docs/notices.md). Deleting one lets the
    next daily run, still within its window, send it again."""

    list_display = ["kind", "meeting", "recipient", "sent_at"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["recipient"]
    date_hierarchy = "sent_at"
    fields = ["kind", "meeting", "recipient", "workstreams", "sent_at"]
    readonly_fields = fields

    # Only the daily run writes one; deleting is the way to have it sent again.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly, RulesModelAdmin):
    """Tasks handed to the broker after their write committed; one still pending waited for a
    broker that was down, and goes within half a minute of its return."""

    list_display = ["task", "kwargs", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = [("dispatched_at", admin.EmptyFieldListFilter), "task"]
    fields = list_display
    readonly_fields = fields


# Webhooks ----------------------------------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.CharField(
        label=_("URL"),
        max_length=URL_MAX_LENGTH,
        help_text=_("Called with a POST for each event; redirects are not followed."),
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        required=False,
        strip=False,
        max_length=150,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "whsec_ followed by the base64 of 24 to 64 random bytes (the Standard Webhooks "
            "form). Leave it empty to keep the secret, or, for a new subscription, to have one "
            "generated and shown once."
        ),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "events", "active", "secret"]

    def clean_events(self) -> list[str]:
        return webhook_events_clean(self.cleaned_data["events"])

    def clean_secret(self) -> str:
        secret: str = self.cleaned_data["secret"]
        if secret:
            return secret  # checked by the model's validation, as the URL is
        if self.instance.pk is not None:
            return self.instance.secret
        secret = self.generated_secret = webhook_secret_generate()
        return secret


class PausedFilter(admin.SimpleListFilter):
    title = _("paused")
    parameter_name = "paused"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(paused_at__isnull=self.value() == "no")
        return queryset


RECENT_DELIVERIES = 20


class RecentDeliveryInline(ReadOnly, RulesTabularInline):
    model = WebhookDelivery
    fields = ("event", "state", "attempts", "response_code", "last_error", "created_at")
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]
    show_change_link = True
    max_num = 0
    can_delete = False
    verbose_name_plural = _("recent deliveries")

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        # The latest few of each subscription: the inline filters by subscription afterwards,
        # which a sliced queryset would not allow.
        latest = WebhookDelivery.objects.filter(subscription=OuterRef("subscription")).order_by(
            "-created_at", "-pk"
        )
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=Subquery(latest.values("pk")[:RECENT_DELIVERIES]))
        )


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(RulesModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["url", "owner", "event_list", "active", "paused", "consecutive_failures"]
    list_filter = ["active", PausedFilter]
    list_select_related = ["owner"]
    search_fields = ["url", "owner__username"]
    readonly_fields = ["owner", "consecutive_failures", "paused_at", "created_at"]
    fields = ["url", "events", "active", "secret", "owner", "consecutive_failures", "paused_at"]
    fields += ["created_at"]
    inlines = [RecentDeliveryInline]
    actions = ["resume"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookSubscription]:
        visible = webhook_subscriptions_visible_to(request.user)
        return super().get_queryset(request).filter(pk__in=visible.values("pk"))

    @admin.display(description=_("Events"))
    def event_list(self, subscription: WebhookSubscription) -> str:
        events = subscription.events if isinstance(subscription.events, list) else []
        return ", ".join(str(e) for e in events)

    @admin.display(description=_("Paused"), boolean=True, ordering="paused_at")
    def paused(self, subscription: WebhookSubscription) -> bool:
        return subscription.paused_at is not None

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        if not change:
            obj.owner = request.user  # type: ignore[assignment]
        webhook_subscription_save(subscription=obj)
        generated = getattr(form, "generated_secret", None)
        if generated:
            self.message_user(
                request,
                _("The subscription's secret is %(secret)s. Copy it now: it is not shown again.")
                % {"secret": generated},
                messages.WARNING,
            )

    @admin.action(description=_("Resume"), permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        paused = list(queryset.filter(paused_at__isnull=False))
        for subscription in paused:
            webhook_subscription_resume(subscription=subscription)
        self.message_user(
            request,
            ngettext(
                "%(count)d subscription resumed.", "%(count)d subscriptions resumed.", len(paused)
            )
            % {"count": len(paused)},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, RulesModelAdmin):
    """Every delivery and its latest outcome, to read: they are written only by the workers."""

    list_display = [
        "__str__",
        "event",
        "state",
        "attempts",
        "response_code",
        "created_at",
        "last_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    list_select_related = ["subscription"]
    search_fields = ["subscription__url"]
    date_hierarchy = "created_at"
    fields = [
        "subscription",
        "webhook_id",
        "event",
        "state",
        "attempts",
        "response_code",
        "last_error",
        "created_at",
        "last_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields

    @admin.display(description=_("webhook-id"))
    def webhook_id(self, delivery: WebhookDelivery) -> str:
        return webhook_message_id(delivery)

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        visible = webhook_subscriptions_visible_to(request.user)
        return super().get_queryset(request).filter(subscription__in=visible.values("pk"))
