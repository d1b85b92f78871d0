"""What each searchable row of the record becomes in the index: its title, its body, the page
that shows it and whether anonymous readers may find it.

One ``Source`` per kind: the rows with what their text names (read in one query), the entry
made from one row, and the rows of other kinds whose text names it (an update's entry names its
presenter, so renaming the person rewrites the update's entry).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from meetings.models import Entity, Meeting, Person
from meetings.models.translated import language_codes
from search.highlight import plain
from search.models import SearchEntry, SearchKind
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream


@dataclass(frozen=True)
class Source:
    kind: SearchKind
    model: type[Model]
    rows: Callable[[], QuerySet[Any]]
    entry: Callable[[Any], SearchEntry]
    # For each other kind whose entries name a row of this one: the field that points here.
    named_by: dict[SearchKind, str] = field(default_factory=dict)


def _entry(
    kind: SearchKind,
    obj: Model,
    title: str,
    body: Iterable[str],
    url: str,
    titles: Iterable[str] = (),
) -> SearchEntry:
    return SearchEntry(
        kind=kind,
        object_id=obj.pk,
        title=plain(title),
        body=plain("\n".join(part for part in body if part)),
        titles=plain("\n".join(dict.fromkeys(part for part in titles if part))),
        url=url,
        public=True,
    )


def _every_language(obj: Model, *fields: str) -> list[str]:
    """The fields' text in every language the row has them in: read from its own columns."""
    return [
        getattr(obj, build_localized_fieldname(field, code), None) or ""
        for field in fields
        for code in language_codes()
    ]


def _label(entity: Entity | None) -> list[str]:
    return [entity.name, entity.acronym] if entity else []


def _workstream(w: Workstream) -> SearchEntry:
    leads = [name for lead in w.leads.all() for name in _label(lead.entity)]
    body = [w.short_title, w.also_known_as, w.description, *leads]
    titles = _every_language(w, "title", "short_title")
    return _entry(SearchKind.WORKSTREAM, w, w.title, body, _page(w), titles)


def _update(u: ProgressUpdate) -> SearchEntry:
    presenter = u.presenter.name if u.presenter else ""
    body = [u.summary, u.next_steps, presenter, *_label(u.entity), u.meeting.title]
    entry = _entry(SearchKind.UPDATE, u, f"{u.workstream.title} · {u.meeting}", body, _page(u))
    entry.public = u.state == ProgressUpdate.State.PUBLISHED
    return entry


def _decision(d: Decision) -> SearchEntry:
    title = f"{d.get_kind_display()}: {d.workstream.title}"
    return _entry(SearchKind.DECISION, d, title, [d.text, d.meeting.title], _page(d))


def _proposal(p: Proposal) -> SearchEntry:
    presenter = p.presenter.name if p.presenter else ""
    body = [p.summary, p.get_kind_display(), presenter, *_label(p.entity), p.meeting.title]
    return _entry(SearchKind.PROPOSAL, p, p.title, body, _page(p))


def _meeting(m: Meeting) -> SearchEntry:
    chair = m.chair.name if m.chair else ""
    body = [m.short_label, m.venue, chair, m.summary]
    return _entry(SearchKind.MEETING, m, m.title, body, _page(m), _every_language(m, "title"))


def _entity(e: Entity) -> SearchEntry:
    title = f"{e.name} ({e.acronym})" if e.acronym else e.name
    return _entry(SearchKind.ENTITY, e, title, [e.get_kind_display()], _page(e))


def _person(p: Person) -> SearchEntry:
    return _entry(SearchKind.PERSON, p, p.name, [p.title, *_label(p.entity)], _page(p))


def _page(obj: Model) -> str:
    """The public page that shows the row, in the original's language: the reader's replaces
    it when the entry is shown (``search.query.localized_url``)."""
    with translation.override(settings.CONTENT_ORIGINAL_LANGUAGE):
        return _path(obj)


def _path(obj: Model) -> str:
    """A workstream's page for what belongs to one."""
    if isinstance(obj, Workstream):
        return reverse("workstreams:detail", args=[obj.slug])
    if isinstance(obj, Meeting):
        return reverse("meetings:detail", args=[obj.slug])
    if isinstance(obj, Entity):
        return reverse("entities:detail", args=[obj.slug])
    if isinstance(obj, Person):
        return _path(obj.entity) if obj.entity else ""
    if isinstance(obj, Proposal) and obj.workstream is None:
        return _path(obj.meeting)
    if isinstance(obj, ProgressUpdate | Decision | Proposal) and obj.workstream:
        return _path(obj.workstream)
    raise TypeError(obj)


SOURCES = {
    source.kind: source
    for source in [
        Source(
            SearchKind.WORKSTREAM,
            Workstream,
            lambda: Workstream.objects.with_leads(),
            _workstream,
            {
                SearchKind.UPDATE: "workstream",
                SearchKind.DECISION: "workstream",
                SearchKind.PROPOSAL: "workstream",
            },
        ),
        Source(
            SearchKind.UPDATE,
            ProgressUpdate,
            lambda: ProgressUpdate.objects.select_related(
                "workstream", "meeting", "presenter", "entity"
            ),
            _update,
        ),
        Source(
            SearchKind.DECISION,
            Decision,
            lambda: Decision.objects.select_related("workstream", "meeting"),
            _decision,
        ),
        Source(
            SearchKind.PROPOSAL,
            Proposal,
            lambda: Proposal.objects.select_related("workstream", "meeting", "presenter", "entity"),
            _proposal,
        ),
        Source(
            SearchKind.MEETING,
            Meeting,
            lambda: Meeting.objects.select_related("chair"),
            _meeting,
            {
                SearchKind.UPDATE: "meeting",
                SearchKind.DECISION: "meeting",
                SearchKind.PROPOSAL: "meeting",
            },
        ),
        Source(
            SearchKind.ENTITY,
            Entity,
            lambda: Entity.objects.all(),
            _entity,
            {
                SearchKind.WORKSTREAM: "leads__entity",
                SearchKind.UPDATE: "entity",
                SearchKind.PROPOSAL: "entity",
                SearchKind.PERSON: "entity",
            },
        ),
        Source(
            SearchKind.PERSON,
            Person,
            lambda: Person.objects.select_related("entity"),
            _person,
            {
                SearchKind.UPDATE: "presenter",
                SearchKind.PROPOSAL: "presenter",
                SearchKind.MEETING: "chair",
            },
        ),
    ]
}
