"""Matching what a report names to the record's rows, with a confidence, never silently.

An entity is matched by its acronym, its name or a variant the record knows ("UNU- FLORES",
"CEB Secretariat"); a person by name within their entity, so that a returning participant is
one person; a workstream by its title or short title. Each match is ``exact``, ``probable`` (one
candidate, alike but not the same: a person confirms it), ``ambiguous`` (several candidates: a
person chooses) or ``new`` (no candidate: applying it adds a row). docs/intake.md.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from intake.text import compact, normalized, similarity
from meetings.models import Entity, EntityVariant, Person
from workstreams.models import Workstream

EXACT, PROBABLE, AMBIGUOUS, NEW, BLANK = "exact", "probable", "ambiguous", "new", "blank"
# Below this, a text is not offered as a candidate at all.
CANDIDATE = 0.6
# At or above this, one candidate is a probable match.
PROBABLE_AT = 0.8
# Two candidates this close to each other are both offered: a person chooses.
TIE = 0.04
# Lower-case words of a report's phrases that name no one: "UN EMG Consultant" is UN EMG.
_ROLE_WORDS = {"consultant", "secretary", "secretariat", "team", "office", "officer", "staff"}


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "confidence": round(self.score, 2)}


@dataclass(frozen=True)
class Match:
    """What a text of the report was matched to: ``key`` (an entity's or person's id, a
    workstream's slug) or None, how, how sure, and the candidates a person may choose from."""

    written: str
    status: str
    key: str | None = None
    label: str = ""
    confidence: float = 0.0
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "status": self.status,
            "key": self.key,
            "label": self.label,
            "confidence": round(self.confidence, 2),
            "candidates": [candidate.as_dict() for candidate in self.candidates],
            "note": self.note,
        }


def _decided(written: str, scored: Iterable[Candidate], exact_note: str = "") -> Match:
    """The match that candidates make: one exact; one probable; several close: ambiguous."""
    best: dict[str, Candidate] = {}
    for candidate in scored:
        if candidate.score >= CANDIDATE and (
            candidate.key not in best or best[candidate.key].score < candidate.score
        ):
            best[candidate.key] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.label))[:5]
    if not ranked:
        return Match(written, NEW, note=_("Not in the record: applying it adds it."))
    top = ranked[0]
    close = [c for c in ranked if top.score - c.score <= TIE]
    if len(close) > 1:
        return Match(
            written,
            AMBIGUOUS,
            confidence=top.score,
            candidates=tuple(ranked),
            note=_("More than one in the record is alike: choose one."),
        )
    if top.score >= 1.0:
        return Match(written, EXACT, top.key, top.label, 1.0, tuple(ranked), exact_note)
    if top.score >= PROBABLE_AT:
        return Match(
            written,
            PROBABLE,
            top.key,
            top.label,
            top.score,
            tuple(ranked),
            _("Alike but not the same: confirm it."),
        )
    return Match(
        written,
        NEW,
        confidence=top.score,
        candidates=tuple(ranked),
        note=_("Not in the record: applying it adds it, unless you choose a candidate."),
    )


class Matcher:
    """The record's entities, people and workstreams, read once, to match a report's names."""

    def __init__(self) -> None:
        self.entities = {str(e.pk): e for e in Entity.objects.all()}
        self.spellings: dict[str, set[str]] = defaultdict(set)
        for entity in self.entities.values():
            for text in (entity.acronym, entity.name):
                if text:
                    self.spellings[compact(text)].add(str(entity.pk))
        for variant in EntityVariant.objects.all():
            self.spellings[compact(variant.text)].add(str(variant.entity_id))
        self.people_by_name: dict[str, list[Person]] = defaultdict(list)
        for person in Person.objects.select_related("entity"):
            self.people_by_name[normalized(person.name)].append(person)
        self.workstreams = list(Workstream.objects.all())

    # Entities.

    def entity(self, written: str) -> Match:
        if not written.strip():
            return Match(written, BLANK, note=_("Left blank in the report."))
        exact = self._spelled(written)
        if len(exact) == 1:
            return Match(written, EXACT, *self._entity_label(next(iter(exact))), confidence=1.0)
        candidates = [Candidate(key, self._entity_label(key)[1], 0.99) for key in exact]
        for part, score in _parts(written):
            for key in self._spelled(part):
                candidates.append(Candidate(key, self._entity_label(key)[1], score))
        for spelling, keys in self.spellings.items():
            alike = similarity(spelling, compact(written)) * 0.98
            for head, _score in [(written, 1.0), *_parts(written)]:
                alike = max(alike, similarity(spelling, compact(head)) * 0.95)
            for key in keys:
                candidates.append(Candidate(key, self._entity_label(key)[1], alike))
        return _decided(written, candidates)

    def _spelled(self, text: str) -> set[str]:
        return self.spellings.get(compact(re.sub(r"^the\s+", "", text.strip(), flags=re.I)), set())

    def _entity_label(self, key: str) -> tuple[str, str]:
        entity = self.entities[key]
        return key, entity.label

    # People.

    def person(self, name: str, entity_key: str | None) -> Match:
        if not name.strip():
            return Match(name, BLANK, note=_("No one is named."))
        namesakes = self.people_by_name.get(normalized(name), [])
        # With no entity written (a chair, a speaker), the name alone: one namesake is the one.
        same_entity = [p for p in namesakes if entity_key is None or str(p.entity_id) == entity_key]
        if len(same_entity) == 1:
            person = same_entity[0]
            return Match(name, EXACT, str(person.pk), _person_label(person), 1.0)
        candidates = [
            Candidate(str(p.pk), _person_label(p), 0.9 if p.entity_id is None else 0.85)
            for p in namesakes
        ]
        if not candidates:
            for known, people in self.people_by_name.items():
                alike = similarity(known, name)
                if alike >= PROBABLE_AT:
                    for person in people:
                        bonus = 0.05 if entity_key and str(person.entity_id) == entity_key else 0
                        candidates.append(
                            Candidate(
                                str(person.pk), _person_label(person), min(0.95, alike + bonus)
                            )
                        )
        match = _decided(name, candidates)
        if match.status == PROBABLE and namesakes:
            return Match(
                name,
                PROBABLE,
                match.key,
                match.label,
                match.confidence,
                match.candidates,
                _("The record has this name with another entity: confirm it is the same person."),
            )
        return match

    # Workstreams.

    def workstream(self, title: str) -> Match:
        candidates = []
        for workstream in self.workstreams:
            texts = [workstream.title, workstream.short_title]
            score = max(similarity(title, text) for text in texts if text)
            if score < 1.0 and _expanded(title, workstream.title) == normalized(workstream.title):
                score = 1.0
            if score < 1.0:
                # "IMG on Biodiversity": what follows the kind of workstream is its short title.
                head, on, rest = title.partition(" on ")
                if (
                    on
                    and workstream.short_title
                    and normalized(rest) == normalized(workstream.short_title)
                    and _kind_alike(head, workstream.title)
                ):
                    score = 0.95
            candidates.append(Candidate(workstream.slug, workstream.title, score))
        return _decided(title, candidates)


def _kind_alike(head: str, title: str) -> bool:
    """ "IMG" and "Issue Management Group on …" are alike kinds; so are the same words."""
    kind = title.partition(" on ")[0]
    return normalized(head) == normalized(kind) or _initials(kind) == head.strip().upper()


def _initials(text: str) -> str:
    return "".join(word[0] for word in text.split() if word[:1].isupper())


def _expanded(title: str, reference: str) -> str:
    """``title`` with each acronym that the capital initials of a run of ``reference``'s words
    spell replaced by those words: "IMG on X" against "Issue Management Group on X"."""
    words = reference.split()
    result = []
    for token in title.split():
        replaced = token
        if token.isupper() and len(token) > 1:
            for start in range(len(words)):
                run = words[start : start + len(token)]
                if len(run) == len(token) and "".join(w[0] for w in run) == token:
                    replaced = " ".join(run)
                    break
        result.append(replaced)
    return normalized(" ".join(result))


def _parts(written: str) -> list[tuple[str, float]]:
    """The shorter texts a phrase that names an entity may be: "Children and Youth Major Group"
    of "… of UNEP", "Children and Youth Major Group" of "Marine Litter Working Group of the
    Children and Youth Major Group", "UN EMG" of "UN EMG Consultant"."""
    text = re.sub(r"^the\s+", "", written.strip(), flags=re.I)
    parts: list[tuple[str, float]] = []
    head = re.split(r"\s+of\s+(?:the\s+)?", text)
    if len(head) > 1:
        parts.append((head[0], 0.9))
        parts.append((head[-1], 0.85))
    words = text.split()
    while len(words) > 1 and words[-1].casefold() in _ROLE_WORDS:
        words = words[:-1]
        parts.append((" ".join(words), 0.9))
    return parts


def _person_label(person: Person) -> str:
    return f"{person.name} ({person.entity.label})" if person.entity else person.name
