"""Bad data is refused by the database itself, not only by forms: one case per constraint."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, models, transaction

from meetings.models import AgendaItem, Attendance, Document, Entity, Meeting, document_token
from tests.factories import first
from workstreams.models import Decision, ProgressUpdate, Proposal, TimelineEntry, Workstream

pytestmark = pytest.mark.usefixtures("record")


def _meeting() -> Meeting:
    return Meeting.objects.get(slug="som29-senior")


def _update() -> ProgressUpdate:
    return first(ProgressUpdate.objects.filter(meeting__slug="som28-mid-term"))


def _set(obj_fn: Callable[[], models.Model], **values: Any) -> Callable[[], None]:
    def write() -> None:
        obj = obj_fn()
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()

    return write


def _copy(obj_fn: Callable[[], models.Model], **values: Any) -> Callable[[], None]:
    return _set(obj_fn, pk=None, id=None, **values)


CASES: dict[str, Callable[[], object]] = {
    "entity kind outside vocabulary": _set(
        lambda: Entity.objects.get(slug="unep"), kind="nonsense"
    ),
    "entity acronym twice": lambda: Entity.objects.create(slug="x", acronym="UNEP", name="X"),
    "entity blank name": lambda: Entity.objects.create(slug="y", acronym="Y", name=""),
    "meeting segment twice": _copy(_meeting, slug="dup"),
    "meeting som number zero": _set(_meeting, som_number=0),
    "meeting unknown segment": _set(_meeting, segment="plenary"),
    "meeting unknown status": _set(_meeting, status="cancelled?"),
    "meeting unknown format": _set(_meeting, format="pigeon"),
    "meeting ends before it starts": _set(_meeting, end_time=datetime.time(13)),
    "meeting end without start": _set(_meeting, start_time=None),
    "meeting time without zone": _set(_meeting, time_zone=""),
    "meeting month precision not on day 1": _set(
        lambda: Meeting.objects.get(slug="som28"), date=datetime.date(2022, 11, 15)
    ),
    "meeting time without a day": _set(
        lambda: Meeting.objects.get(slug="som28"), start_time=datetime.time(10), time_zone="UTC"
    ),
    "document symbol twice": _copy(
        lambda: Document.objects.get(symbol="EMG SOM28/mid-term/02"),
        title="Other",
        number="",
        token=document_token(),
    ),
    "document token twice": _copy(
        lambda: Document.objects.get(symbol="EMG SOM28/mid-term/02"),
        title="Other",
        number="",
        symbol="",
    ),
    "current document title twice": _copy(
        lambda: Document.objects.get(symbol="EMG SOM28/mid-term/02"),
        number="",
        symbol="",
        token=document_token(),
    ),
    "document superseded without a reason": _set(
        lambda: Document.objects.get(symbol="EMG SOM28/mid-term/02"),
        superseded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    ),
    "document reason without being superseded": _set(
        lambda: Document.objects.get(symbol="EMG SOM28/mid-term/02"), superseded_reason="Why."
    ),
    "agenda number twice": _copy(
        lambda: AgendaItem.objects.get(meeting__slug="som28-mid-term", number="3(a)"), position=99
    ),
    "attendance twice": _copy(lambda: Attendance.objects.get(list_number=1), list_number=200),
    "attendance list number twice": lambda: _copy(
        lambda: Attendance.objects.get(list_number=1),
        person_id=Attendance.objects.get(list_number=2).person_id,
    )(),
    "workstream its own parent": lambda: Workstream.objects.filter(slug="img-biodiversity").update(
        parent_id=models.F("id")
    ),
    "workstream unknown kind": _set(
        lambda: Workstream.objects.get(slug="img-biodiversity"), kind="club"
    ),
    "update twice for a meeting": _copy(_update),
    "update unknown status": _set(_update, status="thriving"),
    "update published without date": _set(_update, published_at=None),
    "draft update with publish date": _set(_update, state="draft"),
    "update blank summary": _set(_update, summary=""),
    "proposal topic naming a workstream": lambda: _set(
        lambda: first(Proposal.objects.filter(kind="topic")),
        workstream_id=Workstream.objects.get(slug="img-biodiversity").pk,
    )(),
    "decision twice": _copy(lambda: first(Decision.objects.filter(meeting__slug="som27"))),
    "timeline entry without basis": _set(
        lambda: first(TimelineEntry.objects.filter(basis="update")), update=None
    ),
}


@pytest.mark.parametrize("write", CASES.values(), ids=CASES.keys())
def test_database_refuses(write: Callable[[], None]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
