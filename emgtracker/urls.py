"""The site's URLs.

Pages that show one app's rows live with that app. A meeting's page and an entity's page also
show workstreams, so their views live in ``workstreams`` (which may import ``meetings``, never
the reverse) and are mounted here under the ``meetings`` and ``entities`` namespaces.
"""

from django.contrib import admin
from django.urls import include, path

from meetings import feeds as meeting_feeds
from meetings import views as meeting_views
from workstreams import views as workstream_views

meeting_urls = (
    [
        path("", meeting_views.meeting_list, name="list"),
        path("calendar.ics", meeting_feeds.meeting_calendar, name="calendar"),
        path("<slug:slug>/", workstream_views.meeting_detail, name="detail"),
    ],
    "meetings",
)
entity_urls = (
    [
        path("", workstream_views.entity_list, name="list"),
        path("<slug:slug>/", workstream_views.entity_detail, name="detail"),
    ],
    "entities",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("meetings/", include(meeting_urls)),
    path("entities/", include(entity_urls)),
    path("", include("workstreams.urls")),
]
