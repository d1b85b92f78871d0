"""The annexes: the list of participants, and the agenda with the meeting's documents."""

import datetime
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from intake.extraction.body import presenter_of
from intake.extraction.facts import (
    AgendaEntry,
    DocumentEntry,
    MeetingFacts,
    ParticipantEntry,
    Section,
    Source,
)
from intake.extraction.patterns import (
    AGENDA_ITEM,
    AGENDA_SUB,
    AGENDA_TIME,
    BULLET,
    DOCUMENT,
    PRESENTED,
    SUB_DOCUMENT,
    SYMBOL,
    clock,
    plain,
)
from intake.reading import Line


def participants_read(annex: Sequence[Line], problems: list[str]) -> list[ParticipantEntry]:
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
                    problems.append(
                        _(
                            "Participant number %(number)d is listed twice (%(where)s); the last is kept."
                        )
                        % {"number": number, "where": line.where}
                    )
                found[number] = ParticipantEntry(number, name, entity, Source.of([line]))
            index += step
    return [found[number] for number in sorted(found)]


def agenda_read(
    annex: Sequence[Line], meeting: MeetingFacts
) -> tuple[list[AgendaEntry], list[DocumentEntry]]:
    """The agenda annex: its items (numbered "Item 3:", "a)", "1)", "a."), each at the time
    the line before it gives, with "(presented by …)"; and its list of meeting documents."""
    reader = _AgendaReader(meeting)
    for line in annex:
        reader.read(line)
    return reader.items, reader.documents_with_symbol()


class _AgendaReader:
    def __init__(self, meeting: MeetingFacts) -> None:
        self.meeting = meeting
        self.items: list[AgendaEntry] = []
        self.documents: list[DocumentEntry] = []
        self.time: datetime.time | None = None
        self.time_used = False
        self.parents: dict[int, str] = {}
        self.symbol = ""

    def read(self, line: Line) -> None:
        text = BULLET.sub("", plain(line.text)).strip()
        symbol = SYMBOL.search(text)
        if symbol and not self.symbol:
            self.symbol = symbol.group(0)
        timed = AGENDA_TIME.match(text)
        if timed and not DOCUMENT.match(text):
            self.time, self.time_used = _agenda_clock(timed, self.meeting), False
            text = timed.group(7).strip()
        if not text or self._document(text, line):
            return
        numbered = self._numbered(text)
        if numbered is None and self.time is not None and not self.time_used and not symbol:
            # An unnumbered item at its own time ("5:00 p.m. Closure of the meeting").
            numbered = ("", text, 1) if len(text) < 120 else None
        if numbered is not None:
            self._item(*numbered, line)

    def _document(self, text: str, line: Line) -> bool:
        document = DOCUMENT.match(text)
        if document and not AGENDA_ITEM.match(text):
            entry = _document_entry(document.group(1), document.group(2), document.group(3), line)
            self.documents.append(entry)
            return True
        sub = SUB_DOCUMENT.match(text)
        if sub and self.documents and "concept note" in text.casefold():
            number = self.documents[-1].number.split()[0]
            self.documents.append(_document_entry(number, sub.group(1), sub.group(2), line))
            return True
        return False

    def _numbered(self, text: str) -> tuple[str, str, int] | None:
        item = AGENDA_ITEM.match(text)
        if item:
            return item.group(1), item.group(2), 1
        sub = AGENDA_SUB.match(text)
        if not sub or not self.parents.get(1):
            return None
        letter, digit, deep = sub.group(1), sub.group(2), sub.group(3)
        if deep and self.parents.get(2):
            return f"{self.parents[2]}{deep}", sub.group(4), 3
        return f"{self.parents[1]}({letter or digit})", sub.group(4), 2

    def _item(self, number: str, title: str, level: int, line: Line) -> None:
        title, presenter, entity = _agenda_title(title)
        self.parents[level] = number
        for deeper in (level + 1, level + 2):
            self.parents.pop(deeper, None)
        start = None if self.time_used else self.time
        self.time_used = True
        parent = self.parents.get(level - 1, "") if level > 1 else ""
        self.items.append(
            AgendaEntry(number, title, parent, presenter, entity, start, Source.of([line]))
        )

    def documents_with_symbol(self) -> list[DocumentEntry]:
        """The documents; the agenda's own symbol (in its heading) given to the agenda."""
        agenda = next((d for d in self.documents if "agenda" in d.title.casefold()), None)
        if self.symbol and agenda is not None and not agenda.symbol:
            agenda.symbol = self.symbol
        return self.documents


def _agenda_clock(found: re.Match[str], meeting: MeetingFacts) -> datetime.time | None:
    """A time of the agenda; without "a.m." or "p.m." the hour that falls within the meeting."""
    meridian = found.group(3) or found.group(6)
    start = clock(found.group(1), found.group(2), meridian)
    if start is None or meridian or meeting.start_time is None:
        return start
    later = clock(found.group(1), found.group(2), "pm")
    if later and start < meeting.start_time <= later:
        return later
    return start


def _agenda_title(title: str) -> tuple[str, str, str]:
    """An agenda item's title and its presenter: "… (presented by UNEP)"; the title as written
    otherwise ("Opening remarks by NAME, ROLE" names who was to speak, not who did)."""
    title = re.sub(r"\s*(?:as follows)?\s*:\s*$", "", title.strip())
    found = PRESENTED.search(title)
    if found and re.search(r"presented by", found.group(0), re.I):
        presenter, entity = presenter_of(found.group(0))
        return title[: found.start()].strip(), presenter, entity
    return title, "", ""


def _document_entry(number: str, letter: str | None, title: str, line: Line) -> DocumentEntry:
    full = f"{number} {letter}" if letter else number
    title = title.strip()
    symbol = SYMBOL.search(title)
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


def agenda_from_sections(sections: Sequence[Section]) -> list[AgendaEntry]:
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


def documents_in_text(
    lines: Sequence[Line], documents: list[DocumentEntry], meeting: MeetingFacts
) -> list[DocumentEntry]:
    """The report itself, and each document symbol the text names that the agenda did not."""
    known = {d.symbol.replace(" ", "") for d in documents if d.symbol}
    found = list(documents)
    report_symbol = ""
    for line in lines:
        for symbol in SYMBOL.findall(line.text):
            key = symbol.replace(" ", "")
            if key in known:
                continue
            known.add(key)
            if re.search(r"/\d{1,3}$", symbol):
                context = plain(line.text)
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
