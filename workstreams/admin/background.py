"""The work done outside a request: briefing-pack jobs, deadline notices and the outbox."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from emgtracker.admin import ReadOnly, RulesModelAdmin, RulesTabularInline
from meetings.admin import MeetingAdmin
from meetings.models import Meeting
from workstreams import services
from workstreams.models import Job, Notice, OutboxMessage


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


class JobInline(ReadOnly, RulesTabularInline[Job]):
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
        jobs: QuerySet[Job] = super().get_queryset(request)
        return jobs.prefetch_related("documents__meeting")

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
