"""The workstream pages and feeds, in the ``workstreams`` namespace.

The timeline at ``/`` shares the namespace (``workstreams:timeline``) but reads both apps, so
its view is ``dashboard``'s; ``emgtracker/urls.py`` mounts the two lists together.
"""

from django.urls import path

from workstreams import calendar, feeds, following, views

app_name = "workstreams"

urlpatterns = [
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/<slug:slug>/feed/", feeds.WorkstreamFeed(), name="detail_feed"),
    path(
        "workstreams/<slug:slug>/calendar.ics",
        calendar.workstream_calendar,
        name="detail_calendar",
    ),
    path("workstreams/<slug:slug>/", views.workstream_detail, name="detail"),
    path("changes/", views.changes_choose, name="changes_choose"),
    path("changes/<slug:start>/<slug:end>/", views.changes, name="changes"),
    path("workstreams/<slug:slug>/follow/", following.follow_start, name="follow"),
    path("follow/link/", following.follow_link, name="follow_link"),
    path("follow/confirm/<str:token>/", following.follow_confirm, name="follow_confirm"),
    path("follow/manage/<str:token>/", following.follow_manage, name="follow_manage"),
    path(
        "follow/unsubscribe/<str:token>/", following.follow_unsubscribe, name="follow_unsubscribe"
    ),
]
