"""The site's URLs.

Pages that show one app's rows live with that app. A meeting's page and an entity's page also
show workstreams, so their views live in ``workstreams`` (which may import ``meetings``, never
the reverse) and are mounted here under the ``meetings`` and ``entities`` namespaces.
"""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from accounts import api as account_api
from emgtracker.apidocs import RedocView, SwaggerView, redoc_bundle
from meetings import api as meeting_api
from meetings import feeds as meeting_feeds
from meetings import views as meeting_views
from workstreams import api as workstream_api
from workstreams import views as workstream_views

# One router: the API, version 1 (docs/api.md).
router = DefaultRouter()
router.register("meetings", meeting_api.MeetingViewSet, basename="meeting")
router.register(
    r"meetings/(?P<meeting_slug>[-\w]+)/participants",
    meeting_api.ParticipantViewSet,
    basename="participant",
)
router.register("entities", meeting_api.EntityViewSet, basename="entity")
router.register("workstreams", workstream_api.WorkstreamViewSet, basename="workstream")
router.register("updates", workstream_api.ProgressUpdateViewSet, basename="update")
router.register("decisions", workstream_api.DecisionViewSet, basename="decision")
router.register("proposals", workstream_api.ProposalViewSet, basename="proposal")
router.register("timeline", workstream_api.TimelineViewSet, basename="timeline")
router.register(
    r"meetings/(?P<meeting_slug>[-\w]+)/briefing-pack",
    workstream_api.BriefingPackViewSet,
    basename="briefing-pack",
)
router.register("jobs", workstream_api.JobViewSet, basename="job")
router.register("webhooks", workstream_api.WebhookSubscriptionViewSet, basename="webhook")
router.register("tokens", account_api.ApiTokenViewSet, basename="token")

meeting_urls = (
    [
        path("", meeting_views.meeting_list, name="list"),
        path("calendar.ics", meeting_feeds.meeting_calendar, name="calendar"),
        path("<slug:slug>/", workstream_views.meeting_detail, name="detail"),
        # A token is URL-safe base64; anything else (an old numeric id is, but names no
        # token) is refused before the database is asked.
        re_path(
            r"^(?P<slug>[-a-zA-Z0-9_]+)/documents/(?P<token>[-A-Za-z0-9_]{1,64})/$",
            meeting_views.document_download,
            name="document",
        ),
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
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    path("meetings/", include(meeting_urls)),
    path("entities/", include(entity_urls)),
    path("", include("workstreams.urls")),
]

handler400 = "emgtracker.rest.bad_request"
handler404 = "emgtracker.rest.not_found"
handler500 = "emgtracker.rest.server_error"
