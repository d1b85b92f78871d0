"""The workstream pages and feeds, in the ``workstreams`` namespace.

The timeline at ``/`` shares the namespace (``workstreams:timeline``) but reads both apps, so
its view is ``dashboard``'s; ``emgtracker/urls.py`` mounts the two lists together.
"""

from django.urls import path

from workstreams import feeds, views

app_name = "workstreams"

urlpatterns = [
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/<slug:slug>/feed/", feeds.WorkstreamFeed(), name="detail_feed"),
    path("workstreams/<slug:slug>/", views.workstream_detail, name="detail"),
]
