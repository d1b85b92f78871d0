"""One search, two engines: PostgreSQL's full-text search with trigrams, or SQLite's plain
matching, with the same interface and the same results' shape (docs/search.md).

``entries_matching`` filters and ranks a queryset of entries; ``hits`` turns a page of them into
what a reader sees, highlighted.
"""

import re
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
from django.utils.translation import get_language

from meetings.models.translated import language_codes
from search.highlight import ELLIPSIS, START, STOP, headline, marked_html, query_words
from search.index import CONFIG, TITLES_CONFIG
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
    raw = " & ".join(f"{w}:*" for w in words)
    prefixes = SearchQuery(raw, search_type="raw", config=CONFIG)
    # The titles in other languages, word by word unstemmed; and as a part of a word, for the
    # scripts written without spaces (a Chinese title is one word to the parser).
    in_titles = SearchQuery(raw, search_type="raw", config=TITLES_CONFIG)
    part_of_titles = Q()
    for word in words:
        part_of_titles &= Q(titles__icontains=word)
    typo = TrigramWordSimilarity(query, "title")
    return (
        entries.annotate(similarity=typo)
        .filter(
            Q(vector=prefixes)
            | Q(vector=in_titles)
            | part_of_titles
            | Q(title__trigram_word_similar=query)
        )
        .annotate(
            rank=SearchRank(F("vector"), prefixes)
            + SearchRank(F("vector"), in_titles)
            + F("similarity") / 10,
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
    """SQLite: every word in the title (in any language) or the body; title matches first."""
    every = Q()
    in_title = Q()
    in_titles = Q()
    for word in words:
        every &= Q(title__icontains=word) | Q(body__icontains=word) | Q(titles__icontains=word)
        in_title &= Q(title__icontains=word)
        in_titles &= Q(titles__icontains=word)
    # A title in another language counts as a title.
    in_title |= in_titles
    rank = Case(When(in_title, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
    return entries.filter(every).annotate(rank=rank).order_by("-rank", "title", "pk")


LANGUAGE_PREFIX = re.compile("^/(?:" + "|".join(map(re.escape, language_codes())) + ")/")


def localized_url(url: str, language: str | None = None) -> str:
    """A page's address in the reader's language: the index keeps one language's."""
    language = language or get_language()
    if not url or language not in language_codes():
        return url
    return LANGUAGE_PREFIX.sub(f"/{language}/", url, count=1)


def hits(entries: list[SearchEntry], query: str) -> list[Hit]:
    """A page of matching entries as a reader sees them: PostgreSQL's headlines, or on SQLite
    the same marks made here; each page's address in the reader's language."""
    words = query_words(query)
    labels = dict(SearchKind.choices)
    return [
        Hit(
            kind=entry.kind,
            kind_label=str(labels.get(entry.kind, entry.kind)),
            title=entry.title,
            url=localized_url(entry.url),
            title_html=marked_html(
                getattr(entry, "title_headline", None) or headline(entry.title, words, whole=True)
            ),
            body_html=marked_html(
                getattr(entry, "body_headline", None) or headline(entry.body, words, whole=False)
            ),
        )
        for entry in entries
    ]
