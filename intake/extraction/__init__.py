"""What a meeting report says, read from its structure: no database, no matching.

An EMG meeting report (docs/intake.md) has a heading block (the meeting's title, date, time and
format), numbered sections ("1.", "(a)", "a.") whose headings may say who presented them
("(presented by NAME, ENTITY)"), paragraphs that begin with who spoke ("UNDP noted …",
"Mr. Fadaei responded …"), and annexes: the list of participants (a table of number, name and
entity, often in two column groups side by side) and the agenda (items with their times and
presenters, and the meeting's documents). This module reads those structures, not any report's
particular words, into an ``Extraction``; each fact keeps the lines it was read from.
"""

from collections.abc import Sequence

from intake.extraction.annexes import (
    agenda_from_sections,
    agenda_read,
    documents_in_text,
    participants_read,
)
from intake.extraction.body import sections_of, split_annexes
from intake.extraction.facts import (
    AgendaEntry,
    DocumentEntry,
    Extraction,
    InterventionEntry,
    MeetingFacts,
    ParticipantEntry,
    Presentation,
    ProposalEntry,
    Source,
)
from intake.extraction.meeting import meeting_facts, meeting_from_agenda
from intake.extraction.presented import link_to_agenda, presentations_and_proposals
from intake.extraction.speakers import interventions_read
from intake.reading import Line

__all__ = [
    "AgendaEntry",
    "DocumentEntry",
    "Extraction",
    "InterventionEntry",
    "MeetingFacts",
    "ParticipantEntry",
    "Presentation",
    "ProposalEntry",
    "Source",
    "report_extract",
]


def report_extract(lines: Sequence[Line]) -> Extraction:
    """Everything the report's structure says, each fact with its source lines."""
    body, annexes = split_annexes(lines)
    header, sections = sections_of(body)
    problems: list[str] = []
    meeting = meeting_facts(header, sections, body)
    agenda: list[AgendaEntry] = []
    documents: list[DocumentEntry] = []
    participants: list[ParticipantEntry] = []
    for title, annex in annexes:
        kind = title.casefold()
        if "participant" in kind or "attend" in kind:
            participants += participants_read(annex, problems)
        elif "agenda" in kind:
            found_agenda, found_documents = agenda_read(annex, meeting)
            agenda += found_agenda
            documents += found_documents
            meeting_from_agenda(meeting, annex)
    if not agenda:
        agenda = agenda_from_sections(sections)
    documents = documents_in_text(lines, documents, meeting)
    presentations, proposals = presentations_and_proposals(sections)
    interventions = interventions_read(sections, meeting, participants)
    link_to_agenda(agenda, sections, presentations, proposals, interventions)
    meeting.lists_ongoing_workstreams = any(p.listed for p in presentations)
    return Extraction(
        meeting, agenda, documents, presentations, proposals, interventions, participants, problems
    )
