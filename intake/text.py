"""How names and titles are compared: case, accents, punctuation and spacing aside."""

import difflib
import re
import unicodedata


def normalized(text: str) -> str:
    """ "UNU- FLORES" and "unu-flores", "Gutiérrez" and "Gutierrez" read alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w+]+", " ", plain.casefold()).split())


def compact(text: str) -> str:
    """Normalized, without spaces: "UNU- FLORES" is "unuflores"."""
    return normalized(text).replace(" ", "")


def similarity(first: str, second: str) -> float:
    """From 0 to 1: how alike two texts are once normalized."""
    a, b = normalized(first), normalized(second)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
