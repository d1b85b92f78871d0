"""Applying an intake's accepted items to the record, in one transaction, through the services
hand entry uses where the record has them (meetings, participants, updates, proposals,
interventions, workstreams); documents, agenda items, entities and people are checked as the
admin checks them (``full_clean``) and saved (docs/intake.md).

A row the record already has is found and left as it is, never overwritten: applying twice, or
applying a report whose facts were entered by hand or by the loader, changes nothing. Each item
keeps the row it became or found, so that a record row can say which upload and which line of it
it came from. Progress updates arrive as drafts with their summary left for a person to write.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intake.matching import EXACT, Matcher
from intake.models import Decision, Intake, IntakeItem, Outcome, Section
from intake.services import (
    choices_needed,
    choices_needed_message,
    intake_item_decide,
    intake_require,
    item_choices_check,
)
from intake.text import compact, normalized, similarity
from meetings.imports.plan import new_person_slugs
from meetings.imports.rows import ParticipantRow
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Entity,
    EntityVariant,
    Intervention,
    Meeting,
    Person,
)
from meetings.record_version import record_version_bump
from meetings.services import ImportRefused, attendance_import, intervention_save
from meetings.signals import people_added
from workstreams.models import ProgressUpdate, Proposal, Workstream
from workstreams.services import progress_update_save
from workstreams.services.meeting_record import meeting_save, proposal_save, workstream_save

ORDER = [
    Section.MEETING,
    Section.DOCUMENTS,
    Section.AGENDA,
    Section.PARTICIPANTS,
    Section.PRESENTATIONS,
    Section.PROPOSALS,
    Section.INTERVENTIONS,
]
# A title this alike another of the same meeting is the same row: the agenda's "… Responses"
# and the section's "… Response" are one concept note.
SAME_TITLE = 0.85
M = TypeVar("M", bound=models.Model)


@dataclass
class Applied:
    added: Counter[str] = field(default_factory=Counter)
    in_record: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.added)


@transaction.atomic
def intake_apply(
    *,
    intake: Intake,
    by: User,
    accept: Iterable[int] = (),
    choices: Mapping[int, Mapping[str, Any]] | None = None,
) -> Applied:
    """Accept the items ``accept`` names (with ``choices`` for their matches), then apply every
    accepted item not yet applied. Refused (ValidationError), writing nothing, when an item is not
    this intake's or still needs a person's choice."""
    intake_require(by, "change")
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.state != Intake.State.READY:
        raise ValidationError(_("The report has not been read; there is nothing to apply."))
    items = {item.pk: item for item in intake.items.all()}
    accept = list(accept)
    unknown = sorted(set(accept) - items.keys())
    if unknown:
        raise ValidationError(
            _("These items are not of this intake: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in unknown[:20])}
        )
    choices = choices or {}
    problems = []
    for pk in accept:
        item = items[pk]
        if item.applied_at is not None:
            continue
        item.choices = {**item.choices, **item_choices_check(item, choices.get(pk, {}))}
        if needed := choices_needed(item):
            problems.append(choices_needed_message(item, needed))
    if problems:
        raise ValidationError(problems)
    for pk in accept:
        if items[pk].applied_at is None:
            intake_item_decide(item=items[pk], decision=Decision.ACCEPTED, by=by)
    pending = [
        item
        for item in items.values()
        if item.decision == Decision.ACCEPTED and item.applied_at is None
    ]
    writer = _Writer(intake, by, items.values())
    for section in ORDER:
        section_items = sorted(
            (item for item in pending if item.section == section), key=lambda i: i.position
        )
        if section_items:
            writer.section(section, section_items)
    writer.meeting_people()
    intake.last_applied_at = timezone.now()
    intake.save(update_fields=["last_applied_at"])
    if writer.applied.changed:
        record_version_bump()
    return writer.applied


class _Writer:
    """Finds or adds each accepted item's row, keeping on the item what it became."""

    def __init__(self, intake: Intake, by: User, items: Iterable[IntakeItem]) -> None:
        self.intake, self.by = intake, by
        self.applied = Applied()
        self._matcher: Matcher | None = None
        self._meeting: Meeting | None = None
        self._meeting_created = False
        self._items = list(items)
        self._handlers: dict[str, Callable[[list[IntakeItem]], None]] = {
            Section.MEETING: self._meetings,
            Section.DOCUMENTS: self._each(self._document),
            Section.AGENDA: self._each(self._agenda_item),
            Section.PARTICIPANTS: self._participants,
            Section.PRESENTATIONS: self._each(self._presentation),
            Section.PROPOSALS: self._each(self._proposal),
            Section.INTERVENTIONS: self._each(self._intervention),
        }

    def section(self, section: str, items: list[IntakeItem]) -> None:
        self._handlers[section](items)

    def _each(
        self, write: Callable[[IntakeItem], tuple[models.Model, bool]]
    ) -> Callable[[list[IntakeItem]], None]:
        def handle(items: list[IntakeItem]) -> None:
            for item in items:
                row, added = write(item)
                self._done(item, row, added)

        return handle

    def _done(self, item: IntakeItem, row: models.Model, added: bool) -> None:
        item.outcome = Outcome.ADDED if added else Outcome.IN_RECORD
        item.record_model = row._meta.label_lower
        item.record_id = row.pk
        item.applied_at = timezone.now()
        item.save(update_fields=["outcome", "record_model", "record_id", "applied_at"])
        (self.applied.added if added else self.applied.in_record)[item.section] += 1

    # The meeting.

    @property
    def meeting(self) -> Meeting:
        if self._meeting is None:
            found = self._meeting_found()
            if found is None:
                raise ValidationError(
                    _("Accept the meeting first: the record has no meeting for this report.")
                )
            self._meeting = found
        return self._meeting

    def _meeting_found(self) -> Meeting | None:
        if self.intake.meeting_id is not None:
            return Meeting.objects.get(pk=self.intake.meeting_id)
        for item in self._items:
            if item.section == Section.MEETING:
                if item.record_id:
                    return Meeting.objects.get(pk=item.record_id)
                key = item.choices.get("meeting") or item.matches["meeting"].get("key")
                if key and key != "new":
                    return Meeting.objects.filter(slug=key).first()
        return None

    def _meetings(self, items: list[IntakeItem]) -> None:
        item = items[0]
        found = self._meeting_found()
        if found is not None:
            self._meeting = found
            self._done(item, found, False)
            return
        values = item.current_values
        som_number, segment = values.get("som_number"), values.get("segment")
        if not som_number or not segment or not values.get("date"):
            raise ValidationError(
                _(
                    "Item %(item)d: the report does not give the meeting's SOM number, segment "
                    "and date; add the meeting in the admin and take the report in for it."
                )
                % {"item": item.pk}
            )
        meeting = Meeting(
            slug=_free_slug(Meeting, f"som{som_number}-{segment}"),
            som_number=int(som_number),
            segment=segment,
            title=values["title"],
            date=_parsed(parse_date, values["date"], item, "date"),
            start_time=_parsed(parse_time, values.get("start"), item, "start"),
            end_time=_parsed(parse_time, values.get("end"), item, "end"),
            time_zone=values.get("time_zone") or "",
            format=values.get("format") or "",
            venue=values.get("venue") or "",
            status=Meeting.Status.HELD,
            reported_entity_count=values.get("reported_entity_count"),
            lists_ongoing_workstreams=bool(values.get("lists_ongoing_workstreams")),
        )
        _valid(meeting, item)
        meeting_save(meeting=meeting, by=self.by)
        self._meeting, self._meeting_created = meeting, True
        self._done(item, meeting, True)

    def meeting_people(self) -> None:
        """The chair and who opened a meeting this intake added, once the participants are in:
        the people they name are the participants of the same name."""
        if not self._meeting_created or self._meeting is None:
            return
        item = next(i for i in self._items if i.section == Section.MEETING)
        # Read again: the participants' import has counted them onto the row since.
        meeting = self._meeting = Meeting.objects.get(pk=self._meeting.pk)
        meeting.chair = self._person(item, "chair", item.current_values.get("chair", ""), None)
        meeting.opened_by = self._person(
            item, "opened_by", item.current_values.get("opened_by", ""), None
        )
        if meeting.chair or meeting.opened_by:
            meeting_save(meeting=meeting, by=self.by, changed=["chair", "opened_by"])

    # Documents and the agenda.

    def _document(self, item: IntakeItem) -> tuple[Document, bool]:
        values = item.current_values
        documents = Document.objects.filter(meeting=self.meeting)
        symbol = values.get("symbol") or ""
        for document in documents:
            if (
                (symbol and compact(document.symbol) == compact(symbol))
                or (values.get("number") and document.number == values["number"])
                or similarity(document.title, values["title"]) >= SAME_TITLE
            ):
                return document, False
        if symbol and Document.objects.filter(symbol=symbol).exists():
            return Document.objects.get(symbol=symbol), False
        document = Document(
            meeting=self.meeting,
            number=(values.get("number") or "")[:10],
            symbol=symbol[:80],
            title=values["title"][:300],
            kind=values.get("kind") or Document.Kind.OTHER,
        )
        if document.kind == Document.Kind.MEETING_REPORT:
            with self.intake.file.open("rb") as kept:
                document.file.save(self.intake.file_name, kept, save=False)
        _valid(document, item)
        document.save()
        return document, True

    def _agenda_item(self, item: IntakeItem) -> tuple[AgendaItem, bool]:
        values = item.current_values
        number, title = values.get("number") or "", values["title"]
        for existing in AgendaItem.objects.filter(meeting=self.meeting):
            if (number and existing.number == number) or (
                not number and similarity(existing.title, title) >= SAME_TITLE
            ):
                return existing, False
        entity = self._entity(item, "entity", values.get("entity", ""))
        agenda_item = AgendaItem(
            meeting=self.meeting,
            position=_next(AgendaItem.objects.filter(meeting=self.meeting)),
            number=number,
            title=title[:300],
            parent=self._agenda_of(values.get("parent")),
            presenter_entity=entity,
            presenter=self._person(item, "person", values.get("presenter", ""), entity),
            start_time=_parsed(parse_time, values.get("start"), item, "start"),
        )
        _valid(agenda_item, item)
        agenda_item.save()
        return agenda_item, True

    def _agenda_of(self, number: str | None) -> AgendaItem | None:
        if not number:
            return None
        return AgendaItem.objects.filter(meeting=self.meeting, number=number).first()

    # The participants: one import of the list, as the admin's import makes it.

    def _participants(self, items: list[IntakeItem]) -> None:
        attending = {a.person_id: a for a in Attendance.objects.filter(meeting=self.meeting)}
        numbers = {a.list_number: a for a in attending.values() if a.list_number}
        rows: list[tuple[IntakeItem, ParticipantRow]] = []
        for item in items:
            values = item.current_values
            number = int(values["number"])
            person = self._person(item, "person", values["name"], None, create=False)
            existing = (attending.get(person.pk) if person else None) or numbers.get(number)
            if existing is not None:
                self._done(item, existing, False)
                continue
            entity = self._entity(item, "entity", values.get("entity", ""))
            name = person.name if person else values["name"]
            rows.append(
                (item, ParticipantRow(number, name, entity, values.get("entity", ""), number))
            )
        if not rows:
            return
        try:
            attendance_import(
                meeting=self.meeting, rows=[row for _item, row in rows], numbered=True, by=self.by
            )
        except ImportRefused as refused:
            raise ValidationError(refused.messages) from refused
        added = {a.list_number: a for a in Attendance.objects.filter(meeting=self.meeting)}
        for item, row in rows:
            self._done(item, added[row.list_number], True)

    # Presentations, proposals, interventions.

    def _presentation(self, item: IntakeItem) -> tuple[ProgressUpdate, bool]:
        values = item.current_values
        workstream = self._workstream(item, values["workstream"])
        existing = ProgressUpdate.objects.filter(
            workstream=workstream, meeting=self.meeting
        ).first()
        if existing is not None:
            return existing, False
        entity = self._entity(item, "entity", values.get("entity", ""))
        update = ProgressUpdate(
            workstream=workstream,
            meeting=self.meeting,
            agenda_item=self._agenda_of(values.get("agenda_item")),
            presenter=self._person(item, "person", values.get("presenter", ""), entity),
            entity=entity,
            summary=values.get("summary") or "",
            **self._sourced(item),
        )
        return progress_update_save(update=update, by=self.by), True

    def _proposal(self, item: IntakeItem) -> tuple[Proposal, bool]:
        values = item.current_values
        proposals = Proposal.objects.filter(meeting=self.meeting)
        for existing in proposals:
            if similarity(existing.title, values["title"]) >= SAME_TITLE:
                return existing, False
        entity = self._entity(item, "entity", values.get("entity", ""))
        chosen = self._chosen(item, "workstream", values["title"])
        proposal = Proposal(
            meeting=self.meeting,
            kind=values.get("kind") or Proposal.Kind.CONCEPT_NOTE,
            position=_next(proposals),
            title=values["title"][:300],
            presenter=self._person(item, "person", values.get("presenter", ""), entity),
            entity=entity,
            agenda_item=self._agenda_of(values.get("agenda_item")),
            document=self._concept_note(values["title"]),
            workstream=Workstream.objects.filter(slug=chosen).first() if chosen else None,
            **self._sourced(item),
        )
        return proposal_save(proposal=proposal, by=self.by), True

    def _concept_note(self, title: str) -> Document | None:
        notes = Document.objects.filter(meeting=self.meeting, kind=Document.Kind.CONCEPT_NOTE)
        scored = [(similarity(_after_dash(note.title), title), note) for note in notes]
        best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        return best[1] if best[0] >= SAME_TITLE else None

    def _intervention(self, item: IntakeItem) -> tuple[Intervention, bool]:
        values = item.current_values
        entity = self._entity(item, "entity", values.get("entity", ""))
        if entity is None:
            raise ValidationError(
                _("Item %(item)d: an intervention is by an entity; choose one.") % {"item": item.pk}
            )
        agenda_item = self._agenda_of(values.get("agenda_item"))
        text = values["text"]
        for existing in Intervention.objects.filter(
            meeting=self.meeting, entity=entity, agenda_item=agenda_item
        ):
            # The record quotes a sentence of the paragraph, or the paragraph itself.
            quote = (existing.source_quote or existing.summary).strip()
            if quote and (quote[:80] in text or text[:80] in quote):
                return existing, False
        intervention = Intervention(
            meeting=self.meeting,
            agenda_item=agenda_item,
            position=_next(Intervention.objects.filter(meeting=self.meeting)),
            entity=entity,
            person=self._person(item, "person", values.get("person", ""), entity),
            speaker_as_recorded=values.get("speaker", "")[:200],
            summary=text,
            kind=values.get("kind") or Intervention.Kind.FLOOR,
            **self._sourced(item),
        )
        return intervention_save(intervention=intervention, by=self.by), True

    def _sourced(self, item: IntakeItem) -> dict[str, Any]:
        report = (
            Document.objects.filter(meeting=self.meeting, kind=Document.Kind.MEETING_REPORT)
            .order_by("pk")
            .first()
        )
        section = item.current_values.get("section") or ""
        return {
            "source": report,
            "source_section": (f"section {section}" if section else item.where)[:80],
            "source_quote": item.source_text[:4000],
        }

    # Entities, people and workstreams: as chosen, as matched, or added.

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher()
        return self._matcher

    def _chosen(self, item: IntakeItem, role: str, written: str) -> str | None:
        """The row a person chose, or the exact match; None for a new row. A value a person
        corrected is matched again."""
        if role in item.choices:
            chosen = item.choices[role]
            return None if chosen == "new" else chosen
        match = item.matches.get(role, {})
        if match.get("written", written) != written:
            return None
        return match.get("key") if match.get("status") == EXACT else None

    def _entity(self, item: IntakeItem, role: str, written: str) -> Entity | None:
        if not written.strip():
            return None
        key = self._chosen(item, role, written)
        if key is not None:
            return Entity.objects.get(pk=key)
        if item.choices.get(role) != "new":
            again = self.matcher.entity(written)
            if again.status == EXACT and again.key:
                return Entity.objects.get(pk=again.key)
        found = _entity_spelled(written)
        if found is not None:
            return found
        acronym = written.strip() if _is_acronym(written) else ""
        entity = Entity(
            slug=_free_slug(Entity, slugify(written)[:70] or "entity"),
            acronym=acronym[:40],
            name=written.strip()[:200],
            kind=Entity.Kind.OTHER,
        )
        _valid(entity, item)
        entity.save()
        return entity

    def _person(
        self,
        item: IntakeItem,
        role: str,
        name: str,
        entity: Entity | None,
        *,
        create: bool = True,
    ) -> Person | None:
        if not name.strip():
            return None
        key = self._chosen(item, role, name)
        if key is not None:
            return Person.objects.get(pk=key)
        namesakes = list(Person.objects.filter(name=name.strip()))
        if item.choices.get(role) != "new":
            same = [p for p in namesakes if entity is None or p.entity_id == entity.pk]
            if len(same) == 1:
                return same[0]
        if not create:
            return None
        person = Person(
            slug=new_person_slugs([name.strip()])[0], name=name.strip()[:200], entity=entity
        )
        _valid(person, item)
        person.save()
        people_added.send(sender=Person, people=[person])
        return person

    def _workstream(self, item: IntakeItem, title: str) -> Workstream:
        key = self._chosen(item, "workstream", title)
        if key is not None:
            return Workstream.objects.get(slug=key)
        same = [w for w in Workstream.objects.all() if normalized(w.title) == normalized(title)]
        if same:
            return same[0]
        _kind, _on, rest = title.partition(" on ")
        workstream = Workstream(
            slug=_free_slug(Workstream, slugify(title)[:70] or "workstream"),
            title=title.strip()[:250],
            short_title=(rest or title).strip()[:80],
            kind=_workstream_kind(title),
        )
        _valid(workstream, item)
        return workstream_save(workstream=workstream, by=self.by)


def _entity_spelled(written: str) -> Entity | None:
    key = compact(written)
    for entity in Entity.objects.all():
        if key in {compact(entity.acronym), compact(entity.name)} - {""}:
            return entity
    variant = next(
        (v for v in EntityVariant.objects.select_related("entity") if compact(v.text) == key),
        None,
    )
    return variant.entity if variant else None


def _is_acronym(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return " " not in text.strip() and bool(letters) and all(c.isupper() for c in letters)


_KINDS = (
    ("issue management group", Workstream.Kind.IMG),
    ("img ", Workstream.Kind.IMG),
    ("consultative process", Workstream.Kind.CONSULTATIVE_PROCESS),
    ("consultations", Workstream.Kind.CONSULTATIONS),
    ("task team", Workstream.Kind.TASK_TEAM),
    ("working group", Workstream.Kind.WORKING_GROUP),
    ("dialogues", Workstream.Kind.DIALOGUE_SERIES),
    ("dialogue series", Workstream.Kind.DIALOGUE_SERIES),
    ("dialogue", Workstream.Kind.NEXUS_DIALOGUE),
    ("network", Workstream.Kind.NETWORK),
)


def _workstream_kind(title: str) -> str:
    lowered = f"{normalized(title)} "
    for words, kind in _KINDS:
        if words in lowered:
            return kind
    return Workstream.Kind.INITIATIVE


def _after_dash(title: str) -> str:
    for dash in (" – ", " - ", " — "):
        if dash in title:
            return title.split(dash, 1)[1]
    return title


def _next(rows: "models.QuerySet[Any]") -> int:
    return int(rows.aggregate(n=Max("position"))["n"] or 0) + 1


def _free_slug(model: type[models.Model], base: str) -> str:
    base = base.strip("-")[:70] or "row"
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _parsed(parse: Callable[[str], Any], value: Any, item: IntakeItem, name: str) -> Any:
    if value in (None, ""):
        return None
    try:
        parsed = parse(str(value))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(
            _("Item %(item)d: “%(value)s” is not a valid %(name)s.")
            % {"item": item.pk, "value": str(value)[:40], "name": name}
        )
    return parsed


def _valid(row: models.Model, item: IntakeItem) -> None:
    """Check a new row as the admin would, naming the item in what is refused."""
    try:
        row.full_clean(validate_unique=True)
    except ValidationError as error:
        messages: Sequence[str] = error.messages
        raise ValidationError(
            [_("Item %(item)d: %(problem)s") % {"item": item.pk, "problem": m} for m in messages]
        ) from error
