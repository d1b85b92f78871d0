"""The one FilterSet of the search page and the search API: the query and a kind."""

import django_filters
from django.utils.translation import gettext_lazy as _

from search.models import SearchEntry, SearchEntryQuerySet, SearchKind
from search.query import entries_matching

MAX_QUERY_LENGTH = 200


class SearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="query_filter",
        required=True,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words to find, or the start of them; best matches first."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=SearchKind.choices)

    class Meta:
        model = SearchEntry
        fields = ["q", "kind"]

    def query_filter(
        self, queryset: SearchEntryQuerySet, name: str, value: str
    ) -> SearchEntryQuerySet:
        return entries_matching(queryset, value)
