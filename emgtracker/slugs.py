"""A slug as the URLs, the pages and the API take one. A value is looked up as a slug only when
it has that shape: anything else names no row, and PostgreSQL refuses even to look up a NUL."""

import re

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
_SLUG = re.compile(SLUG_PATTERN)


def is_slug(text: str, max_length: int = 80) -> bool:
    return 0 < len(text) <= max_length and _SLUG.fullmatch(text) is not None
