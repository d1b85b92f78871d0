"""The admin's pages for importing a list of participants: upload and preview, then confirm.

The preview reads the file, checks it (meetings.imports.files and .rows) and shows what the
import would do (meetings.imports.plan), writing nothing. The confirmation reads the kept file
again, checks it again and hands the rows to meetings.services.attendance_import, the one write.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from meetings.imports.files import FORMATS, read_failure_message, read_table
from meetings.imports.forms import (
    HEADERS,
    ParticipantConfirmForm,
    ParticipantImportForm,
    keep_upload,
    preview_rows,
    take_upload,
)
from meetings.imports.plan import AttendancePlan, Change, attendance_plan
from meetings.imports.rows import ParticipantList, in_file_order, participant_list
from meetings.models import Attendance
from meetings.services import ImportRefused, attendance_import


def read_participants(data: bytes, file_format: str) -> ParticipantList:
    """The file's participants, checked row by row. Raises what read_table raises for a file
    that cannot be read (read_failure_message says what to tell the user)."""
    return participant_list(read_table(data, file_format))


def chosen_format(form: ParticipantImportForm | ParticipantConfirmForm) -> str:
    """The format of a valid form ("csv" or "xlsx"; its choices are indexes into FORMATS)."""
    return FORMATS[int(form.cleaned_data["format"])]


class ParticipantImportMixin(admin.ModelAdmin[Attendance]):
    """Adds *Import* to the attendances' admin (admin:meetings_attendance_import)."""

    import_template_name = "admin/meetings/attendance/import.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="meetings_attendance_import"),
            path(
                "process_import/",
                view(require_POST(self.process_import_view)),
                name="meetings_attendance_process_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("meetings.add_attendance")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """The upload form; posted, the preview or the problems found."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            # A link such as ?meeting=3 opens the import page with that meeting chosen.
            form = ParticipantImportForm(initial={"meeting": request.GET.get("meeting")})
            return self._render(request, {"form": form})
        form = ParticipantImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, {"form": form})
        meeting, file_format = form.cleaned_data["meeting"], chosen_format(form)
        data = form.cleaned_data["import_file"].read()
        try:
            found = read_participants(data, file_format)
        except Exception as error:  # Any parser's failure: told as a file that cannot be read.
            form.add_error("import_file", read_failure_message(error, file_format))
            return self._render(request, {"form": form})
        # Every problem at once: the rows', and their clashes with the meeting's list.
        plan = attendance_plan(meeting=meeting, rows=found.rows, numbered=found.numbered)
        if problems := in_file_order(found.problems, plan.problems):
            context = {"form": form, "problems": problems, "whole_file": not found.rows}
            return self._render(request, context)
        confirm_form = ParticipantConfirmForm(
            initial={
                "import_file_name": keep_upload(data),
                "original_file_name": form.cleaned_data["import_file"].name,
                "format": form.cleaned_data["format"],
                "meeting": meeting.pk,
            }
        )
        return self._render(request, self._preview(plan, form, confirm_form))

    def process_import_view(self, request: HttpRequest) -> HttpResponse:
        """The confirmation: the kept file checked again, then written, or nothing at all."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ParticipantConfirmForm(request.POST)
        if not form.is_valid():
            return self._back(request, gettext("The preview was incomplete: nothing was imported."))
        meeting, file_format = form.cleaned_data["meeting"], chosen_format(form)
        nothing = gettext("Nothing was imported.")
        try:
            # The file is kept from the preview to the confirmation, which removes it: this
            # preview was confirmed already (a second click), or its file is gone.
            data = take_upload(form.cleaned_data["import_file_name"])
        except FileNotFoundError:
            return self._back(
                request, gettext("This preview has already been imported or has expired.")
            )
        try:
            found = read_participants(data, file_format)
        except Exception as error:  # The limits, checked again on the kept file.
            return self._back(request, nothing, read_failure_message(error, file_format))
        if found.errors:
            return self._back(request, nothing, *found.errors)
        user = request.user
        assert isinstance(user, User)  # The admin's views are for logged-in staff only.
        try:
            result = attendance_import(
                meeting=meeting, rows=found.rows, numbered=found.numbered, by=user
            )
        except ImportRefused as refused:
            # The record changed since the preview: the service has undone everything.
            return self._back(request, nothing, *refused.messages)
        except DatabaseError as error:  # A batch the database refused: all of it undone.
            return self._back(request, nothing, capfirst(str(error)))
        messages.success(
            request,
            gettext(
                "Participants of %(meeting)s imported: %(new)d added, %(update)d updated, "
                "%(skip)d unchanged."
            )
            % {
                "meeting": meeting.short_label,
                "new": result.added,
                "update": result.updated,
                "skip": result.unchanged,
            },
        )
        # Show the list just imported.
        query = urlencode({"meeting__id__exact": meeting.pk})
        changelist = reverse(
            "admin:meetings_attendance_changelist", current_app=self.admin_site.name
        )
        return HttpResponseRedirect(f"{changelist}?{query}")

    def _preview(
        self,
        plan: AttendancePlan,
        form: ParticipantImportForm,
        confirm_form: ParticipantConfirmForm,
    ) -> dict[str, Any]:
        return {
            "form": form,
            "confirm_form": confirm_form,
            "meeting": plan.meeting,
            "totals": {change.value: plan.count(change) for change in Change},
            "headers": HEADERS,
            "rows": preview_rows(plan),
        }

    def _render(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        return TemplateResponse(
            request,
            self.import_template_name,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Import participants"),
                **context,
            },
        )

    def _back(self, request: HttpRequest, *problems: str) -> HttpResponse:
        """Back to an empty import page, saying why nothing was imported."""
        for problem in problems:
            messages.error(request, problem)
        url = reverse("admin:meetings_attendance_import", current_app=self.admin_site.name)
        return HttpResponseRedirect(url)
