"""Highlighted text that is safe to show: the matched words in ``<mark>``, everything else
escaped.

A headline (PostgreSQL's ``ts_headline`` or ``headline`` below on SQLite) marks matches with
two private-use characters, which the index strips from the text it keeps (``plain``), so that
no stored text can pose as a mark. ``marked_html`` escapes the headline, then turns the two
characters into our tags: the only markup that reaches the page.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START = "\ue000"
STOP = "\ue001"
ELLIPSIS = " … "
# Words of a query: letters and digits, in any script. Nothing else reaches a query's syntax.
WORD = re.compile(r"\w+")
MAX_WORDS = 10
# A headline on SQLite: this many characters either side of the first match.
CONTEXT = 120


def plain(text: str) -> str:
    """Text to index: without the characters that mark a match."""
    return text.replace(START, "").replace(STOP, "")


def query_words(query: str) -> list[str]:
    return WORD.findall(query)[:MAX_WORDS]


def marked_html(headline: str) -> SafeString:
    escaped = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(escaped)  # escaped above; only our tags added


def headline(text: str, words: list[str], *, whole: bool) -> str:
    """The text with each word that starts with a query word marked; for a body (not
    ``whole``), only the part around the first match."""
    if not words:
        return text if whole else text[: 2 * CONTEXT]
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    if not whole:
        first = pattern.search(text)
        start = max(0, first.start() - CONTEXT) if first else 0
        cut = text[start : start + 2 * CONTEXT]
        prefix = ELLIPSIS.lstrip() if start else ""
        suffix = ELLIPSIS.rstrip() if start + 2 * CONTEXT < len(text) else ""
        text = f"{prefix}{cut}{suffix}"
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)
