"""What a meeting report says, read from its structure: no database, no matching.

An EMG meeting report (docs/intake.md) has a heading block (the meeting's title, date, time and
format), numbered sections ("1.", "(a)", "a.") whose headings may say who presented them
("(presented by NAME, ENTITY)"), paragraphs that begin with who spoke ("UNDP noted …",
"Mr. Fadaei responded …"), and annexes: the list of participants (a table of number, name and
entity, often in two column groups side by side) and the agenda (items with their times and
presenters, and the meeting's documents). This module reads those structures, not any report's
particular words, into an ``Extraction``; each fact keeps the lines it was read from.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from intake.reading import Line
from intake.text import normalized, similarity

# How alike a section's heading and an agenda item's title are to be taken as one.
SAME_ITEM = 0.85

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Time zones as reports abbreviate them. The EMG secretariat is in Geneva: its CEST and CET
# are Geneva's, which the IANA database names Europe/Zurich.
TIME_ZONES = {
    "CEST": "Europe/Zurich",
    "CET": "Europe/Zurich",
    "GENEVA TIME": "Europe/Zurich",
    "EAT": "Africa/Nairobi",
    "NAIROBI TIME": "Africa/Nairobi",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "NEW YORK TIME": "America/New_York",
    "GMT": "UTC",
    "UTC": "UTC",
    "BST": "Europe/London",
}
TITLES = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.E)\.?"
NAME_WORD = r"[A-Z](?:[\w'’-]+|\.)"
PERSON = rf"{NAME_WORD}(?:\s+(?:de|da|van|von|del|la|le|bin|al)?\s*{NAME_WORD}){{0,4}}"

_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"
    r"|\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s+(\d{4})\b"
)
_TIME_RANGE = re.compile(
    r"\b(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?\s*(?:[-–—]|to)\s*(\d{1,2})[:.](\d{2})\s*"
    r"([ap]\.?m\.?)?(?:\s*\(?(?-i:([A-Z]{3,4}\b|[A-Z][a-z]+(?: [A-Z][a-z]+)? time)))?",
    re.IGNORECASE,
)
_SOM = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+(?:meeting of the\s+)?Senior Officials", re.I)
_SYMBOL = re.compile(r"\bEMG\s?SOM\s?\d{1,3}/[A-Za-z-]+(?:/\d{1,3})?")
_L1 = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_L2 = re.compile(r"^\(([a-z])\)\s+(\S.*)$")
_L3 = re.compile(r"^([a-z])\.\s+(\S.*)$")
_BULLET = re.compile(r"^\s*[-•▪◦*]\s+")
_PRESENTED = re.compile(r"\s*\(+\s*(?:presented by\s+)?([^()]*)\)+\s*$", re.I)
_SPEAKER_VERBS = (
    "thanked|requested|suggested|raised|commented|shared|noted|asked|mentioned|questioned|"
    "welcomed|echoed|supported|strongly supported|proposed|highlighted|responded|added|"
    "clarified|stressed|emphasized|emphasised|underlined|recalled|reported|informed|"
    "expressed|called|encouraged|agreed|invited|pointed out|urged|recommended|"
    "announced|stated|offered|congratulated|appreciated|acknowledged"
)
_SPEAKER = re.compile(rf"^(?:The\s+)?(.{{2,120}}?)\s+(?:also\s+)?(?:{_SPEAKER_VERBS})\b")
_PERSON_SPEAKER = re.compile(rf"^{TITLES}\s+({PERSON})$")
_OPENED = re.compile(rf"{TITLES}\s+({PERSON})\s+opened the meeting")
_CHAIRED = re.compile(rf"chaired by\b[^.]*?{TITLES}\s+({PERSON})")
_ENTITY_COUNT = re.compile(
    r"\b(\d{1,3})\s+(?:UN\s+)?(?:entities|organi[sz]ations)\s+were\s+present"
)
_ANNEX = re.compile(r"^Annex\b[^:]*:?\s*(.*)$", re.I)
_AGENDA_ITEM = re.compile(r"^Item\s+(\d{1,2})\s*[:.]\s*(\S.*)$", re.I)
_AGENDA_SUB = re.compile(r"^(?:([a-z])\)|(\d{1,2})\)|([a-z])\.)\s+(\S.*)$")
_AGENDA_TIME = re.compile(
    r"^(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?\s*(?:[-–—]\s*(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?)?"
    r"\s*(.*)$",
    re.I,
)
_DOCUMENT = re.compile(r"^(\d{2})\.\s+(?:([A-Z])\)\s+)?(\S.*)$")
_SUB_DOCUMENT = re.compile(r"^([A-Z])\)\s+(\S.*)$")


@dataclass(frozen=True)
class Source:
    """Where a fact was read: its first and last line (and page), and the text of those lines."""

    first: int
    last: int
    page: int | None
    text: str

    @classmethod
    def of(cls, lines: Sequence[Line]) -> "Source":
        return cls(
            lines[0].number,
            lines[-1].number,
            lines[0].page,
            "\n".join(line.text for line in lines),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "first_line": self.first,
            "last_line": self.last,
            "page": self.page,
            "text": self.text,
        }


@dataclass
class MeetingFacts:
    title: str = ""
    som_number: int | None = None
    segment: str = ""
    date: datetime.date | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    time_zone: str = ""
    time_zone_as_written: str = ""
    format: str = ""
    venue: str = ""
    chair: str = ""
    opened_by: str = ""
    reported_entity_count: int | None = None
    lists_ongoing_workstreams: bool = False
    report_title: str = ""
    source: Source | None = None


@dataclass
class AgendaEntry:
    number: str
    title: str
    parent: str
    presenter: str
    entity: str
    start_time: datetime.time | None
    source: Source


@dataclass
class DocumentEntry:
    number: str
    symbol: str
    title: str
    kind: str
    source: Source


@dataclass
class Section:
    """A numbered section of the report's body, with its heading's parts and its paragraphs."""

    number: str
    level: int
    title: str
    presenter: str
    entity: str
    heading: list[Line]
    paragraphs: list[Line] = field(default_factory=list)
    bullets: list[Line] = field(default_factory=list)
    parent: "Section | None" = None

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def lines(self) -> list[Line]:
        return [*self.heading, *self.paragraphs]

    @property
    def group(self) -> "Section":
        """The top-level section this one is in."""
        return self if self.parent is None else self.parent.group


@dataclass
class Presentation:
    workstream: str
    presenter: str
    entity: str
    section: str
    listed: bool
    source: Source
    agenda_item: str = ""


@dataclass
class ProposalEntry:
    title: str
    kind: str
    presenter: str
    entity: str
    section: str
    source: Source
    agenda_item: str = ""


@dataclass
class InterventionEntry:
    speaker: str
    entity: str
    person: str
    kind: str
    section: str
    section_title: str
    text: str
    source: Source
    agenda_item: str = ""


@dataclass
class ParticipantEntry:
    number: int
    name: str
    entity: str
    source: Source


@dataclass
class Extraction:
    meeting: MeetingFacts
    agenda: list[AgendaEntry]
    documents: list[DocumentEntry]
    presentations: list[Presentation]
    proposals: list[ProposalEntry]
    interventions: list[InterventionEntry]
    participants: list[ParticipantEntry]
    problems: list[str]


def report_extract(lines: Sequence[Line]) -> Extraction:
    """Everything the report's structure says, each fact with its source lines."""
    body, annexes = _split_annexes(lines)
    header, sections = _sections(body)
    problems: list[str] = []
    meeting = _meeting(header, sections, body)
    agenda: list[AgendaEntry] = []
    documents: list[DocumentEntry] = []
    participants: list[ParticipantEntry] = []
    for title, annex in annexes:
        kind = title.casefold()
        if "participant" in kind or "attend" in kind:
            participants += _participants(annex, problems)
        elif "agenda" in kind:
            found_agenda, found_documents = _agenda(annex, meeting)
            agenda += found_agenda
            documents += found_documents
            _meeting_from_agenda(meeting, annex)
    if not agenda:
        agenda = _agenda_from_sections(sections)
    documents = _documents_in_text(lines, documents, meeting)
    presentations, proposals = _presentations_and_proposals(sections)
    interventions = _interventions(sections, meeting, participants)
    _link_to_agenda(agenda, sections, presentations, proposals, interventions)
    meeting.lists_ongoing_workstreams = any(p.listed for p in presentations)
    return Extraction(
        meeting, agenda, documents, presentations, proposals, interventions, participants, problems
    )


# The body and the annexes.


def _split_annexes(lines: Sequence[Line]) -> tuple[list[Line], list[tuple[str, list[Line]]]]:
    body: list[Line] = []
    annexes: list[tuple[str, list[Line]]] = []
    for line in lines:
        heading = _ANNEX.match(_plain(line.text))
        if heading and len(line.text) < 120:
            annexes.append((heading.group(1) or line.text, []))
        elif annexes:
            annexes[-1][1].append(line)
        else:
            body.append(line)
    return body, annexes


def _plain(text: str) -> str:
    """A line without the emphasis marks a text export leaves (``**``, ``__``)."""
    return re.sub(r"\*\*|__", "", text).strip()


def _is_heading(text: str) -> bool:
    return (len(text) <= 260 and not text.endswith((".", ";", ","))) or len(text) <= 80


def _sections(body: Sequence[Line]) -> tuple[list[Line], list[Section]]:
    """The heading block (before the first numbered section) and the numbered sections."""
    header: list[Line] = []
    sections: list[Section] = []
    current: dict[int, Section] = {}
    for line in body:
        text = _plain(line.text)
        if sections and _PRESENTED.fullmatch(text) and text.startswith("("):
            # A heading's "(presented by …)" on a line of its own.
            section = sections[-1]
            if not section.paragraphs and not section.presenter:
                section.heading.append(line)
                section.presenter, section.entity = _presenter_of(text)
                continue
        level, number, title = _heading_of(text)
        if level and (level == 1 or current.get(level - 1)) and _is_heading(text):
            parent = current.get(level - 1) if level > 1 else None
            if level == 3 and parent is None:
                parent = current.get(1)
            title, presenter, entity = _heading_parts(title)
            full = (
                number if parent is None else f"{parent.number.rstrip('.')}{_suffix(level, number)}"
            )
            section = Section(full, level, title, presenter, entity, [line], parent=parent)
            sections.append(section)
            current[level] = section
            for deeper in (level + 1, level + 2):
                current.pop(deeper, None)
        elif not sections:
            header.append(line)
        elif _BULLET.match(line.text) or _BULLET.match(text):
            sections[-1].bullets.append(line)
        else:
            sections[-1].paragraphs.append(line)
    return header, sections


def _heading_of(text: str) -> tuple[int, str, str]:
    for level, pattern in ((1, _L1), (2, _L2), (3, _L3)):
        found = pattern.match(text)
        if found:
            return level, found.group(1), found.group(2)
    return 0, "", ""


def _suffix(level: int, number: str) -> str:
    return f"({number})" if level == 2 else number


def _heading_parts(title: str) -> tuple[str, str, str]:
    """A heading's title and, from a closing "(presented by NAME, ENTITY)" or "(NAME, ENTITY)",
    its presenter and entity."""
    found = _PRESENTED.search(title)
    if not found:
        return title.strip(), "", ""
    presenter, entity = _presenter_of(found.group(0))
    if not presenter and not entity:
        return title.strip(), "", ""
    return title[: found.start()].strip(), presenter, entity


def _presenter_of(text: str) -> tuple[str, str]:
    """("Isabella Marras", "SUN") from "(presented by Isabella Marras, SUN)"; ("", "UNEP") from
    "(presented by UNEP)"; nothing from a parenthesis that names no one."""
    found = _PRESENTED.search(text)
    if not found:
        return "", ""
    said = found.group(1).strip()
    explicit = re.search(r"presented by", found.group(0), re.I) is not None
    name, _comma, entity = said.partition(",")
    name, entity = name.strip(), entity.strip()
    if entity and re.fullmatch(PERSON, name) and len(name.split()) >= 2:
        return name, entity
    if explicit and not entity:
        return "", name
    return "", ""


# The meeting.


def _meeting(
    header: Sequence[Line], sections: Sequence[Section], body: Sequence[Line]
) -> MeetingFacts:
    meeting = MeetingFacts()
    texts = [_plain(line.text) for line in header]
    joined = "\n".join(texts)
    for line, text in zip(header, texts, strict=True):
        som = _SOM.search(text)
        if som and not meeting.title:
            meeting.title = re.split(r"\s+Date\s*:|\t", text)[0].strip()
            meeting.som_number = int(som.group(1))
            meeting.segment = _segment(meeting.title)
            meeting.source = Source.of([line])
        if re.fullmatch(
            r"(?:Meeting\s+)?Report(?:\s+Summary)?|Summary Report|Meeting Summary", text, re.I
        ):
            meeting.report_title = text
    meeting.date = _first_date(joined)
    _times(meeting, joined)
    venue = re.search(r"Venue\s*:\s*(.+?)(?:\t|\s{2,}|$)", joined, re.M)
    if venue:
        meeting.venue = venue.group(1).strip()
    opening = [line for section in sections[:2] for line in section.lines] or list(body)
    meeting.format = _format(joined) or _format(" ".join(line.text for line in opening))
    intro = " ".join(_plain(line.text) for line in opening)
    opened = _OPENED.search(intro)
    if opened:
        meeting.opened_by = opened.group(1)
    chaired = _CHAIRED.search(intro)
    if chaired:
        meeting.chair = chaired.group(1)
    counted = _ENTITY_COUNT.search(intro)
    if counted:
        meeting.reported_entity_count = int(counted.group(1))
    return meeting


def _segment(title: str) -> str:
    lowered = title.casefold()
    if re.search(r"mid-?\s?term", lowered):
        return "mid-term"
    if "technical segment" in lowered:
        return "technical"
    if "senior segment" in lowered:
        return "senior"
    return "meeting"


def _first_date(text: str) -> datetime.date | None:
    for found in _DATE.finditer(text):
        day, month, year = (
            (found.group(1), found.group(2), found.group(3))
            if found.group(1)
            else (found.group(5), found.group(4), found.group(6))
        )
        number = MONTHS.get(month.casefold())
        if number is None:
            continue
        try:
            return datetime.date(int(year), number, int(day))
        except ValueError:
            continue
    return None


def _clock(hour: str, minute: str, meridian: str | None) -> datetime.time | None:
    h, m = int(hour), int(minute)
    if meridian and meridian.lower().startswith("p") and h < 12:
        h += 12
    if meridian and meridian.lower().startswith("a") and h == 12:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return datetime.time(h, m)


def _times(meeting: MeetingFacts, text: str) -> None:
    found = _TIME_RANGE.search(text)
    if not found:
        return
    end_meridian = found.group(6)
    meeting.start_time = _clock(found.group(1), found.group(2), found.group(3) or end_meridian)
    meeting.end_time = _clock(found.group(4), found.group(5), end_meridian)
    zone = (found.group(7) or "").strip()
    if zone:
        meeting.time_zone_as_written = zone
        meeting.time_zone = TIME_ZONES.get(zone.upper(), "")


def _format(text: str) -> str:
    lowered = text.casefold()
    if "hybrid" in lowered:
        return "hybrid"
    if re.search(
        r"virtual|video|online|ms teams|microsoft teams|zoom|webex|teleconference", lowered
    ):
        return "virtual"
    if re.search(r"in[- ]person|held (?:at|in) (?:the\s+)?[A-Z]", text):
        return "in_person"
    return ""


def _meeting_from_agenda(meeting: MeetingFacts, annex: Sequence[Line]) -> None:
    """What the agenda's own heading adds: the venue (an online room), the date and the times
    when the report's heading lacks them."""
    head = "\n".join(_plain(line.text) for line in annex[:8])
    if not meeting.venue:
        platform = re.search(r"\b(MS Teams|Microsoft Teams|Zoom|Webex|Interprefy)\b", head)
        if platform:
            meeting.venue = platform.group(1)
    if meeting.date is None:
        meeting.date = _first_date(head)
    if meeting.start_time is None:
        _times(meeting, head)


# The annexes.


def _participants(annex: Sequence[Line], problems: list[str]) -> list[ParticipantEntry]:
    """The list of participants: rows of number, name and entity, one or more such groups side
    by side on a row; an entity left blank stays blank."""
    found: dict[int, ParticipantEntry] = {}
    for line in annex:
        cells = [cell.strip() for cell in line.text.split("\t")]
        if len(cells) < 2:
            continue
        index = 0
        while index < len(cells):
            cell = cells[index]
            if not re.fullmatch(r"\d{1,4}\.?", cell) or index + 1 >= len(cells):
                index += 1
                continue
            name = cells[index + 1]
            entity = ""
            following = cells[index + 2] if index + 2 < len(cells) else ""
            step = 2
            if not re.fullmatch(r"\d{1,4}\.?", following) or index + 3 >= len(cells):
                entity, step = following, 3
            number = int(cell.rstrip("."))
            if name:
                if number in found:
                    problems.append(f"participant number {number} is listed twice ({line.number})")
                found[number] = ParticipantEntry(number, name, entity, Source.of([line]))
            index += step
    return [found[number] for number in sorted(found)]


def _agenda(
    annex: Sequence[Line], meeting: MeetingFacts
) -> tuple[list[AgendaEntry], list[DocumentEntry]]:
    items: list[AgendaEntry] = []
    documents: list[DocumentEntry] = []
    time: datetime.time | None = None
    time_used = False
    parents: dict[int, str] = {}
    symbol = ""
    for line in annex:
        text = _BULLET.sub("", _plain(line.text)).strip()
        symbol_found = _SYMBOL.search(text)
        if symbol_found and not symbol:
            symbol = symbol_found.group(0)
        clock = _AGENDA_TIME.match(text)
        if clock and not _DOCUMENT.match(text):
            time = _agenda_clock(clock, meeting)
            time_used = False
            text = clock.group(7).strip()
            if not text:
                continue
        item = _AGENDA_ITEM.match(text)
        sub = _AGENDA_SUB.match(text)
        document = _DOCUMENT.match(text)
        if document and not item:
            documents.append(
                _document_entry(document.group(1), document.group(2), document.group(3), line)
            )
            continue
        sub_document = _SUB_DOCUMENT.match(text)
        if sub_document and documents and "concept note" in text.casefold():
            number = documents[-1].number.split()[0]
            documents.append(
                _document_entry(number, sub_document.group(1), sub_document.group(2), line)
            )
            continue
        if item:
            number, title, level = item.group(1), item.group(2), 1
        elif sub and parents.get(1):
            letter, digit, deep = sub.group(1), sub.group(2), sub.group(3)
            if deep and parents.get(2):
                number, level = f"{parents[2]}{deep}", 3
            else:
                number, level = f"{parents[1]}({letter or digit})", 2
            title = sub.group(4)
        elif time is not None and not time_used and text and len(text) < 120 and not symbol_found:
            # An unnumbered item at its own time ("5:00 p.m. Closure of the meeting").
            number, title, level = "", text, 1
        else:
            continue
        title, presenter, entity = _agenda_title(title)
        parents[level] = number
        for deeper in (level + 1, level + 2):
            parents.pop(deeper, None)
        start = time if not time_used else None
        time_used = True
        parent = parents.get(level - 1, "") if level > 1 else ""
        items.append(
            AgendaEntry(number, title, parent, presenter, entity, start, Source.of([line]))
        )
    if symbol:
        agenda_doc = next((d for d in documents if "agenda" in d.title.casefold()), None)
        if agenda_doc is not None and not agenda_doc.symbol:
            agenda_doc.symbol = symbol
    return items, documents


def _agenda_clock(clock: re.Match[str], meeting: MeetingFacts) -> datetime.time | None:
    """A time of the agenda; without "a.m." or "p.m." the hour that falls within the meeting."""
    meridian = clock.group(3) or clock.group(6)
    start = _clock(clock.group(1), clock.group(2), meridian)
    if start is None or meridian or meeting.start_time is None:
        return start
    later = _clock(clock.group(1), clock.group(2), "pm")
    if later and start < meeting.start_time <= later:
        return later
    return start


def _agenda_title(title: str) -> tuple[str, str, str]:
    """An agenda item's title and its presenter: "… (presented by UNEP)"; the title as written
    otherwise ("Opening remarks by NAME, ROLE" names who was to speak, not who did)."""
    title = re.sub(r"\s*(?:as follows)?\s*:\s*$", "", title.strip())
    found = _PRESENTED.search(title)
    if found and re.search(r"presented by", found.group(0), re.I):
        presenter, entity = _presenter_of(found.group(0))
        return title[: found.start()].strip(), presenter, entity
    return title, "", ""


def _document_entry(number: str, letter: str | None, title: str, line: Line) -> DocumentEntry:
    full = f"{number} {letter}" if letter else number
    title = title.strip()
    symbol = _SYMBOL.search(title)
    return DocumentEntry(
        full, symbol.group(0) if symbol else "", title, _document_kind(title), Source.of([line])
    )


def _document_kind(title: str) -> str:
    lowered = title.casefold()
    for words, kind in (
        ("concept note", "concept_note"),
        ("agenda", "agenda"),
        ("logistic", "logistics_note"),
        ("progress report", "progress_report"),
        ("report", "meeting_report"),
    ):
        if words in lowered:
            return kind
    return "other"


def _agenda_from_sections(sections: Sequence[Section]) -> list[AgendaEntry]:
    """Without an agenda annex, the body's numbered sections are the agenda (its introduction
    aside), numbered in their order."""
    items: list[AgendaEntry] = []
    for section in sections:
        if section.level != 1 or section.title.casefold().startswith("introduction"):
            continue
        items.append(
            AgendaEntry(
                str(len(items) + 1), section.title, "", "", "", None, Source.of(section.heading)
            )
        )
    return items


def _documents_in_text(
    lines: Sequence[Line], documents: list[DocumentEntry], meeting: MeetingFacts
) -> list[DocumentEntry]:
    """The report itself, and each document symbol the text names that the agenda did not."""
    known = {d.symbol.replace(" ", "") for d in documents if d.symbol}
    found = list(documents)
    report_symbol = ""
    for line in lines:
        for symbol in _SYMBOL.findall(line.text):
            key = symbol.replace(" ", "")
            if key in known:
                continue
            known.add(key)
            if re.search(r"/\d{1,3}$", symbol):
                context = _plain(line.text)
                kind = "progress_report" if "progress report" in context.casefold() else "other"
                title = "Progress report" if kind == "progress_report" else symbol
                found.append(
                    DocumentEntry(symbol.rsplit("/", 1)[1], symbol, title, kind, Source.of([line]))
                )
            elif not report_symbol:
                report_symbol = symbol
    if meeting.report_title or report_symbol:
        report = DocumentEntry(
            "",
            report_symbol,
            meeting.report_title or "Meeting Report",
            "meeting_report",
            meeting.source or Source.of(lines[:1]),
        )
        found.insert(0, report)
    return found


# The sections: who presented what, what was proposed, who spoke.


def _is_proposals(section: Section) -> bool:
    words = section.group.title.casefold()
    return any(word in words for word in ("concept note", "new topic", "proposal", "new work"))


def _is_progress(section: Section) -> bool:
    return _is_progress_title(section.group.title)


def _presentations_and_proposals(
    sections: Sequence[Section],
) -> tuple[list[Presentation], list[ProposalEntry]]:
    presentations: list[Presentation] = []
    proposals: list[ProposalEntry] = []
    for section in sections:
        if section.level == 1:
            if _is_progress(section):
                presentations += _listed(section)
            continue
        if _is_proposals(section):
            proposals.append(
                ProposalEntry(
                    section.title,
                    "concept_note",
                    section.presenter,
                    section.entity,
                    section.number,
                    Source.of(section.lines),
                )
            )
        elif _is_progress(section) or section.presenter or section.entity:
            presenter, entity = section.presenter, section.entity
            presentations.append(
                Presentation(
                    section.title,
                    presenter,
                    entity,
                    section.number,
                    False,
                    Source.of(section.lines),
                )
            )
    return presentations, proposals


def _listed(section: Section) -> list[Presentation]:
    """A section's list of workstreams ("- (a) IMG on Biodiversity"): reported without a
    presenter, each by its line."""
    listed = []
    for line in section.bullets:
        text = _BULLET.sub("", _plain(line.text)).strip()
        found = re.match(r"^\(?([a-z0-9]{1,2})[).]\s+(\S.*)$", text)
        if found:
            title, presenter, entity = _heading_parts(found.group(2))
            number = f"{section.number}({found.group(1)})"
            listed.append(Presentation(title, presenter, entity, number, True, Source.of([line])))
    return listed


def _interventions(
    sections: Sequence[Section], meeting: MeetingFacts, participants: Sequence[ParticipantEntry]
) -> list[InterventionEntry]:
    """Each paragraph that begins with who spoke, other than the section's presenter: an entity
    ("UNDP noted …") from the floor; a person ("Mr. Fadaei responded …") of the secretariat
    that runs the meeting a response, after the section's first paragraph."""
    entity_of_person = _entities_of_people(participants)
    secretariat = {meeting.opened_by, meeting.chair} - {""}
    secretariat_entities = {entity_of_person.get(name, "") for name in secretariat} - {""}
    found: list[InterventionEntry] = []
    for section in sections:
        for index, line in enumerate(section.paragraphs):
            text = _plain(line.text)
            speaker = _SPEAKER.match(text)
            # A section's first paragraph is its presentation, whoever it names.
            if not speaker or index == 0:
                continue
            subject = speaker.group(1).strip().strip(",")
            person = _PERSON_SPEAKER.match(subject)
            if person:
                name = _full_name(person.group(1), entity_of_person, section)
                entity = entity_of_person.get(name, "")
                of_secretariat = name in secretariat or entity in secretariat_entities
                # A presenter's own paragraphs are the presentation; the secretariat's, after
                # the section's first, answer the floor even in a section it presents.
                if _is_presenter(name, section) and not of_secretariat:
                    continue
                if not entity:
                    continue  # Not on the list of participants: no entity to record it for.
                kind = "response" if of_secretariat else "floor"
                found.append(
                    InterventionEntry(
                        subject,
                        entity,
                        name,
                        kind,
                        section.number,
                        section.title,
                        text,
                        Source.of([line]),
                    )
                )
                continue
            if not _looks_like_a_body(subject) or _is_presenting_entity(subject, section):
                continue
            found.append(
                InterventionEntry(
                    subject if not text.startswith("The ") else f"The {subject}",
                    subject,
                    "",
                    "floor",
                    section.number,
                    section.title,
                    text,
                    Source.of([line]),
                )
            )
    return found


def _entities_of_people(participants: Iterable[ParticipantEntry]) -> dict[str, str]:
    return {participant.name: participant.entity for participant in participants}


def _full_name(said: str, known: dict[str, str], section: Section) -> str:
    """ "Tim Scott" as said; "Fadaei" as the one participant (or presenter) of that surname."""
    if said in known or len(said.split()) > 1:
        return said
    names = {*known, section.presenter, *(s.presenter for s in _ancestors(section))}
    matching = [name for name in names if name and name.split()[-1] == said]
    return matching[0] if len(matching) == 1 else said


def _ancestors(section: Section) -> list[Section]:
    found = []
    while section.parent is not None:
        section = section.parent
        found.append(section)
    return found


def _is_presenter(name: str, section: Section) -> bool:
    presenters = {section.presenter, *(s.presenter for s in _ancestors(section))} - {""}
    return any(name == p or name.split()[-1] == p.split()[-1] for p in presenters)


def _is_presenting_entity(subject: str, section: Section) -> bool:
    """ "UNEP responded" in a section UNEP presents: the presentation, not the floor."""
    entities = {section.entity, *(s.entity for s in _ancestors(section))} - {""}
    said = normalized(re.sub(r"\s+secretariat$", "", subject, flags=re.I))
    return any(said == normalized(re.sub(r"\s+secretariat$", "", e, flags=re.I)) for e in entities)


# Lower-case words an organisation's name may have after the first: "The SUN secretariat".
_BODY_NOUNS = {"secretariat", "secretariats", "group", "team", "office", "division", "network"}
_NOT_A_BODY = {"chair", "co-chair", "co-chairs", "meeting", "secretary", "agenda", "report"}


def _looks_like_a_body(subject: str) -> bool:
    """A subject that names an organisation: capitalised words (an acronym or a name), short;
    not "The Chair", not a sentence's opening clause."""
    words = subject.split()
    if not words or len(words) > 12 or subject.casefold() in _NOT_A_BODY:
        return False
    if "," in subject or subject.split()[0].casefold() in {
        "in",
        "on",
        "at",
        "for",
        "with",
        "this",
        "these",
        "it",
    }:
        return False
    small = {"of", "the", "and", "for", "on", "to", "in", "de", "du", "des", "la", "le", "&"}
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w in small or w in _BODY_NOUNS for w in words
    )


# Sections and the agenda: a section is the agenda item of the same title.


def _agenda_item_of(title: str, agenda: Sequence[AgendaEntry]) -> AgendaEntry | None:
    scored = [(similarity(title, item.title), item) for item in agenda]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] >= SAME_ITEM else None


def _link_to_agenda(
    agenda: Sequence[AgendaEntry],
    sections: Sequence[Section],
    presentations: list[Presentation],
    proposals: Sequence[ProposalEntry],
    interventions: Sequence[InterventionEntry],
) -> None:
    """Each section's agenda item; a presentation without an entity takes its agenda item's
    presenter ("(presented by UNEP)"); and an item the agenda says was presented under a
    progress item, with no section of its own in the report, is a presentation by its line."""
    item_of_section = {}
    for section in sections:
        item = _agenda_item_of(section.title, agenda)
        if item is None and section.parent is None:
            item = _agenda_item_of(section.title, [i for i in agenda if not i.parent])
        if item is not None:
            item_of_section[section.number] = item
    entries: list[Presentation | ProposalEntry | InterventionEntry] = [
        *presentations,
        *proposals,
        *interventions,
    ]
    for entry in entries:
        item = item_of_section.get(entry.section)
        if item is not None:
            entry.agenda_item = item.number
    for presentation in presentations:
        item = item_of_section.get(presentation.section)
        if item is not None and not presentation.entity and not presentation.presenter:
            presentation.entity = item.entity or _parent_entity(item, agenda)
    presented = {p.agenda_item for p in presentations if p.agenda_item}
    titles = [normalized(p.workstream) for p in presentations]
    for item in agenda:
        parent = _parent_of(item, agenda)
        if parent is None or item.number in presented or normalized(item.title) in titles:
            continue
        if not _is_progress_title(_top(parent, agenda).title):
            continue
        # Presented within its parent's section: by that section's presenter.
        within = next((p for p in presentations if p.agenda_item == parent.number), None)
        presenter = item.presenter or (within.presenter if within else "")
        entity = item.entity or (within.entity if within else "") or _parent_entity(item, agenda)
        if entity:
            presentations.append(
                Presentation(
                    item.title,
                    presenter,
                    entity,
                    within.section if within else "",
                    False,
                    item.source,
                    item.number,
                )
            )


def _parent_of(item: AgendaEntry, agenda: Sequence[AgendaEntry]) -> AgendaEntry | None:
    if not item.parent:
        return None
    return next((i for i in agenda if i.number == item.parent), None)


def _top(item: AgendaEntry, agenda: Sequence[AgendaEntry]) -> AgendaEntry:
    parent = _parent_of(item, agenda)
    return item if parent is None else _top(parent, agenda)


def _parent_entity(item: AgendaEntry, agenda: Sequence[AgendaEntry]) -> str:
    parent = _parent_of(item, agenda)
    if parent is None:
        return ""
    return parent.entity or _parent_entity(parent, agenda)


def _is_progress_title(title: str) -> bool:
    words = title.casefold()
    return "progress" in words or "overview" in words
