"""The report loader creates and reschedules meetings through ``meeting_save`` and writes
interventions through ``intervention_save``, the services the admin calls. What a person did
through those services is never undone by a reload, and a meeting is announced once."""

from typing import Any

import pytest
from django.core.management import call_command

from delivery import interface as webhooks
from meetings.models import Intervention, Meeting
from meetings.services import intervention_save
from tests.factories import UserFactory, first
from workstreams import services
from workstreams.management.report_loader import reports_load
from workstreams.models import OutboxMessage, WebhookDelivery


def _subscribe(settings: Any) -> None:
    """Someone listens for new meetings, so that an announcement would be a delivery."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    webhooks.webhook_subscription_create(
        owner=UserFactory.create(), url="http://127.0.0.1:9/hooks/emg", events=["meeting.added"]
    )


@pytest.fixture
def subscriber(settings: Any) -> None:
    _subscribe(settings)


def _sent() -> tuple[int, int]:
    return WebhookDelivery.objects.count(), OutboxMessage.objects.count()


@pytest.mark.usefixtures("record", "subscriber")
def test_a_meeting_rescheduled_through_its_service_keeps_its_new_date() -> None:
    meeting = Meeting.objects.get(slug="som29-mid-term")
    meeting.date = meeting.date.replace(day=1)
    services.meeting_save(
        meeting=meeting, by=UserFactory.create(role="secretariat"), changed=["date"]
    )
    history, sent = meeting.history.count(), _sent()

    report = reports_load()

    assert Meeting.objects.get(slug="som29-mid-term").date == meeting.date
    assert (meeting.history.count(), _sent()) == (history, sent)
    assert not report.changed
    (note,) = report.left_alone
    assert (note.model, note.key) == ("meeting", "som29-mid-term")
    assert note.why.startswith("edited after loading on ")
    assert [d.field for d in note.differences] == ["date"]


@pytest.mark.usefixtures("record")
def test_an_intervention_edited_through_its_service_survives_a_reload() -> None:
    intervention = first(Intervention.objects.select_related("meeting").order_by("pk"))
    intervention.summary = "Corrected by the secretariat."
    intervention_save(intervention=intervention, by=UserFactory.create(role="secretariat"))

    report = reports_load()

    assert Intervention.objects.get(pk=intervention.pk).summary == "Corrected by the secretariat."
    assert not report.changed
    (note,) = report.left_alone
    assert (note.model, note.key) == (
        "intervention",
        f"meeting={intervention.meeting.slug},position={intervention.position}",
    )
    assert [d.field for d in note.differences] == ["summary"]


@pytest.mark.django_db(transaction=True)
def test_a_fresh_load_announces_each_meeting_once(settings: Any) -> None:
    call_command("flush", "--noinput", verbosity=0)
    _subscribe(settings)

    reports_load()
    announced = WebhookDelivery.objects.filter(event="meeting.added")
    assert sorted(d.payload["meeting"]["slug"] for d in announced) == sorted(
        Meeting.objects.values_list("slug", flat=True)
    )

    reports_load()
    assert WebhookDelivery.objects.filter(event="meeting.added").count() == 6
