from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from emgtracker.admin import RulesModelAdmin, RulesTabularInline
from meetings.imports.admin import ParticipantImportMixin
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Entity,
    EntityVariant,
    Intervention,
    Meeting,
    Person,
)
from meetings.services import intervention_delete, intervention_save, meeting_counts_refresh
from meetings.translation_admin import TranslatedAdmin, status_form


class EntityVariantInline(RulesTabularInline[EntityVariant]):
    """Other spellings reports use for the entity, which the report intake matches."""

    model = EntityVariant
    extra = 1


@admin.register(Entity)
class EntityAdmin(RulesModelAdmin):
    inlines = [EntityVariantInline]
    list_display = ["acronym", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}


@admin.register(Person)
class PersonAdmin(RulesModelAdmin):
    list_display = ["name", "entity", "title"]
    list_filter = [("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["entity"]
    search_fields = ["name", "entity__acronym", "entity__name", "title"]
    autocomplete_fields = ["entity"]
    prepopulated_fields = {"slug": ["name"]}


class AgendaItemInline(TranslationTabularInline, RulesTabularInline[AgendaItem]):  # type: ignore[type-arg]
    """An item's title in the six languages; their status is set on the item's own page."""

    model = AgendaItem
    fields = [
        "position",
        "number",
        "title",
        "parent",
        "presenter_entity",
        "presenter",
        "start_time",
    ]
    autocomplete_fields = ["parent", "presenter_entity", "presenter"]


class DocumentColumns:
    """Where a document is downloaded, and whether it is still current."""

    @admin.display(description=_("Download"))
    def download_link(self, document: Document) -> str:
        if not document.pk or not document.file:
            return "—"
        url = reverse("meetings:document", args=[document.meeting.slug, document.token])
        return format_html('<a href="{}">{}</a>', url, document.file.name.rsplit("/", 1)[-1])

    @admin.display(description=_("Superseded"), ordering="superseded_at")
    def superseded(self, document: Document) -> str:
        """When and why, for a briefing pack that is no longer the current one."""
        if document.superseded_at is None:
            return "—"
        return f"{document.superseded_at:%Y-%m-%d %H:%M %Z}: {document.superseded_reason}"


class DocumentInline(DocumentColumns, RulesTabularInline[Document]):
    model = Document
    fields = ["number", "symbol", "title", "kind", "download_link", "superseded"]
    readonly_fields = ["download_link", "superseded"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).select_related("meeting")


class AttendanceInline(RulesTabularInline[Attendance]):
    model = Attendance
    fields = ["list_number", "person", "entity", "listed_affiliation"]
    autocomplete_fields = ["person", "entity"]


@admin.register(Meeting)
class MeetingAdmin(TranslatedAdmin, RulesModelAdmin):
    form = status_form(Meeting)
    list_display = [
        "short_label",
        "som_number",
        "segment",
        "date_display",
        "format",
        "status",
        "participants",
        "translations_missing",
    ]
    list_display_links = ["short_label"]
    list_filter = ["som_number", "segment", "status", "status_evidence", "format"]
    date_hierarchy = "date"
    ordering = ["date", "som_number"]
    search_fields = ["title", "slug", "venue", "chair__name", "summary"]
    autocomplete_fields = ["chair", "opened_by", "status_source"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AgendaItemInline, DocumentInline, AttendanceInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "som_number", "segment", "status"]}),
        (_("When"), {"fields": ["date", "date_precision", "start_time", "end_time", "time_zone"]}),
        (_("Progress updates"), {"fields": ["submission_deadline"]}),
        (_("Where and who"), {"fields": ["format", "venue", "chair", "opened_by"]}),
        (
            _("How the record knows its status"),
            {
                "fields": [
                    "status_evidence",
                    "status_evidence_reason",
                    "status_source",
                    "status_section",
                    "status_quote",
                ],
                "description": _(
                    "A meeting's own report states it was held. A meeting known to be held only "
                    "from a later report's words is inferred: say which report, and why."
                ),
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "summary",
                    "reported_participant_count",
                    "reported_entity_count",
                    "lists_ongoing_workstreams",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        meetings: QuerySet[Meeting] = super().get_queryset(request)
        return meetings.select_related("chair")

    @admin.display(description=_("Meeting"), ordering="date")
    def short_label(self, meeting: Meeting) -> str:
        return meeting.short_label

    @admin.display(description=_("Date"), ordering="date")
    def date_display(self, meeting: Meeting) -> str:
        return meeting.date_display

    @admin.display(description=_("Participants listed"), ordering="participant_count")
    def participants(self, meeting: Meeting) -> int:
        return meeting.participant_count

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is Attendance:
            meeting_counts_refresh(meeting_ids=[form.instance.pk])


@admin.register(AgendaItem)
class AgendaItemAdmin(TranslatedAdmin, RulesModelAdmin):
    form = status_form(AgendaItem)
    list_display = [
        "__str__",
        "meeting",
        "presenter_entity",
        "presenter",
        "translations_missing",
    ]
    list_filter = ["meeting"]
    list_select_related = ["meeting", "presenter_entity", "presenter"]
    search_fields = ["title", "number", "meeting__title"]
    autocomplete_fields = ["meeting", "parent", "presenter_entity", "presenter"]


@admin.register(Document)
class DocumentAdmin(DocumentColumns, RulesModelAdmin):
    list_display = ["symbol", "title", "kind", "meeting", "superseded"]
    list_filter = ["kind", ("superseded_at", admin.EmptyFieldListFilter), "meeting"]
    list_select_related = ["meeting"]
    readonly_fields = ["download_link", "superseded"]
    search_fields = ["symbol", "title"]
    autocomplete_fields = ["meeting"]


@admin.register(Attendance)
class AttendanceAdmin(ParticipantImportMixin, RulesModelAdmin):
    """Attendances, and *Import* for a meeting's list of participants (meetings/imports/)."""

    list_display = ["person", "listed_affiliation", "entity", "meeting", "list_number"]
    list_filter = ["meeting", ("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["person", "entity", "meeting"]
    search_fields = ["person__name", "listed_affiliation", "entity__acronym"]
    autocomplete_fields = ["meeting", "person", "entity"]

    # Each write counts the lists it touched again: the meeting's, and the one it moved from.

    def save_model(self, request: HttpRequest, obj: Attendance, form: Any, change: bool) -> None:
        moved_from = form.initial.get("meeting") if change else None
        super().save_model(request, obj, form, change)
        meeting_counts_refresh(meeting_ids={obj.meeting_id, *([moved_from] if moved_from else [])})

    def delete_model(self, request: HttpRequest, obj: Attendance) -> None:
        super().delete_model(request, obj)
        meeting_counts_refresh(meeting_ids=[obj.meeting_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Attendance]) -> None:
        meeting_ids = set(queryset.values_list("meeting_id", flat=True))
        super().delete_queryset(request, queryset)
        meeting_counts_refresh(meeting_ids=meeting_ids)


@admin.register(Intervention)
class InterventionAdmin(RulesModelAdmin):
    """Interventions, saved and deleted through their services, as the report loader saves them."""

    list_display = ["entity", "meeting", "agenda_item", "kind", "speaker_as_recorded"]
    list_filter = ["meeting", "kind", "evidence", ("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["entity", "meeting", "agenda_item"]
    search_fields = ["summary", "speaker_as_recorded", "entity__acronym"]
    autocomplete_fields = ["meeting", "agenda_item", "entity", "person", "source"]

    def save_model(self, request: HttpRequest, obj: Intervention, form: Any, change: bool) -> None:
        intervention_save(intervention=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Intervention) -> None:
        intervention_delete(intervention=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Intervention]) -> None:
        for intervention in queryset:
            intervention_delete(intervention=intervention, by=request.user)
