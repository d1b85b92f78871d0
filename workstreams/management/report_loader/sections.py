"""The two reports, split into the sections the record data names, for checking its quotes.

A report is read by its structure, never by particular words:

- the text before its first numbered heading is its ``introduction``;
- a numbered heading (``2. Overview of progress …``) opens ``section 2``; an agenda's
  ``Item 3: …`` line opens ``item 3``; ``Annex 1: …`` opens ``annex 1``;
- a lettered or numbered sub-heading (``(a) …``, ``a) …``, ``1) …``) opens ``section 2(a)``,
  ``item 4(1)``; a sub-sub-heading (``a. …``) opens ``section 2(c)a``, ``item 3(b)a``.

A section runs to the next heading of its level or a higher one, and holds its sub-sections. A
sub-section is read with its parent's lead-in, the parent's text before its first sub-heading
(as a list's items complete the sentence that introduces them). A name may name several spans
(the SOM29 midterm report numbers two headings "1."). The SOM28 mid-term report's Annex 2 is its
provisional agenda, a document of its own.

Only markdown (``**``, ``*x*``, ``[x](#)``, list bullets) and whitespace are normalised: a page
break splits a sentence across blank lines. A quote is the report's own characters, straight or
curly quotes as the report has them; pieces of a section that are not adjacent are joined by
`` … `` (space, U+2026, space) and must appear in that order.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REPORTS_DIR = Path(__file__).resolve().parent / "reports"

# The gap between two pieces of one quote.
GAP = " … "

# Each document the record data names as a source: the file it is in, and the annex it is, if
# it is an annex of a report (the SOM28 mid-term agenda is Annex 2 of its report).
AGENDA_ANNEX = 2
DOCUMENTS: dict[str, tuple[str, int | None]] = {
    "som28-mid-term-report": ("som28-mid-term-report.txt", None),
    "som28-mid-term-agenda": ("som28-mid-term-report.txt", 2),
    "som29-mid-term-report": ("som29-midterm-report.txt", None),
}

_BULLET = re.compile(r"^\s*(?:[-*]\s+)+")
_TOP = re.compile(r"^(?:(?P<number>\d+)\.\s+\S|Item (?P<item>\d+):|Annex (?P<annex>\d+):)")
_SUB = re.compile(r"^(?:\((?P<paren>[a-z0-9])\)|(?P<close>[a-zA-Z0-9])\))\s")
_SUBSUB = re.compile(r"^(?P<letter>[a-z])\.\s")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"\*([^*\s][^*]*?)\*")
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """Markdown and whitespace normalised away; nothing else."""
    text = text.replace("**", "")
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip()


def _line(raw: str) -> str:
    return normalised(_BULLET.sub("", raw))


def _heading(line: str, top: str) -> tuple[int, str] | None:
    """The heading's level (0 top, 1 sub, 2 sub-sub) and name, or None for a line of text."""
    match = _TOP.match(line)
    if match:
        if match["item"]:
            return 0, f"item {int(match['item'])}"
        if match["annex"]:
            return 0, f"annex {int(match['annex'])}"
        return 0, f"section {int(match['number'])}"
    match = _SUB.match(line)
    if match and top:
        return 1, f"({match['paren'] or match['close']})"
    match = _SUBSUB.match(line)
    if match and top:
        return 2, match["letter"]
    return None


@dataclass
class Document:
    """One document of the record, as its named spans of normalised text."""

    key: str
    spans: dict[str, list[str]] = field(default_factory=dict)

    def has(self, section: str) -> bool:
        return section in self.spans

    def quote_in(self, section: str, quote: str) -> bool:
        """Whether the quote, each of its pieces in order, is in one span of the section."""
        pieces = [normalised(p) for p in quote.split(GAP)]
        return any(_in_order(span, pieces) for span in self.spans.get(section, []))


def _in_order(span: str, pieces: list[str]) -> bool:
    at = 0
    for piece in pieces:
        found = span.find(piece, at) if piece else -1
        if found < 0:
            return False
        at = found + len(piece)
    return True


def split(key: str, lines: list[str]) -> Document:
    """The document's spans by name: ``introduction``, ``section 2(c)a``, ``item 3(h)``."""
    document = Document(key)
    # The spans open at each level (0 top, 1 sub, 2 sub-sub): name and lines.
    opened: dict[int, tuple[str, list[str]]] = {0: ("introduction", [])}
    # Each open span's lead-in: its lines before its first sub-heading.
    lead_in: dict[int, list[str]] = {}
    names = ["", "", ""]
    for raw in lines:
        line = _line(raw)
        heading = _heading(line, names[0]) if line else None
        if heading is not None:
            level, part = heading
            for depth in [d for d in opened if d >= level]:
                name, body = opened.pop(depth)
                lead_in.pop(depth, None)
                document.spans.setdefault(name, []).append(normalised(" ".join(body)))
            parent = max((d for d in opened if d < level), default=None)
            if parent is not None:
                lead_in.setdefault(parent, list(opened[parent][1]))
            names[level:] = [part] + [""] * (2 - level)
            lead = lead_in[parent] if parent is not None else []
            opened[level] = ("".join(names[: level + 1]), list(lead))
        for _name, body in opened.values():
            body.append(line)
    for name, body in opened.values():
        document.spans.setdefault(name, []).append(normalised(" ".join(body)))
    return document


def _part(lines: list[str], annex: int | None) -> list[str]:
    """The report without its agenda annex, or (``annex``) that annex alone."""
    heading = (0, f"annex {AGENDA_ANNEX}")
    starts = [i for i, raw in enumerate(lines) if _heading(_line(raw), "") == heading]
    if not starts:
        return lines
    return lines[starts[0] + 1 :] if annex == AGENDA_ANNEX else lines[: starts[0]]


@cache
def document(key: str) -> Document:
    """A document the record data names as ``source`` (a key of ``DOCUMENTS``)."""
    filename, annex = DOCUMENTS[key]
    lines = (REPORTS_DIR / filename).read_text(encoding="utf-8").splitlines()
    return split(key, _part(lines, annex))
