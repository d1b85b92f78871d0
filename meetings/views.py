from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from meetings.models import Meeting


def meeting_list(request: HttpRequest) -> HttpResponse:
    """Every Senior Officials Meeting segment, newest first, and the next one to come."""
    meetings = list(Meeting.objects.for_list())
    today = timezone.localdate()
    upcoming = [m for m in meetings if m.is_upcoming(today)]
    return render(
        request,
        "meetings/meeting_list.html",
        {"meetings": meetings, "next_meeting": upcoming[-1] if upcoming else None},
    )
