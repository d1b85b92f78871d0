"""The rows an intake adds, made as the admin makes them (a free slug, checked values, the kind
of a new workstream), and the entities, people and workstreams its items name."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intake.matching import EXACT, Matcher
from intake.models import IntakeItem
from intake.text import compact, normalized
from meetings.imports.plan import new_person_slugs
from meetings.models import Entity, EntityVariant, Person
from meetings.signals import people_added
from workstreams.models import Workstream
from workstreams.services.meeting_record import workstream_save


def entity_spelled(written: str) -> Entity | None:
    key = compact(written)
    for entity in Entity.objects.all():
        if key in {compact(entity.acronym), compact(entity.name)} - {""}:
            return entity
    variant = next(
        (v for v in EntityVariant.objects.select_related("entity") if compact(v.text) == key),
        None,
    )
    return variant.entity if variant else None


def is_acronym(text: str) -> bool:
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


def workstream_kind(title: str) -> str:
    lowered = f"{normalized(title)} "
    for words, kind in _KINDS:
        if words in lowered:
            return kind
    return Workstream.Kind.INITIATIVE


def after_dash(title: str) -> str:
    for dash in (" – ", " - ", " — "):
        if dash in title:
            return title.split(dash, 1)[1]
    return title


def next_position(rows: "models.QuerySet[Any]") -> int:
    return int(rows.aggregate(n=Max("position"))["n"] or 0) + 1


def free_slug(model: type[models.Model], base: str) -> str:
    base = base.strip("-")[:70] or "row"
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def parsed(parse: Callable[[str], Any], value: Any, item: IntakeItem, name: str) -> Any:
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


def valid(row: models.Model, item: IntakeItem) -> None:
    """Check a new row as the admin would, naming the item in what is refused."""
    try:
        row.full_clean(validate_unique=True)
    except ValidationError as error:
        messages: Sequence[str] = error.messages
        raise ValidationError(
            [_("Item %(item)d: %(problem)s") % {"item": item.pk, "problem": m} for m in messages]
        ) from error


class Names:
    """The entities, people and workstreams an intake's items name: as a person chose, as
    matched exactly, or added (once: a row added for one item is found by the next)."""

    def __init__(self, by: User) -> None:
        self.by = by
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher()
        return self._matcher

    def chosen(self, item: IntakeItem, role: str, written: str) -> str | None:
        """The row a person chose, or the exact match; None for a new row. A value a person
        corrected is matched again."""
        if role in item.choices:
            chosen = item.choices[role]
            return None if chosen == "new" else chosen
        match = item.matches.get(role, {})
        if match.get("written", written) != written:
            return None
        return match.get("key") if match.get("status") == EXACT else None

    def entity(self, item: IntakeItem, role: str, written: str) -> Entity | None:
        if not written.strip():
            return None
        key = self.chosen(item, role, written)
        if key is not None:
            return Entity.objects.get(pk=key)
        if item.choices.get(role) != "new":
            again = self.matcher.entity(written)
            if again.status == EXACT and again.key:
                return Entity.objects.get(pk=again.key)
        found = entity_spelled(written)
        if found is not None:
            return found
        acronym = written.strip() if is_acronym(written) else ""
        entity = Entity(
            slug=free_slug(Entity, slugify(written)[:70] or "entity"),
            acronym=acronym[:40],
            name=written.strip()[:200],
            kind=Entity.Kind.OTHER,
        )
        valid(entity, item)
        entity.save()
        return entity

    def person(
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
        key = self.chosen(item, role, name)
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
        valid(person, item)
        person.save()
        people_added.send(sender=Person, people=[person])
        return person

    def workstream(self, item: IntakeItem, title: str) -> Workstream:
        key = self.chosen(item, "workstream", title)
        if key is not None:
            return Workstream.objects.get(slug=key)
        same = [w for w in Workstream.objects.all() if normalized(w.title) == normalized(title)]
        if same:
            return same[0]
        _kind, _on, rest = title.partition(" on ")
        workstream = Workstream(
            slug=free_slug(Workstream, slugify(title)[:70] or "workstream"),
            title=title.strip()[:250],
            short_title=(rest or title).strip()[:80],
            kind=workstream_kind(title),
        )
        valid(workstream, item)
        return workstream_save(workstream=workstream, by=self.by)
