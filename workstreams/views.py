from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meetings.models import Meeting
from workstreams.matrix import build_matrix, legend, som_groups
from workstreams.models import Workstream


def timeline(request: HttpRequest) -> HttpResponse:
    """The workstreams × meetings status matrix, SOM27 onward."""
    meetings = list(Meeting.objects.for_timeline())
    workstreams = Workstream.objects.for_timeline()
    return render(
        request,
        "workstreams/timeline.html",
        {
            "meetings": meetings,
            "som_groups": som_groups(meetings),
            "groups": build_matrix(workstreams, meetings),
            "legend": legend(),
        },
    )
