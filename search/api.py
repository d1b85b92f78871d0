from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.rest import NOT_BLANK, APIConventions
from search.filters import MAX_QUERY_LENGTH, SearchFilter
from search.models import SearchEntry, SearchEntryQuerySet
from search.query import hits
from search.serializers import SearchHitSerializer

# The query as the filter takes it: required, at most 200 characters, not only white space.
QUERY = OpenApiParameter(
    "q",
    {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": NOT_BLANK},
    required=True,
    description="Words to find, or the start of them; best matches first.",
)


@extend_schema_view(list=extend_schema(summary="Search the record", parameters=[QUERY]))
class SearchViewSet(APIConventions, mixins.ListModelMixin, viewsets.GenericViewSet[SearchEntry]):
    """Workstreams, published progress updates, decisions, proposals, meetings, entities and
    people matching the words of ``q``, best first, with the matched words highlighted."""

    serializer_class = SearchHitSerializer
    filterset_class = SearchFilter
    ordering_fields: list[str] = []

    def get_queryset(self) -> SearchEntryQuerySet:
        return SearchEntry.objects.public()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        found = hits(list(page or []), request.query_params["q"])
        return self.get_paginated_response(self.get_serializer(found, many=True).data)
