"""The site's URLs: the API's one router, and each app's pages.

Pages that show one app's rows live with that app (``meetings/urls.py``,
``workstreams/urls.py``). The pages that read both apps are ``dashboard``'s; each keeps the
namespace of the app whose object it shows, so its list is mounted beside that app's own.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from accounts import api as account_api
from dashboard import urls as dashboard_urls
from emgtracker.apidocs import RedocView, SwaggerView, redoc_bundle
from emgtracker.favicon import favicon
from intake import api as intake_api
from meetings import api as meeting_api
from meetings import urls as meeting_urls
from search import api as search_api
from search import urls as search_urls
from workstreams import api as workstream_api
from workstreams import api_inputs as inputs_api
from workstreams import api_webhooks as webhooks_api
from workstreams import calendar as workstream_calendar
from workstreams import mail_events
from workstreams import urls as workstream_urls
from workstreams.changes import api as workstream_changes_api
from workstreams.references import api as reference_api
from workstreams.references import urls as reference_urls

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
router.register("inputs", inputs_api.ProgressInputViewSet, basename="input")
router.register("decisions", workstream_api.DecisionViewSet, basename="decision")
router.register("proposals", workstream_api.ProposalViewSet, basename="proposal")
router.register("events", workstream_api.EventViewSet, basename="event")
router.register("timeline", workstream_api.TimelineViewSet, basename="timeline")
router.register("changes", workstream_changes_api.ChangesViewSet, basename="changes")
router.register("references", reference_api.FrameworkReferenceViewSet, basename="reference")
router.register("search", search_api.SearchViewSet, basename="search")
router.register(
    r"meetings/(?P<meeting_slug>[-\w]+)/briefing-pack",
    workstream_api.BriefingPackViewSet,
    basename="briefing-pack",
)
router.register("jobs", workstream_api.JobViewSet, basename="job")
router.register("webhooks", webhooks_api.WebhookSubscriptionViewSet, basename="webhook")
router.register("tokens", account_api.ApiTokenViewSet, basename="token")
router.register("mail-events", mail_events.MailEventViewSet, basename="mail-event")
router.register("intakes", intake_api.IntakeViewSet, basename="intake")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
    path("api/redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    path("favicon.ico", favicon, name="favicon"),
]

# The pages and feeds, each under its language (/fr/…); ``/`` and every address without one
# redirect by the visitor's language (Accept-Language). The API and the admin take theirs from
# the request (emgtracker/languages.py). docs/languages.md.
urlpatterns += i18n_patterns(
    path(
        "meetings/",
        include(
            (
                meeting_urls.urlpatterns
                + workstream_calendar.meeting_urlpatterns
                + dashboard_urls.meeting_urlpatterns,
                meeting_urls.app_name,
            )
        ),
    ),
    path("search/", include(search_urls)),
    path("entities/", include((dashboard_urls.entity_urlpatterns, "entities"))),
    path("references/", include(reference_urls)),
    path(
        "",
        include(
            (
                dashboard_urls.timeline_urlpatterns + workstream_urls.urlpatterns,
                workstream_urls.app_name,
            )
        ),
    ),
)

handler400 = "emgtracker.rest.bad_request"
handler404 = "emgtracker.rest.not_found"
handler500 = "emgtracker.rest.server_error"
