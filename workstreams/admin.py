from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from emgtracker.admin import RulesModelAdmin, RulesTabularInline
from meetings.admin import MeetingAdmin
from meetings.models import Entity, Meeting, Person
from workstreams import services
from workstreams.models import (
    Decision,
    FocalPoint,
    Job,
    ProgressUpdate,
    Proposal,
    Status,
    TimelineEntry,
    Workstream,
    WorkstreamLead,
)
from workstreams.permissions import (
    focal_point_entity_id,
    is_secretariat,
    progress_updates_visible_to,
    workstreams_led_by,
)


def _sees_everything(request: HttpRequest) -> bool:
    return request.user.is_superuser or is_secretariat(request.user)


# Workstreams -------------------------------------------------------------------------------


class WorkstreamLeadInline(RulesTabularInline):
    model = WorkstreamLead
    fields = ["entity", "role", "source", "source_section"]
    autocomplete_fields = ["entity", "source"]


class ProgressUpdateInline(RulesTabularInline):
    """The updates of a workstream, listed; each opens in its own form and workflow."""

    model = ProgressUpdate
    fields = ["meeting", "status", "state", "presenter", "entity"]
    readonly_fields = ["meeting", "status", "state", "presenter", "entity"]
    show_change_link = True
    ordering = ["meeting__date"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
class ProgressUpdateAdmin(RulesModelAdmin):
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
                "entity": entity,
            }
            if db_field.name in scoped:
                kwargs["queryset"] = scoped[db_field.name]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        entity_id = focal_point_entity_id(request.user)
        if entity_id is not None:
            initial.setdefault("entity", entity_id)
        return initial

    def save_model(
        self, request: HttpRequest, obj: ProgressUpdate, form: Any, change: bool
    ) -> None:
        services.progress_update_save(update=obj, by=request.user)

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
class DecisionAdmin(RulesModelAdmin):
    list_display = ["workstream", "meeting", "kind", "text"]
    list_filter = ["kind", "meeting"]
    list_select_related = ["workstream", "meeting"]
    search_fields = ["text", "workstream__title", "workstream__short_title"]
    autocomplete_fields = ["meeting", "workstream", "source"]


@admin.register(Proposal)
class ProposalAdmin(RulesModelAdmin):
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
class TimelineEntryAdmin(RulesModelAdmin):
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
        '<a href="{}">{}</a>',
        ((reverse("meetings:document", args=[d.meeting.slug, d.pk]), d.title) for d in documents),
    )


class JobInline(RulesTabularInline):
    model = Job
    fields = ["kind", "state", "progress", "files", "requested_by", "created_at"]
    readonly_fields = ["kind", "state", "progress", "files", "requested_by", "created_at"]
    ordering = ["-created_at"]
    max_num = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
class JobAdmin(RulesModelAdmin):
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
