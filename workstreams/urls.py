from django.urls import path

from workstreams import feeds, views

app_name = "workstreams"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("feed/", feeds.LatestFeed(), name="feed"),
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/<slug:slug>/feed/", feeds.WorkstreamFeed(), name="detail_feed"),
    path("workstreams/<slug:slug>/", views.workstream_detail, name="detail"),
]
