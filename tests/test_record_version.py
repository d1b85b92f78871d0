"""The record's version moves on with every write the public can see, whichever door it comes
through (meetings/record_version.py): a write that forgot it would leave cached pages stale."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import models
from django.test import RequestFactory

from meetings import services as meeting_services
from meetings.imports.rows import ParticipantRow
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Entity,
    Intervention,
    Meeting,
    Person,
    RecordVersion,
)
from meetings.record_version import MIRROR_KEY, record_version_bump, record_version_current
from tests.factories import MeetingFactory, ProgressUpdateFactory, UserFactory, first
from workstreams import services
from workstreams.management.report_loader import LoadReport, reports_load
from workstreams.models import (
    Decision,
    FrameworkReference,
    ProgressUpdate,
    Proposal,
    ReferenceTag,
    Workstream,
    WorkstreamEvent,
    WorkstreamLead,
)

pytestmark = pytest.mark.usefixtures("record")

# Rows no anonymous page or API answer shows: the workers', the accounts' and the history's,
# the timeline cells (derived by the services below) and the version itself.
NOT_PUBLIC = {
    "RecordVersion",
    "TimelineEntry",
    "FocalPoint",
    "OutboxMessage",
    "Notice",
    "WebhookSubscription",
    "WebhookDelivery",
    "Job",
    "LoadedRow",
    # Shown only through its published update, and locked once merged into it: the update's
    # writes (publish, return, sources_public) move the version.
    "ProgressInput",
    # Who follows a workstream by e-mail, and what they were sent: never shown to the public.
    "Follower",
    "FollowMessage",
    # How reports spell an entity, for the report intake's matching: never shown to the public.
    "EntityVariant",
    # Report intakes and their extracted items: the secretariat's work, not the record.
    "Intake",
    "IntakeItem",
}


def _number() -> int:
    return RecordVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def _admin_save(row: models.Model, by: User) -> None:
    request = RequestFactory().post("/admin/")
    request.user = by
    admin.site._registry[type(row)].save_model(request, row, None, change=bool(row.pk))


def _admin_formset_save(parent: Workstream, row: models.Model, by: User) -> None:
    """An inline row saved by its parent's admin page, as a formset of one."""

    class Formset:
        model = type(row)

        def save(self) -> None:
            row.save()

    request = RequestFactory().post("/admin/")
    request.user = by
    admin.site._registry[type(parent)].save_formset(request, None, Formset(), change=True)


def _published() -> ProgressUpdate:
    return first(ProgressUpdate.objects.published())


def _publish(by: User) -> None:
    draft = ProgressUpdateFactory.create(state="submitted")
    services.progress_update_publish(update=draft, by=by)


def _edit_published(by: User) -> None:
    update = _published()
    update.summary += " Corrected."
    services.progress_update_save(update=update, by=by)


def _withdraw(by: User) -> None:
    services.progress_update_return_to_draft(update=_published(), by=by, reason="Not agreed.")


def _import_attendance(by: User) -> None:
    meeting = Meeting.objects.get(slug="som29-senior")
    unep = Entity.objects.get(acronym="UNEP")
    row = ParticipantRow(2, "Ada Newcomer", unep, "UNEP", None)
    meeting_services.attendance_import(meeting=meeting, rows=[row], numbered=False, by=by)


def _save_intervention(by: User) -> None:
    intervention = first(Intervention.objects.all())
    meeting_services.intervention_save(intervention=intervention, by=by)


def _reschedule(by: User) -> None:
    meeting = MeetingFactory.create()
    meeting.date += datetime.timedelta(days=1)
    services.meeting_save(meeting=meeting, by=by, changed=["date"])


def _admin_change(model: type[models.Model]) -> Callable[[User], None]:
    return lambda by: _admin_save(first(model._default_manager.all()), by)


# Each public model, and a write of it through the door the product uses.
WRITES: list[tuple[type[models.Model], str, Callable[[User], object]]] = [
    (ProgressUpdate, "publish", _publish),
    (ProgressUpdate, "edit a published update", _edit_published),
    (ProgressUpdate, "withdraw", _withdraw),
    (
        ProgressUpdate,
        "delete a published update",
        lambda by: services.progress_update_delete(update=_published(), by=by),
    ),
    (
        Decision,
        "save",
        lambda by: services.decision_save(decision=first(Decision.objects.all()), by=by),
    ),
    (
        Decision,
        "delete",
        lambda by: services.decision_delete(decision=first(Decision.objects.all()), by=by),
    ),
    (
        Proposal,
        "save",
        lambda by: services.proposal_save(proposal=first(Proposal.objects.all()), by=by),
    ),
    (
        Proposal,
        "delete",
        lambda by: services.proposal_delete(proposal=first(Proposal.objects.all()), by=by),
    ),
    (Meeting, "create", lambda by: services.meeting_save(meeting=MeetingFactory.build(), by=by)),
    (Meeting, "reschedule", _reschedule),
    (Intervention, "save", _save_intervention),
    (
        Intervention,
        "delete",
        lambda by: meeting_services.intervention_delete(
            intervention=first(Intervention.objects.all()), by=by
        ),
    ),
    (Attendance, "import", _import_attendance),
    (Workstream, "admin save", _admin_change(Workstream)),
    (
        Workstream,
        "delete",
        lambda by: services.workstream_delete(
            workstream=first(Workstream.objects.filter(children=None)), by=by
        ),
    ),
    (
        WorkstreamLead,
        "admin inline save",
        lambda by: _admin_formset_save(
            first(Workstream.objects.all()), first(WorkstreamLead.objects.all()), by
        ),
    ),
    (WorkstreamEvent, "admin save", _admin_change(WorkstreamEvent)),
    (
        WorkstreamEvent,
        "admin inline save",
        lambda by: _admin_formset_save(
            first(Workstream.objects.filter(events__isnull=False)),
            first(WorkstreamEvent.objects.all()),
            by,
        ),
    ),
    (FrameworkReference, "admin save", _admin_change(FrameworkReference)),
    (ReferenceTag, "admin save", _admin_change(ReferenceTag)),
    (Entity, "admin save", _admin_change(Entity)),
    (Person, "admin save", _admin_change(Person)),
    (AgendaItem, "admin save", _admin_change(AgendaItem)),
    (Document, "admin save", _admin_change(Document)),
]


@pytest.mark.parametrize(
    "write", [w for _m, _n, w in WRITES], ids=[f"{m.__name__}: {n}" for m, n, _w in WRITES]
)
def test_a_public_write_moves_the_version_on(
    write: Callable[[User], object], django_capture_on_commit_callbacks: Any
) -> None:
    by = UserFactory.create(is_superuser=True)
    before = _number()
    with django_capture_on_commit_callbacks(execute=True):
        write(by)
    assert _number() > before
    # And the cache learnt it on commit: the next read costs no query.
    assert cache.get(MIRROR_KEY)[0] == _number()


def test_every_public_model_has_a_write_above() -> None:
    """A new model the public reads fails here until a write of it is shown to move the version."""
    public = {
        model.__name__
        for label in ("meetings", "workstreams")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    } - NOT_PUBLIC
    assert {model.__name__ for model, _n, _w in WRITES} == public


def test_the_report_loader_moves_the_version_on_when_it_changed_rows(monkeypatch: Any) -> None:
    before = _number()
    reports_load()
    # Loaded already: a reload that changes nothing leaves every row alone, this one too.
    assert _number() == before
    monkeypatch.setattr(LoadReport, "changed", property(lambda report: True))
    reports_load()
    assert _number() == before + 1


def test_a_draft_edit_does_not_move_it() -> None:
    """Nothing the public reads changed: the pages they hold stay good."""
    draft = ProgressUpdateFactory.create()
    before = _number()
    draft.summary = "Still a draft."
    services.progress_update_save(update=draft, by=UserFactory.create(is_superuser=True))
    assert _number() == before


def test_the_version_is_read_from_the_database_when_the_cache_has_none(
    django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record_version_bump()
    cache.delete(MIRROR_KEY)
    with django_assert_num_queries(1):
        read = record_version_current()
    assert read.number == _number()
    with django_assert_num_queries(0):
        assert record_version_current() == read
