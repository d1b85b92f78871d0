"""The API lists' pagination: by page number (``?page=``, the default) or by cursor
(``?paginate=cursor``, then the ``cursor`` of each ``next`` link: emgtracker/keyset.py)."""

import copy
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.keyset import CURSOR, MODE, KeysetPage, cursor_mode

MAX_PAGE_SIZE = 200


class Pagination(pagination.PageNumberPagination):
    """Pages by number (``?page=``, the default), or by cursor (``?paginate=cursor``, then the
    ``cursor`` of each ``next`` link: emgtracker/keyset.py)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    keyset: KeysetPage | None = None

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 0 < int(raw) <= MAX_PAGE_SIZE):
            raise exceptions.ValidationError(
                {"page_size": [_("A whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]}
            )
        return super().get_page_size(request)

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        if not cursor_mode(request.query_params):
            self.keyset = None
            return super().paginate_queryset(queryset, request, view)
        # Ignored by a cursor, but never taken malformed: a page is a whole number from 1.
        page = request.query_params.get(self.page_query_param)
        if page is not None and not (page.isdigit() and int(page) >= 1):
            raise exceptions.ValidationError(
                {self.page_query_param: [_("A whole number from 1; a cursor ignores it.")]}
            )
        self.request = request
        self.keyset = KeysetPage(queryset, request, self.get_page_size(request) or self.page_size)
        return self.keyset.rows

    def get_paginated_response(self, data: Any) -> Response:
        if self.keyset is None:
            return super().get_paginated_response(data)
        return Response(
            {"next": self.keyset.next, "previous": self.keyset.previous, "results": data}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        paginated["required"] = ["next", "previous", "results"]
        paginated["properties"]["count"]["description"] = _(
            "How many objects the list holds; by page number only, not with a cursor."
        )
        return paginated

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": MAX_PAGE_SIZE},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        # Copies: the schema generator adds to the parameters it is given.
        return [*parameters, *copy.deepcopy(KEYSET_PARAMETERS)]


KEYSET_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": MODE,
        "required": False,
        "in": "query",
        "description": "page (the default): pages by number, with count. cursor: pages by "
        "cursor, without count; follow next and previous.",
        "schema": {"type": "string", "enum": ["page", "cursor"]},
    },
    {
        "name": CURSOR,
        "required": False,
        "in": "query",
        "description": "The token of a next or previous link in cursor mode (opaque); "
        "any cursor selects cursor mode, and page is then ignored (but must still be a whole "
        "number from 1).",
        "schema": {"type": "string"},
    },
]
