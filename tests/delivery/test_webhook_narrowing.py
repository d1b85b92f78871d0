"""Webhook subscriptions narrowed to chosen workstreams: an event of another workstream makes
no delivery for them; a subscription narrowed to none hears of every workstream, as before."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from delivery import interface as webhooks
from meetings.models import Entity, Meeting
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams import services
from workstreams.models import ProgressUpdate, WebhookDelivery, WebhookSubscription, Workstream

pytestmark = pytest.mark.usefixtures("record")

EVENTS = ["update.published", "status.changed", "meeting.added"]
PLASTICS = "core-working-group-plastic-pollution"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _subscribe(url: str, *slugs: str) -> WebhookSubscription:
    return webhooks.webhook_subscription_create(
        owner=UserFactory.create(role="viewer"),
        url=url,
        events=EVENTS,
        workstreams=Workstream.objects.filter(slug__in=slugs),
    )


def _received(subscription: WebhookSubscription) -> list[tuple[str, str]]:
    """What the subscription was sent: (event, the workstream the event is of), sorted."""
    sent = []
    for delivery in subscription.deliveries.order_by("pk"):
        data = delivery.payload
        workstream = data["update"]["workstream"] if "update" in data else data["workstream"]
        sent.append((delivery.event, workstream))
    return sorted(sent)


def _publish(workstream: str, meeting: str = "som29-senior") -> None:
    update = ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug=workstream),
        meeting=Meeting.objects.get(slug=meeting),
        entity=Entity.objects.get(acronym="UNEP"),
        state=ProgressUpdate.State.SUBMITTED,
        status="extended",
    )
    services.progress_update_publish(update=update, by=UserFactory.create(role="secretariat"))


def test_a_narrowed_subscription_hears_only_of_its_workstreams() -> None:
    narrowed = _subscribe("https://biodiversity.example.org/hook", "img-biodiversity")
    everyone = _subscribe("https://portal.example.org/hook")

    _publish("img-biodiversity")
    _publish(PLASTICS)

    biodiversity = [
        ("status.changed", "img-biodiversity"),
        ("update.published", "img-biodiversity"),
    ]
    plastics = [("status.changed", PLASTICS), ("update.published", PLASTICS)]
    assert _received(narrowed) == biodiversity
    assert _received(everyone) == sorted(biodiversity + plastics)

    # A meeting is of no workstream: every subscription to meeting.added hears of it.
    webhooks.webhook_meeting_added(meeting=Meeting.objects.get(slug="som29-senior"))
    assert narrowed.deliveries.filter(event="meeting.added").count() == 1
    assert everyone.deliveries.filter(event="meeting.added").count() == 1


def test_widening_a_narrowed_subscription_again() -> None:
    subscription = _subscribe("https://portal.example.org/hook", PLASTICS)
    _publish("img-biodiversity")
    assert not WebhookDelivery.objects.exists()
    webhooks.webhook_subscription_update(subscription=subscription, workstreams=[])
    _publish("img-biodiversity", "som29-technical")
    assert _received(subscription) == [
        ("status.changed", "img-biodiversity"),
        ("update.published", "img-biodiversity"),
    ]


def _api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def test_the_api_takes_and_returns_workstreams_by_slug() -> None:
    client = _api(UserFactory.create(role="focal_point"))
    created = client.post(
        "/api/v1/webhooks/",
        {
            "url": "https://portal.example.org/hook",
            "events": ["update.published"],
            "workstreams": [PLASTICS, "img-biodiversity", PLASTICS],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["workstreams"] == [
        "core-working-group-plastic-pollution",
        "img-biodiversity",
    ]
    subscription = WebhookSubscription.objects.get(pk=created.json()["id"])
    assert {w.slug for w in subscription.workstreams.all()} == {PLASTICS, "img-biodiversity"}

    path = f"/api/v1/webhooks/{subscription.pk}/"
    assert client.get(path).json()["workstreams"] == [PLASTICS, "img-biodiversity"]
    # A change that leaves them out keeps them; an empty list widens to every workstream.
    kept = client.patch(path, {"active": False}, content_type="application/json")
    assert kept.json()["workstreams"] == [PLASTICS, "img-biodiversity"]
    widened = client.patch(path, {"workstreams": []}, content_type="application/json")
    assert widened.status_code == 200, widened.content
    assert widened.json()["workstreams"] == []
    assert not subscription.workstreams.exists()
    listed = client.get("/api/v1/webhooks/").json()["results"]
    assert [s["workstreams"] for s in listed] == [[]]


@pytest.mark.parametrize(
    ("workstreams", "field", "message"),
    [
        (
            ["img-biodiversity", "img-unknown"],
            "workstreams.1",
            "No workstream has the slug “img-unknown”.",
        ),
        ([7], "workstreams.0", "Enter a valid"),
        ("img-biodiversity", "workstreams", "Expected a list"),
        (["x" * 81], "workstreams.0", "no more than 80"),
    ],
)
def test_the_api_refuses_an_unknown_workstream_writing_nothing(
    workstreams: Any, field: str, message: str
) -> None:
    owner = UserFactory.create(role="viewer")
    response = _api(owner).post(
        "/api/v1/webhooks/",
        {"url": "https://portal.example.org/hook", "events": EVENTS, "workstreams": workstreams},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]
    assert message in error["fields"][field][0]
    assert not WebhookSubscription.objects.exists()


def test_a_change_naming_an_unknown_workstream_changes_nothing() -> None:
    owner = UserFactory.create(role="viewer")
    subscription = _subscribe("https://portal.example.org/hook", "img-biodiversity")
    subscription.owner = owner
    subscription.save()
    response = _api(owner).patch(
        f"/api/v1/webhooks/{subscription.pk}/",
        {"url": "https://elsewhere.example.org/", "workstreams": ["nothing-of-the-kind"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.url == "https://portal.example.org/hook"
    assert [w.slug for w in subscription.workstreams.all()] == ["img-biodiversity"]


def test_the_admin_narrows_a_subscription(client: Client) -> None:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    subscription = _subscribe("https://portal.example.org/hook")
    page = f"/admin/workstreams/webhooksubscription/{subscription.pk}/change/"
    form = client.get(page).content.decode()
    assert 'name="workstreams"' in form
    assert "selectfilter" in form  # the two-list chooser
    biodiversity = Workstream.objects.get(slug="img-biodiversity")
    response = client.post(
        page,
        {
            "url": subscription.url,
            "events": EVENTS,
            "workstreams": [biodiversity.pk],
            "active": "on",
            "secret": "",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(subscription.workstreams.all()) == [biodiversity]

    _publish(PLASTICS)
    _publish("img-biodiversity")
    assert {workstream for _, workstream in _received(subscription)} == {"img-biodiversity"}
