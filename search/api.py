from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.rest import APIConventions
from search.filters import SearchFilter
from search.models import SearchEntry, SearchEntryQuerySet
from search.query import hits
from search.serializers import SearchHitSerializer


@extend_schema_view(list=extend_schema(summary="Search the record"))
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
