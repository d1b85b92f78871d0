"""Followers by e-mail and their messages: the secretariat's alone (addresses are personal
data). A follower is stopped here when the mail system reports a bounce or a complaint by hand;
deleting one forgets the address (docs/notices.md#following-a-workstream)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delivery.interface import follower_stop
from emgtracker.admin import ReadOnly, RulesModelAdmin
from workstreams.models import Follower, FollowMessage, StopReason


@admin.register(Follower)
class FollowerAdmin(RulesModelAdmin):
    list_display = ["address", "language", "confirmed_at", "stopped_at", "stopped_reason"]
    list_filter = ["stopped_reason", ("confirmed_at", admin.EmptyFieldListFilter), "language"]
    search_fields = ["address"]
    fields = [
        "address",
        "language",
        "workstreams",
        "created_at",
        "confirmed_at",
        "stopped_at",
        "stopped_reason",
    ]
    readonly_fields = fields
    actions = ["stop_bounce", "stop_complaint"]

    # Written by the follow form and its services alone: the admin stops and deletes.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _stop(self, request: HttpRequest, queryset: QuerySet[Follower], reason: str) -> None:
        followers = list(queryset)
        for follower in followers:
            follower_stop(follower=follower, reason=reason)
        self.message_user(
            request,
            ngettext("%(count)d follower stopped.", "%(count)d followers stopped.", len(followers))
            % {"count": len(followers)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stop: the address bounced"), permissions=["change"])
    def stop_bounce(self, request: HttpRequest, queryset: QuerySet[Follower]) -> None:
        self._stop(request, queryset, StopReason.BOUNCE)

    @admin.action(description=_("Stop: the address complained"), permissions=["change"])
    def stop_complaint(self, request: HttpRequest, queryset: QuerySet[Follower]) -> None:
        self._stop(request, queryset, StopReason.COMPLAINT)


@admin.register(FollowMessage)
class FollowMessageAdmin(ReadOnly, RulesModelAdmin):
    """Each e-mail to a follower, once per follower, workstream and event."""

    list_display = ["event", "workstream", "meeting", "follower", "state", "created_at", "sent_at"]
    list_filter = ["event", "state"]
    list_select_related = ["workstream", "meeting", "follower"]
    search_fields = ["follower__address"]
    fields = [*list_display, "key", "status", "error"]
    readonly_fields = fields
