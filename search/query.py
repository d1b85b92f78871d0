"""One search, two engines: PostgreSQL's full-text search with trigrams, or SQLite's plain
matching, with the same interface and the same results' shape (docs/search.md).

``entries_matching`` filters and ranks a queryset of entries; ``hits`` turns a page of them into
what a reader sees, highlighted.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.utils.safestring import SafeString

from search.highlight import ELLIPSIS, START, STOP, headline, marked_html, query_words
from search.index import CONFIG
from search.models import SearchEntry, SearchEntryQuerySet, SearchKind


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    title_html: SafeString
    body_html: SafeString


def entries_matching(entries: SearchEntryQuerySet, query: str) -> SearchEntryQuerySet:
    """The entries that match ``query``, best first."""
    words = query_words(query)
    if not words:
        return entries.none()
    if connection.vendor == "postgresql":
        return _postgresql(entries, query, words)
    return _plain(entries, words)


def _postgresql(entries: SearchEntryQuerySet, query: str, words: list[str]) -> SearchEntryQuerySet:
    # Every word, each as the start of a word ("biodiv" finds "biodiversity"). The words are
    # letters and digits only, so the raw query cannot be malformed.
    prefixes = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=CONFIG)
    typo = TrigramWordSimilarity(query, "title")
    return (
        entries.annotate(similarity=typo)
        .filter(Q(vector=prefixes) | Q(title__trigram_word_similar=query))
        .annotate(
            rank=SearchRank(F("vector"), prefixes) + F("similarity") / 10,
            title_headline=SearchHeadline(
                "title",
                prefixes,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            ),
            body_headline=SearchHeadline(
                "body",
                prefixes,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=ELLIPSIS,
            ),
        )
        .order_by("-rank", "title", "pk")
    )


def _plain(entries: SearchEntryQuerySet, words: list[str]) -> SearchEntryQuerySet:
    """SQLite: every word in the title or the body; title matches first."""
    every = Q()
    in_title = Q()
    for word in words:
        every &= Q(title__icontains=word) | Q(body__icontains=word)
        in_title &= Q(title__icontains=word)
    rank = Case(When(in_title, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return entries.filter(every).annotate(rank=rank).order_by("-rank", "title", "pk")


def hits(entries: list[SearchEntry], query: str) -> list[Hit]:
    """A page of matching entries as a reader sees them: PostgreSQL's headlines, or on SQLite
    the same marks made here."""
    words = query_words(query)
    labels = dict(SearchKind.choices)
    return [
        Hit(
            kind=entry.kind,
            kind_label=str(labels.get(entry.kind, entry.kind)),
            title=entry.title,
            url=entry.url,
            title_html=marked_html(
                getattr(entry, "title_headline", None) or headline(entry.title, words, whole=True)
            ),
            body_html=marked_html(
                getattr(entry, "body_headline", None) or headline(entry.body, words, whole=False)
            ),
        )
        for entry in entries
    ]
