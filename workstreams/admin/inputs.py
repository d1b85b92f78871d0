"""Co-lead inputs in the workspace: each focal point drafts and submits its entity's input; the
secretariat opens "Merge inputs" for a workstream at a meeting, reads the inputs side by side
and writes the one progress update from them (``services.progress_inputs_merge``)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from emgtracker.admin import RulesModelAdmin
from meetings.models import Meeting
from workstreams import services
from workstreams.admin.base import sees_everything
from workstreams.models import ProgressInput, ProgressUpdate, Status, Workstream
from workstreams.permissions import progress_inputs_visible_to, workstreams_led_by


def merge_url(workstream: Workstream, meeting: Meeting) -> str:
    return reverse("admin:workstreams_progressinput_merge", args=[workstream.slug, meeting.slug])


class MergeForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the progress update"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Edit the inputs' texts into the one update."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("As the inputs agree, or as the update has it")), *Status.choices],
        required=False,
    )
    sources_public = forms.BooleanField(
        label=_("Show the inputs with the update once it is published"), required=False
    )
    submit = forms.BooleanField(label=_("Submit the update for review"), required=False)


@admin.register(ProgressInput)
class ProgressInputAdmin(RulesModelAdmin):
    list_display = ["workstream", "meeting", "entity", "state", "status", "merged", "updated_at"]
    list_filter = ["state", "meeting"]
    list_select_related = ["workstream", "meeting", "entity", "merged_into"]
    fields = ["workstream", "meeting", "entity", "status", "summary", "next_steps"]
    readonly_fields = ["state", "submitted_at", "merged_into"]
    actions = ["submit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressInput]:
        return progress_inputs_visible_to(request.user).select_related(*self.list_select_related)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Merged, an input is locked for everyone, a superuser too (the service says so).
        locked = obj is not None and obj.merged_into_id is not None
        return not locked and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        locked = obj is not None and obj.merged_into_id is not None
        return not locked and super().has_delete_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*self.fields, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A focal point's input is its own entity's: the service fills it in.
        fields = list(self.readonly_fields)
        return fields if sees_everything(request) else [*fields, "entity"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        scoped: dict[str, QuerySet[Any]] = {
            "workstream": workstreams_led_by(request.user).order_by("title"),
            "meeting": Meeting.objects.order_by("-date"),
        }
        if db_field.name in scoped:
            kwargs["queryset"] = scoped[db_field.name]
        field: ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def save_model(self, request: HttpRequest, obj: ProgressInput, form: Any, change: bool) -> None:
        services.progress_input_save(progress_input=obj, by=request.user)

    @admin.display(description=_("merged"))
    def merged(self, row: ProgressInput) -> str:
        if row.merged_into_id is not None:
            return str(_("Merged"))
        if row.state == ProgressInput.State.SUBMITTED:
            return format_html(
                '<a href="{}">{}</a>',
                merge_url(row.workstream, row.meeting),
                _("Merge inputs"),
            )
        return "—"

    def has_submit_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("workstreams.submit_progressinput", obj)

    @admin.action(description=_("Submit to the secretariat"), permissions=["submit"])
    def submit(self, request: HttpRequest, queryset: QuerySet[ProgressInput]) -> None:
        done = 0
        for row in queryset.order_by("pk"):
            try:
                services.progress_input_submit(progress_input=row, by=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as refused:
                reason = "; ".join(getattr(refused, "messages", None) or [str(refused)])
                self.message_user(request, f"{row}: {reason}", messages.ERROR)
        if done:
            self.message_user(
                request,
                _("Inputs submitted to the secretariat: %(count)d.") % {"count": done},
                messages.SUCCESS,
            )

    def get_urls(self) -> list[Any]:
        mine: list[URLPattern] = [
            path(
                "merge/<slug:workstream>/<slug:meeting>/",
                self.admin_site.admin_view(self.merge_view),
                name="workstreams_progressinput_merge",
            )
        ]
        return [*mine, *super().get_urls()]

    def merge_view(self, request: HttpRequest, workstream: str, meeting: str) -> HttpResponse:
        """The inputs side by side, and the one update written from them."""
        if not request.user.has_perm("workstreams.merge_progressinput"):
            raise PermissionDenied
        chosen = get_object_or_404(Workstream, slug=workstream)
        held = get_object_or_404(Meeting, slug=meeting)
        inputs = list(ProgressInput.objects.for_merge(workstream_id=chosen.pk, meeting_id=held.pk))
        update = ProgressUpdate.objects.filter(workstream=chosen, meeting=held).first()
        form = MergeForm(request.POST or None, initial=_initial(inputs, update))
        if request.method == "POST" and form.is_valid():
            try:
                merged = services.progress_inputs_merge(
                    workstream=chosen, meeting=held, **form.cleaned_data, by=request.user
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                self.message_user(request, _("The inputs were merged into the update."))
                return HttpResponseRedirect(
                    reverse("admin:workstreams_progressupdate_change", args=[merged.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge inputs"),
            "opts": self.opts,
            "form": form,
            "inputs": inputs,
            "update": update,
            "workstream": chosen,
            "meeting": held,
        }
        return TemplateResponse(request, "admin/workstreams/progressinput/merge.html", context)


def _initial(inputs: list[ProgressInput], update: ProgressUpdate | None) -> dict[str, Any]:
    """The form as it opens: the update's own text once merged; before, the submitted inputs'
    texts, one after the other, to edit into one."""
    submitted = [i for i in inputs if i.state == ProgressInput.State.SUBMITTED]
    if update is not None and update.sources.exists():
        return {
            "summary": update.summary,
            "next_steps": update.next_steps,
            "status": update.status,
            "sources_public": update.sources_public,
        }
    return {
        "summary": "\n\n".join(i.summary for i in submitted),
        "next_steps": "\n\n".join(i.next_steps for i in submitted if i.next_steps),
        "sources_public": update.sources_public if update else False,
    }


class ShowsSources(admin.ModelAdmin[ProgressUpdate]):
    """On a progress update's page: the co-lead inputs it was merged from, and the way to the
    merge."""

    @admin.display(description=_("sources"))
    def sources(self, update: ProgressUpdate) -> str:
        if update.pk is None:
            return "—"
        rows = update.sources.select_related("entity").order_by("entity__acronym")
        listed = format_html_join(
            "", "<li><strong>{}</strong>: {}</li>", ((i.entity.label, i.summary) for i in rows)
        )
        link = format_html(
            '<a href="{}">{}</a>',
            merge_url(update.workstream, update.meeting),
            _("Merge inputs"),
        )
        return format_html("<ul>{}</ul>{}", listed, link) if listed else link
