"""The admin's search boxes, answered by the site's search too (docs/search.md): an update is
found by its presenter, its entity, its workstream or its meeting, drafts included."""

from typing import Any

from django.db.models import Q, QuerySet

from search.filters import MAX_QUERY_LENGTH
from search.models import SearchEntry, SearchKind
from search.query import entries_matching


def admin_search_results(
    queryset: QuerySet[Any], own: tuple[QuerySet[Any], bool], term: str, *, kind: SearchKind
) -> tuple[QuerySet[Any], bool]:
    """A ModelAdmin's ``get_search_results``: the rows its ``search_fields`` found (``own``,
    from ``super()``) and those whose index entry of ``kind`` matches, drafts too. The
    changelist's ``queryset`` still decides which rows the user may see."""
    term = term.strip()[:MAX_QUERY_LENGTH]
    if not term:
        return own
    entries = entries_matching(SearchEntry.objects.filter(kind=kind), term)
    found = entries.order_by().values("object_id")
    return queryset.filter(Q(pk__in=found) | Q(pk__in=own[0].values("pk"))), False
