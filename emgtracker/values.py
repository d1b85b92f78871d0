"""An API list served from ``.values()``: the rows of a page are read as dicts and shaped by a
small function, not built as model instances and walked by nested serializers field by field.

The view keeps its serializer: the schema, a single object and every write still go through it.
Only the list's rows are produced here, and a test holds each list's answer to the serializer's,
byte for byte (tests/api/test_fast_path.py)."""

from typing import TYPE_CHECKING, Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    ViewBase = GenericAPIView[Any]
else:
    ViewBase = object

Row = dict[str, Any]


class ValuesList(ViewBase):
    """A list view whose rows come from ``.values(*list_values)``, shaped by ``list_rows``.

    ``list_values`` names every value the rows show and every key the list may be ordered by
    (cursor mode reads the last row's keys from the dict)."""

    list_values: tuple[str, ...] = ()

    def row_values(self) -> tuple[str, ...]:
        """The values a row is read with: ``list_values``, and whatever else the request asks
        (a workstream's status as at a meeting, ``workstreams/as_at_api.py``)."""
        return self.list_values

    def list_rows(self, rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
        """The answer's rows, as ``serializer`` would give them for the same objects."""
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        values = queryset.prefetch_related(None).values("pk", *self.row_values())
        page = self.paginate_queryset(values)
        serializer = self.get_serializer()
        assert isinstance(serializer, Serializer)  # a list's serializer is one row's
        rows = self.list_rows(list(page if page is not None else values), serializer)
        return self.get_paginated_response(rows) if page is not None else Response(rows)
