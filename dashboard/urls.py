"""The pages that read both apps. Each keeps the URL and the name of the app whose object it
shows (``workstreams:timeline``, ``meetings:detail``, ``entities:...``): ``emgtracker/urls.py``
mounts these lists in those namespaces, beside each app's own."""

from django.urls import path

from dashboard import timeline, views

# In the ``workstreams`` namespace, at /.
timeline_urlpatterns = [
    path("", timeline.timeline, name="timeline"),
    path("timeline/rows/", timeline.timeline_rows, name="timeline_rows"),
]

# In the ``meetings`` namespace, under /meetings/.
meeting_urlpatterns = [path("<slug:slug>/", views.meeting_detail, name="detail")]

# The ``entities`` namespace, under /entities/.
entity_urlpatterns = [
    path("", views.entity_list, name="list"),
    path("<slug:slug>/", views.entity_detail, name="detail"),
]
