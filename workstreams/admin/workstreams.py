"""Workstreams, with their leads, updates and decisions inline."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from emgtracker.admin import ReadOnly, RulesModelAdmin, RulesTabularInline
from meetings.translation_admin import TranslatedAdmin, status_form
from search.admin_search import admin_search_results
from search.models import SearchKind
from workstreams import services
from workstreams.admin.references import ReferenceTagInline, SavesTagsInline
from workstreams.models import (
    Decision,
    ProgressUpdate,
    Status,
    Workstream,
    WorkstreamEvent,
    WorkstreamLead,
    WorkstreamQuerySet,
)


class WorkstreamLeadInline(RulesTabularInline[WorkstreamLead]):
    model = WorkstreamLead
    fields = ["entity", "role", "source", "source_section", "evidence", "evidence_reason"]
    autocomplete_fields = ["entity", "source"]


class ProgressUpdateInline(ReadOnly, RulesTabularInline[ProgressUpdate]):
    """The updates of a workstream, listed; each opens in its own form and workflow."""

    model = ProgressUpdate
    fields = ["meeting", "status", "state", "presenter", "entity"]
    readonly_fields = ["meeting", "status", "state", "presenter", "entity"]
    show_change_link = True
    ordering = ["meeting_date"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return super().get_queryset(request).select_related("meeting", "presenter", "entity")


class DecisionInline(TranslationTabularInline, RulesTabularInline[Decision]):  # type: ignore[type-arg]
    """A decision's text in the six languages; their status is set on the decision's own page."""

    model = Decision
    fields = [
        "meeting",
        "kind",
        "text",
        "term",
        "until_som",
        "source",
        "source_section",
        "evidence",
    ]
    autocomplete_fields = ["meeting", "source"]


class WorkstreamEventInline(RulesTabularInline[WorkstreamEvent]):
    """The dated events its reports name; each opens in its own form for the details."""

    model = WorkstreamEvent
    fields = ["title", "kind", "role", "date", "date_precision", "place", "evidence"]
    show_change_link = True
    extra = 0


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
class WorkstreamAdmin(SavesTagsInline, TranslatedAdmin, RulesModelAdmin):
    form = status_form(Workstream)
    list_display = [
        "title",
        "short_title",
        "kind",
        "status_now",
        "mandate",
        "parent",
        "translations_missing",
    ]
    list_filter = [
        "kind",
        CurrentStatusFilter,
        "mandate",
        ("lead_entities", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["parent"]
    search_fields = ["title", "short_title", "also_known_as", "slug", "description"]
    search_kind = SearchKind.WORKSTREAM
    autocomplete_fields = ["parent", "successor"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [
        WorkstreamLeadInline,
        ProgressUpdateInline,
        DecisionInline,
        WorkstreamEventInline,
        ReferenceTagInline,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Workstream]:
        workstreams = super().get_queryset(request)
        assert isinstance(workstreams, WorkstreamQuerySet)
        return workstreams.with_current_status()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        own = super().get_search_results(request, queryset, search_term)
        return admin_search_results(queryset, own, search_term, kind=self.search_kind)

    def save_model(self, request: HttpRequest, obj: Workstream, form: Any, change: bool) -> None:
        services.workstream_save(workstream=obj, by=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Decisions added, changed or deleted inline go through their services, as on their
        own page: the rules are asked and the cells they move are derived again."""
        if formset.model is not Decision:
            super().save_formset(request, form, formset, change)
            return
        for decision in formset.save(commit=False):
            services.decision_save(decision=decision, by=request.user)
        for decision in formset.deleted_objects:
            services.decision_delete(decision=decision, by=request.user)

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


@admin.register(WorkstreamEvent)
class WorkstreamEventAdmin(RulesModelAdmin):
    """The dated events a report names in a workstream's section, with where it names them."""

    list_display = ["title", "workstream", "date_display", "kind", "role", "evidence"]
    list_filter = ["kind", "role", "evidence"]
    list_select_related = ["workstream"]
    search_fields = ["title", "place", "workstream__title", "workstream__short_title"]
    autocomplete_fields = ["workstream", "source"]
    date_hierarchy = "date"
    fieldsets = [
        (None, {"fields": ["workstream", "title", "kind", "role", "place"]}),
        (
            _("When"),
            {"fields": ["date", "date_precision", "end_date", "start_time", "time_zone"]},
        ),
        (
            _("Provenance"),
            {"fields": ["source", "source_section", "source_quote", "evidence", "evidence_reason"]},
        ),
    ]

    @admin.display(description=_("Date"), ordering="date")
    def date_display(self, event: WorkstreamEvent) -> str:
        return event.date_display
