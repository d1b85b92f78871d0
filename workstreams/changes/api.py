"""``GET /api/v1/changes/?from=<meeting>&to=<meeting>``: what changed between two meetings, as
the page ``/changes/<from>/<to>/`` shows it. Every refusal is a 400 in the API's one error shape,
naming the parameter (``fields``)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.rest import APIConventions
from emgtracker.slugs import SLUG_PATTERN, is_slug
from meetings.models import Meeting
from workstreams.changes import MeetingOrderError, changes_between
from workstreams.serializers.changes import ChangesSerializer

SLUG = {"type": "string", "pattern": SLUG_PATTERN, "maxLength": 80}
PARAMETERS = [
    OpenApiParameter(
        "from",
        SLUG,
        required=True,
        description="The meeting to start from, by its slug (som28-mid-term).",
    ),
    OpenApiParameter(
        "to",
        SLUG,
        required=True,
        description="The meeting to end at, by its slug; after the first in the matrix's order.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List what changed between two meetings",
        parameters=PARAMETERS,
        responses=ChangesSerializer,
    )
)
class ChangesViewSet(APIConventions, viewsets.ViewSet):
    """Workstreams established, continued, reported, fallen silent, concluded or succeeded;
    proposals taken forward or not; new lead entities; mandates opened, renewed or lapsed:
    each change with the row of the record it rests on, stated or inferred."""

    query_parameters = ("from", "to")
    # One answer, not a list of rows (emgtracker/openapi.py): JSON only, no CSV.
    one_answer = True
    renderer_classes = [JSONRenderer]

    def list(self, request: Request) -> Response:
        params = request.query_params
        named = {name: params.get(name, "") for name in self.query_parameters}
        found = {m.slug: m for m in Meeting.objects.filter(slug__in=_slugs(named))}
        errors: dict[str, list[str]] = {}
        for name, slug in named.items():
            if not slug:
                errors[name] = [_("Name a meeting by its slug.")]
            elif slug not in found:
                errors[name] = [_("No meeting “%(slug)s”.") % {"slug": slug[:80]}]
        if errors:
            raise exceptions.ValidationError(errors)
        try:
            changes = changes_between(found[named["from"]], found[named["to"]])
        except MeetingOrderError as error:
            raise exceptions.ValidationError({"to": [str(error)]}) from error
        context: dict[str, Any] = {"request": request}
        return Response(ChangesSerializer(changes, context=context).data)


def _slugs(named: dict[str, str]) -> list[str]:
    """The values that may name a meeting: slugs (``is_slug``) only."""
    return [slug for slug in named.values() if is_slug(slug)]
