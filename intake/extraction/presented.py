"""What was presented: workstreams' progress and proposals, and each section's agenda item."""

import re
from collections.abc import Sequence

from intake.extraction.body import heading_parts
from intake.extraction.facts import (
    AgendaEntry,
    InterventionEntry,
    Presentation,
    ProposalEntry,
    Section,
    Source,
)
from intake.extraction.patterns import BULLET, plain
from intake.text import normalized, similarity

# How alike a section's heading and an agenda item's title are to be taken as one.
SAME_ITEM = 0.85


def _is_proposals(section: Section) -> bool:
    words = section.group.title.casefold()
    return any(word in words for word in ("concept note", "new topic", "proposal", "new work"))


def _is_progress(section: Section) -> bool:
    return _is_progress_title(section.group.title)


def presentations_and_proposals(
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
        text = BULLET.sub("", plain(line.text)).strip()
        found = re.match(r"^\(?([a-z0-9]{1,2})[).]\s+(\S.*)$", text)
        if found:
            title, presenter, entity = heading_parts(found.group(2))
            number = f"{section.number}({found.group(1)})"
            listed.append(Presentation(title, presenter, entity, number, True, Source.of([line])))
    return listed


def _agenda_item_of(title: str, agenda: Sequence[AgendaEntry]) -> AgendaEntry | None:
    scored = [(similarity(title, item.title), item) for item in agenda]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] >= SAME_ITEM else None


def link_to_agenda(
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
