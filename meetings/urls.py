"""The meeting pages that read only this app, in the ``meetings`` namespace, under /meetings/.

A meeting's own page (``meetings:detail``) shows the updates presented there, so its view is
``dashboard``'s; ``emgtracker/urls.py`` mounts the two lists together, with the calendar
(``meetings:calendar``, ``workstreams.calendar``: it holds the workstreams' events too).
"""

from django.urls import path, re_path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    # A token is URL-safe base64; anything else (an old numeric id is, but names no token) is
    # refused before the database is asked.
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/documents/(?P<token>[-A-Za-z0-9_]{1,64})/$",
        views.document_download,
        name="document",
    ),
]
