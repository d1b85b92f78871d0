"""Writing an intake's accepted items to the record: each found (and left as it is) or added,
and the item told which row it became (docs/intake.md)."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext as _

from intake.models import Intake, IntakeItem, Outcome, Section
from intake.rows import (
    Names,
    after_dash,
    free_slug,
    next_position,
    parsed,
    valid,
)
from intake.text import compact, similarity
from meetings.imports.rows import ParticipantRow
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Intervention,
    Meeting,
)
from meetings.services import ImportRefused, attendance_import, intervention_save
from workstreams.models import ProgressUpdate, Proposal, Workstream
from workstreams.services import progress_update_save
from workstreams.services.meeting_record import meeting_save, proposal_save

# A title this alike another of the same meeting is the same row: the agenda's "… Responses"
# and the section's "… Response" are one concept note.
SAME_TITLE = 0.85


@dataclass
class Applied:
    added: Counter[str] = field(default_factory=Counter)
    in_record: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.added)


class Writer:
    """Finds or adds each accepted item's row, keeping on the item what it became."""

    def __init__(self, intake: Intake, by: User, items: Iterable[IntakeItem]) -> None:
        self.intake, self.by = intake, by
        self.applied = Applied()
        self.names = Names(by)
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
            slug=free_slug(Meeting, f"som{som_number}-{segment}"),
            som_number=int(som_number),
            segment=segment,
            title=values["title"],
            date=parsed(parse_date, values["date"], item, "date"),
            start_time=parsed(parse_time, values.get("start"), item, "start"),
            end_time=parsed(parse_time, values.get("end"), item, "end"),
            time_zone=values.get("time_zone") or "",
            format=values.get("format") or "",
            venue=values.get("venue") or "",
            status=Meeting.Status.HELD,
            reported_entity_count=values.get("reported_entity_count"),
            lists_ongoing_workstreams=bool(values.get("lists_ongoing_workstreams")),
        )
        valid(meeting, item)
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
        meeting.chair = self.names.person(item, "chair", item.current_values.get("chair", ""), None)
        meeting.opened_by = self.names.person(
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
        valid(document, item)
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
        entity = self.names.entity(item, "entity", values.get("entity", ""))
        agenda_item = AgendaItem(
            meeting=self.meeting,
            position=next_position(AgendaItem.objects.filter(meeting=self.meeting)),
            number=number,
            title=title[:300],
            parent=self._agenda_of(values.get("parent")),
            presenter_entity=entity,
            presenter=self.names.person(item, "person", values.get("presenter", ""), entity),
            start_time=parsed(parse_time, values.get("start"), item, "start"),
        )
        valid(agenda_item, item)
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
            person = self.names.person(item, "person", values["name"], None, create=False)
            existing = (attending.get(person.pk) if person else None) or numbers.get(number)
            if existing is not None:
                self._done(item, existing, False)
                continue
            entity = self.names.entity(item, "entity", values.get("entity", ""))
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
        workstream = self.names.workstream(item, values["workstream"])
        existing = ProgressUpdate.objects.filter(
            workstream=workstream, meeting=self.meeting
        ).first()
        if existing is not None:
            return existing, False
        entity = self.names.entity(item, "entity", values.get("entity", ""))
        update = ProgressUpdate(
            workstream=workstream,
            meeting=self.meeting,
            agenda_item=self._agenda_of(values.get("agenda_item")),
            presenter=self.names.person(item, "person", values.get("presenter", ""), entity),
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
        entity = self.names.entity(item, "entity", values.get("entity", ""))
        chosen = self.names.chosen(item, "workstream", values["title"])
        proposal = Proposal(
            meeting=self.meeting,
            kind=values.get("kind") or Proposal.Kind.CONCEPT_NOTE,
            position=next_position(proposals),
            title=values["title"][:300],
            presenter=self.names.person(item, "person", values.get("presenter", ""), entity),
            entity=entity,
            agenda_item=self._agenda_of(values.get("agenda_item")),
            document=self._concept_note(values["title"]),
            workstream=Workstream.objects.filter(slug=chosen).first() if chosen else None,
            **self._sourced(item),
        )
        return proposal_save(proposal=proposal, by=self.by), True

    def _concept_note(self, title: str) -> Document | None:
        notes = Document.objects.filter(meeting=self.meeting, kind=Document.Kind.CONCEPT_NOTE)
        scored = [(similarity(after_dash(note.title), title), note) for note in notes]
        best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        return best[1] if best[0] >= SAME_TITLE else None

    def _intervention(self, item: IntakeItem) -> tuple[Intervention, bool]:
        values = item.current_values
        entity = self.names.entity(item, "entity", values.get("entity", ""))
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
            position=next_position(Intervention.objects.filter(meeting=self.meeting)),
            entity=entity,
            person=self.names.person(item, "person", values.get("person", ""), entity),
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
