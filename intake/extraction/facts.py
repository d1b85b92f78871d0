"""What a report says, as the extraction gives it: each fact with the lines it was read from."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from intake.reading import Line


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


def ancestors(section: Section) -> list[Section]:
    found = []
    while section.parent is not None:
        section = section.parent
        found.append(section)
    return found
