"""Cross-references in the workspace: the references (SDG goals and targets, UNEA resolutions,
MEA decisions), and the tags the secretariat adds to workstreams, updates and decisions, inline
on their pages with an autocomplete of references. Every write goes through
``services.framework_reference_*`` and ``services.reference_tag_*``; focal points read them."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from emgtracker.admin import RulesModelAdmin, RulesTabularInline
from workstreams import services
from workstreams.models import FrameworkReference, ReferenceTag


@admin.register(FrameworkReference)
class FrameworkReferenceAdmin(RulesModelAdmin):
    list_display = ["code", "kind", "short_title", "goal", "body"]
    list_filter = ["kind"]
    list_select_related = ["goal"]
    search_fields = ["code", "title", "slug", "body"]
    autocomplete_fields = ["goal"]
    fields = ["kind", "code", "title", "goal", "body", "slug"]

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, reference: FrameworkReference) -> str:
        return reference.title if len(reference.title) <= 90 else f"{reference.title[:89]}…"

    def save_model(
        self, request: HttpRequest, obj: FrameworkReference, form: Any, change: bool
    ) -> None:
        services.framework_reference_save(reference=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: FrameworkReference) -> None:
        services.framework_reference_delete(reference=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for reference in queryset:
            services.framework_reference_delete(reference=reference, by=request.user)


class ReferenceTagInline(RulesTabularInline[ReferenceTag]):
    """The references a workstream, an update or a decision refers to. A tag added here is the
    secretariat's; one from the record keeps the report's quote."""

    model = ReferenceTag
    fields = [
        "reference",
        "origin",
        "source",
        "source_section",
        "source_quote",
        "evidence",
        "evidence_reason",
    ]
    readonly_fields = ["origin"]
    autocomplete_fields = ["reference", "source"]
    verbose_name = _("cross-reference")
    verbose_name_plural = _("cross-references")


class SavesTagsInline(admin.ModelAdmin[Any]):
    """Tags added, changed or deleted inline go through their services: the rules are asked,
    the history says who, and the record's version moves on."""

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        """Tags are added to a row that exists, by those who may tag: the add form, and a focal
        point's forms, are as they were, with no tags' form to send."""
        inlines = list(super().get_inlines(request, obj))
        if obj is None or not request.user.has_perm("workstreams.add_referencetag"):
            return [inline for inline in inlines if inline is not ReferenceTagInline]
        return inlines

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ReferenceTag:
            super().save_formset(request, form, formset, change)
            return
        for tag in formset.save(commit=False):
            services.reference_tag_save(tag=tag, by=request.user)
        for tag in formset.deleted_objects:
            services.reference_tag_delete(tag=tag, by=request.user)


@admin.register(ReferenceTag)
class ReferenceTagAdmin(RulesModelAdmin):
    """Every tag, to review: what it tags, the reference, and who tagged it."""

    list_display = ["reference", "tagged", "origin", "evidence"]
    list_filter = ["origin", "reference__kind"]
    list_select_related = ["reference", "workstream", "update__workstream", "decision__workstream"]
    search_fields = ["reference__code", "reference__title", "source_quote"]
    autocomplete_fields = ["reference", "workstream", "update", "decision", "source"]
    readonly_fields = ["origin"]

    @admin.display(description=_("tags"))
    def tagged(self, tag: ReferenceTag) -> str:
        return str(tag.tagged)

    def save_model(self, request: HttpRequest, obj: ReferenceTag, form: Any, change: bool) -> None:
        services.reference_tag_save(tag=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: ReferenceTag) -> None:
        services.reference_tag_delete(tag=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for tag in queryset:
            services.reference_tag_delete(tag=tag, by=request.user)
