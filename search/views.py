from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from search.filters import SearchFilter
from search.models import SearchEntry
from search.query import hits

HITS_PER_PAGE = 20


def search(request: HttpRequest) -> HttpResponse:
    """The results of the header's search box: the API's search, as a page."""
    # The header's box sent empty: the page, asking for words, not an error.
    asked = request.GET if request.GET.get("q", "").strip() else None
    filterset = SearchFilter(asked, queryset=SearchEntry.objects.public())
    context: dict[str, Any] = {
        "filter": filterset,
        "page": None,
        "hits": [],
        "q": request.GET.get("q", ""),
    }
    if not filterset.is_bound:
        return render(request, "search/search.html", context)
    if not filterset.is_valid():
        return render(request, "search/search.html", context, status=400)
    page = Paginator(filterset.qs, HITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "page": page,
        "hits": hits(list(page.object_list), filterset.form.cleaned_data["q"]),
        "query": query.urlencode(),
    }
    return render(request, "search/search.html", context)
