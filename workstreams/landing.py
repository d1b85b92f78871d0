"""The admin landing panel: what needs the reader's attention today."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from meetings.models import Meeting
from workstreams.models import ProgressUpdate, Workstream
from workstreams.permissions import progress_updates_visible_to, workstreams_led_by

PANEL_LENGTH = 25


@dataclass
class LandingPanel:
    awaiting_review: list[ProgressUpdate] = field(default_factory=list)
    returned: list[ProgressUpdate] = field(default_factory=list)
    next_meeting: Meeting | None = None
    without_update: list[Workstream] = field(default_factory=list)


def landing_panel(user: User | AnonymousUser, *, today: datetime.date) -> LandingPanel | None:
    """For the secretariat, what awaits review; for a focal point, what it still owes."""
    if not user.is_active or not user.has_perm("workstreams.view_progressupdate"):
        return None
    updates = progress_updates_visible_to(user)
    panel = LandingPanel(
        awaiting_review=list(updates.awaiting_review()[:PANEL_LENGTH]),
        returned=list(
            updates.filter(state=ProgressUpdate.State.DRAFT)
            .exclude(returned_reason="")
            .select_related("workstream", "meeting")
            .order_by("-updated_at")[:PANEL_LENGTH]
        ),
        next_meeting=Meeting.objects.upcoming(today).first(),
    )
    if panel.next_meeting is not None:
        panel.without_update = list(
            workstreams_led_by(user).without_update_for(panel.next_meeting)[:PANEL_LENGTH]
        )
    return panel
