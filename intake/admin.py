"""The secretariat's screens for report intake: upload a report, then review every extracted
item beside its source text (accept, edit or reject; accept all of a section) and apply the
accepted ones to the record. docs/intake.md."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from emgtracker.admin import RulesModelAdmin
from intake.apply import intake_apply
from intake.items import LISTS
from intake.models import Decision, Intake, IntakeItem, Section
from intake.reading import ReportUnreadable, size_check
from intake.services import choices_needed, intake_item_decide, intake_upload
from meetings.models import Meeting

# The values a reviewer may correct, by section: the text a report writes.
EDITABLE = {
    Section.MEETING: ["title", "date", "start", "end", "time_zone", "venue", "chair", "opened_by"],
    Section.DOCUMENTS: ["number", "symbol", "title"],
    Section.AGENDA: ["number", "title", "presenter", "entity"],
    Section.PARTICIPANTS: ["name", "entity"],
    Section.PRESENTATIONS: ["workstream", "presenter", "entity", "summary"],
    Section.PROPOSALS: ["title", "presenter", "entity"],
    Section.INTERVENTIONS: ["speaker", "entity", "text"],
}


# The names of an item's values and matches, as the review screen shows them.
LABELS = {
    "title": _("title"),
    "som_number": _("SOM number"),
    "segment": _("segment"),
    "date": _("date"),
    "start": _("start"),
    "end": _("end"),
    "time_zone": _("time zone"),
    "time_zone_as_written": _("time zone as written"),
    "format": _("format"),
    "venue": _("venue"),
    "chair": _("chair"),
    "opened_by": _("opened by"),
    "reported_entity_count": _("entities present"),
    "lists_ongoing_workstreams": _("lists every ongoing workstream"),
    "number": _("number"),
    "symbol": _("symbol"),
    "kind": _("kind"),
    "parent": _("parent"),
    "presenter": _("presenter"),
    "entity": _("entity"),
    "name": _("name"),
    "workstream": _("workstream"),
    "section": _("section"),
    "agenda_item": _("agenda item"),
    "listed": _("listed"),
    "summary": _("summary"),
    "speaker": _("speaker"),
    "person": _("person"),
    "text": _("text"),
    "meeting": _("meeting"),
}
STATUSES = {
    "exact": _("exact"),
    "probable": _("probable: confirm it"),
    "ambiguous": _("ambiguous: choose one"),
    "new": _("not in the record"),
    "blank": _("not given"),
}


class IntakeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Report"), help_text=_("The meeting report as .docx, .pdf or .txt.")
    )
    meeting = forms.ModelChoiceField(
        Meeting.objects.order_by("-date"),
        required=False,
        label=_("Meeting"),
        help_text=_("Leave blank to match the meeting the report names, or add it."),
    )


@admin.register(Intake)
class IntakeAdmin(RulesModelAdmin):
    list_display = [
        "file_name",
        "meeting",
        "state",
        "uploaded_by",
        "uploaded_at",
        "last_applied_at",
    ]
    list_filter = ["state"]
    list_select_related = ["meeting", "uploaded_by"]
    change_form_template = "admin/intake/intake/review.html"
    add_form_template = "admin/intake/intake/upload.html"

    def has_change_permission(self, request: HttpRequest, obj: Intake | None = None) -> bool:
        return request.user.has_perm("intake.change_intake")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntakeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                size_check(upload.size or 0)
                intake = intake_upload(
                    file_name=upload.name,
                    data=upload.read(),
                    by=request.user,
                    meeting=form.cleaned_data["meeting"],
                )
            except (ReportUnreadable, ValidationError) as error:
                form.add_error("file", str(error) if isinstance(error, ReportUnreadable) else error)
            else:
                return HttpResponseRedirect(_review_url(intake))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": gettext("Take in a meeting report"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.add_form_template, context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        intake = self.get_object(request, object_id)
        if intake is None or not self.has_view_permission(request, intake):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, intake):
                raise PermissionDenied
            assert isinstance(request.user, User)
            self._act(request, intake, request.user)
            return HttpResponseRedirect(request.get_full_path())
        items = list(intake.items.order_by("position"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": intake,
            "intake": intake,
            "title": gettext("Review %(file)s") % {"file": intake.file_name},
            "sections": _sections(items),
            "accepted": sum(
                1 for i in items if i.decision == Decision.ACCEPTED and not i.applied_at
            ),
            "has_change_permission": self.has_change_permission(request, intake),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def _act(self, request: HttpRequest, intake: Intake, by: User) -> None:
        action = request.POST.get("action", "")
        try:
            if action == "apply":
                applied = intake_apply(intake=intake, by=by)
                messages.success(
                    request,
                    gettext("Applied: %(added)d added to the record, %(found)d already in it.")
                    % {
                        "added": sum(applied.added.values()),
                        "found": sum(applied.in_record.values()),
                    },
                )
            elif action == "accept_section":
                count = _accept_section(intake, request.POST.get("section", ""), by)
                messages.success(request, gettext("%(count)d items accepted.") % {"count": count})
            elif action in (Decision.ACCEPTED, Decision.REJECTED):
                item = intake.items.get(pk=_int(request.POST.get("item")))
                intake_item_decide(
                    item=item,
                    decision=action,
                    by=by,
                    choices=_choices_posted(request.POST, item.matches),
                    edits=_edits_posted(request.POST, item.values),
                )
            else:
                messages.error(request, gettext("Choose what to do."))
        except IntakeItem.DoesNotExist:
            messages.error(request, gettext("That item is not of this report."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Intake]:
        return Intake.objects.select_related("meeting", "uploaded_by")


def _review_url(intake: Intake) -> str:
    return reverse("admin:intake_intake_change", args=[intake.pk])


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _choices_posted(data: Mapping[str, Any], matches: Mapping[str, Any]) -> dict[str, str]:
    """The reviewer's choice for each match, from the item's selects ("choice_entity"): kept
    where it is not what the match already says, so that a value corrected is matched again."""
    return {
        role: data[f"choice_{role}"]
        for role, match in matches.items()
        if data.get(f"choice_{role}") and data[f"choice_{role}"] != _shown(match)
    }


def _shown(match: Mapping[str, Any]) -> str:
    """What a match's select shows before anyone chooses."""
    if match.get("status") == "exact":
        return str(match.get("key"))
    return "new" if match.get("status") == "new" and not match.get("candidates") else ""


def _edits_posted(data: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, str]:
    """The reviewer's corrections, from the item's text fields ("edit_title")."""
    return {key: data[f"edit_{key}"] for key in values if f"edit_{key}" in data}


def _accept_section(intake: Intake, section: str, by: User) -> int:
    """Accept every pending item of a section that needs no one's choice."""
    if section not in Section.values:
        raise ValidationError(gettext("There is no such section."))
    count = 0
    for item in intake.items.filter(section=section, decision=Decision.PENDING):
        if not choices_needed(item):
            intake_item_decide(item=item, decision=Decision.ACCEPTED, by=by)
            count += 1
    return count


def _sections(items: list[IntakeItem]) -> list[dict[str, Any]]:
    sections = []
    for section in [Section.MEETING, *LISTS.values()]:
        found = [i for i in items if i.section == section]
        if not found:
            continue
        sections.append(
            {
                "key": section,
                "label": Section(section).label,
                "rows": [_row(item) for item in found],
                "pending": sum(1 for i in found if i.decision == Decision.PENDING),
            }
        )
    return sections


def _row(item: IntakeItem) -> dict[str, Any]:
    values = item.current_values
    editable = [
        (key, values.get(key) or "") for key in EDITABLE[Section(item.section)] if key in values
    ]
    return {
        "item": item,
        "values": [
            (LABELS.get(key, key), value)
            for key, value in values.items()
            if key not in dict(editable)
        ],
        "editable": [(key, LABELS.get(key, key), value) for key, value in editable],
        "matches": [
            {
                "role": role,
                "role_label": LABELS.get(role, role),
                "status_label": STATUSES.get(match.get("status", ""), match.get("status", "")),
                **match,
                "chosen": item.choices.get(role, match.get("key") or ""),
                "needs_choice": role in choices_needed(item),
            }
            for role, match in item.matches.items()
            if match.get("status") != "blank" or match.get("candidates")
        ],
    }
