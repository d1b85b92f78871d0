"""Who spoke: the paragraphs of a section that begin with an entity or a person."""

import re
from collections.abc import Iterable, Sequence

from intake.extraction.facts import (
    InterventionEntry,
    MeetingFacts,
    ParticipantEntry,
    Section,
    Source,
    ancestors,
)
from intake.extraction.patterns import PERSON_SPEAKER, SPEAKER, plain
from intake.text import normalized


def interventions_read(
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
            text = plain(line.text)
            speaker = SPEAKER.match(text)
            # A section's first paragraph is its presentation, whoever it names.
            if not speaker or index == 0:
                continue
            subject = speaker.group(1).strip().strip(",")
            person = PERSON_SPEAKER.match(subject)
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
    names = {*known, section.presenter, *(s.presenter for s in ancestors(section))}
    matching = [name for name in names if name and name.split()[-1] == said]
    return matching[0] if len(matching) == 1 else said


def _is_presenter(name: str, section: Section) -> bool:
    presenters = {section.presenter, *(s.presenter for s in ancestors(section))} - {""}
    return any(name == p or name.split()[-1] == p.split()[-1] for p in presenters)


def _is_presenting_entity(subject: str, section: Section) -> bool:
    """ "UNEP responded" in a section UNEP presents: the presentation, not the floor."""
    entities = {section.entity, *(s.entity for s in ancestors(section))} - {""}
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
