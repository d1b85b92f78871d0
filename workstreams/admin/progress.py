"""Progress updates: the editorial workflow (submit, publish, return to draft) as admin actions."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname

from emgtracker.admin import RulesModelAdmin
from meetings.models import Entity, Meeting, Person
from meetings.translation_admin import TranslatedAdmin, status_form
from search.admin_search import admin_search_results
from search.models import SearchKind
from workstreams import services
from workstreams.admin.base import KeepsTimelineCells, sees_everything
from workstreams.admin.inputs import ShowsSources
from workstreams.admin.references import ReferenceTagInline, SavesTagsInline
from workstreams.models import EditorialState, ProgressUpdate
from workstreams.permissions import (
    focal_point_entity_id,
    progress_updates_visible_to,
    workstreams_led_by,
)


class ProgressUpdateForm(forms.ModelForm[ProgressUpdate]):
    """The update form. It carries the version it was opened at, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A draft the report intake made waits for its summary (docs/intake.md); a new update,
        # and one submitted or published, has one.
        original = build_localized_fieldname("summary", mt_settings.DEFAULT_LANGUAGE)
        if original in self.fields:
            waits = self.instance.pk is not None and self.instance.state == EditorialState.DRAFT
            self.fields[original].required = not waits

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
    (
        _("Provenance"),
        {"fields": ["source", "source_section", "source_quote", "evidence", "evidence_reason"]},
    ),
    (_("Co-lead inputs"), {"fields": ["sources", "sources_public"]}),
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
class ProgressUpdateAdmin(
    SavesTagsInline,
    TranslatedAdmin,
    KeepsTimelineCells[ProgressUpdate],
    ShowsSources,
    RulesModelAdmin,
):
    form = status_form(ProgressUpdate, ProgressUpdateForm)
    list_display = [
        "workstream",
        "meeting",
        "status",
        "state",
        "entity",
        "presenter",
        "updated_at",
        "translations_missing",
    ]
    list_filter = ["state", "status", "meeting", ("entity", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["workstream", "meeting", "entity", "presenter"]
    # Beside these, the site's search: presenter, entity, workstream and meeting (search/).
    search_fields = ["workstream__title", "workstream__short_title", "summary", "next_steps"]
    search_kind = SearchKind.UPDATE
    readonly_fields = ["state", "returned_reason", "published_at", "updated_at", "sources"]
    actions = ["submit", "publish", "return_to_draft"]
    inlines = [ReferenceTagInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressUpdate]:
        return progress_updates_visible_to(request.user).select_related(*self.list_select_related)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        own = super().get_search_results(request, queryset, search_term)
        return admin_search_results(queryset, own, search_term, kind=self.search_kind)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = SECRETARIAT_FIELDSETS if sees_everything(request) else FOCAL_POINT_FIELDSETS
        return self.translated_fieldsets(request, obj, fieldsets)

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        # A focal point chooses among its own entity's few rows, and sees no other admin
        # list, so its choices are plain selects scoped below.
        if sees_everything(request):
            return ["workstream", "meeting", "agenda_item", "presenter", "entity", "source"]
        return []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if not sees_everything(request):
            entity = Entity.objects.filter(pk=focal_point_entity_id(request.user) or 0)
            scoped: dict[str, QuerySet[Any]] = {
                "workstream": workstreams_led_by(request.user),
                "meeting": Meeting.objects.order_by("-date"),
                "presenter": Person.objects.filter(entity__in=entity),
            }
            if db_field.name in scoped:
                kwargs["queryset"] = scoped[db_field.name]
        field: ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A focal point's update presents for their own entity, unless the secretariat set
        # another: the service fills it in and keeps it (see _presenting_entity).
        fields = list(super().get_readonly_fields(request, obj))
        return fields if sees_everything(request) else [*fields, "entity"]

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
