from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from meetings.models import Document, Meeting


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


def document_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A document of a meeting that we hold the file of, such as its briefing pack."""
    document = get_object_or_404(Document, pk=pk, meeting__slug=slug)
    if not document.file:
        raise Http404("We do not hold this document's file.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file has gone missing.") from missing
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])
