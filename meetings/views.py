import mimetypes

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from emgtracker.paging import paged
from meetings.models import Document, Meeting

MEETINGS_PER_PAGE = 25


def meeting_list(request: HttpRequest) -> HttpResponse:
    """The Senior Officials Meeting segments, newest first, a page at a time, and the next one
    to come."""
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": paged(
                request,
                Meeting.objects.for_list(),
                per_page=MEETINGS_PER_PAGE,
                # Counted apart: counting the list itself would join every attendance.
                count=Meeting.objects.count(),
            ),
            "next_meeting": Meeting.objects.upcoming(timezone.localdate()).first(),
        },
    )


def document_download(request: HttpRequest, slug: str, token: str) -> FileResponse:
    """A document of a meeting that we hold the file of, such as its briefing pack.

    Addressed by its random token, never its id. One that the visitor may not download is
    answered as one that does not exist: a 404 says nothing of what the address holds.
    """
    document = (
        Document.objects.select_related("meeting")
        .filter(token=token, meeting__slug=slug)
        .exclude(file="")
        .first()
    )
    # The rule is workstreams.permissions' "meetings.download_document".
    if document is None or not request.user.has_perm("meetings.download_document", document):
        raise Http404("No such document.")
    # Whether anyone may have it: for an anonymous request, what was just asked.
    public = not request.user.is_authenticated or AnonymousUser().has_perm(
        "meetings.download_document", document
    )
    name = document.file.name.rsplit("/", 1)[-1]
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file has gone missing.") from missing
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A public document may yet be superseded: a cache must ask again each time. Any other
    # stays out of every cache.
    response["Cache-Control"] = "no-cache" if public else "private, no-store"
    return response
