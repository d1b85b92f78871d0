"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retried with backoff, recorded, and
a subscription paused after repeated failures; managed in the API and the admin.

The receiver is a real HTTP server in a thread of the test process. Most tests run the
delivery in-process (eagerly, as on the embedded default); those that take ``webhook_worker``
start a real Celery worker on Redis and run on PostgreSQL only, like test_jobs' worker test.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import standardwebhooks.webhooks
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from delivery import interface as webhooks
from delivery import tasks
from delivery.interface import Outcome
from delivery.webhooks import addresses
from delivery.webhooks import services as webhook_services
from meetings.models import Meeting
from tests.conftest import wait_for
from tests.factories import ProgressUpdateFactory, UserFactory, api_token, first
from workstreams import services
from workstreams.models import (
    Decision,
    OutboxMessage,
    ProgressUpdate,
    TimelineEntry,
    WebhookDelivery,
    WebhookSubscription,
    Workstream,
)

EVENTS = ["update.published", "status.changed", "meeting.added"]


# A receiver on 127.0.0.1 -----------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """An HTTP server that records each POST and answers 200, or ``status`` if set, after
    answering 500 to the first ``fail`` requests."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.fail = 0
        self.status = 200
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.status
                if receiver.fail > 0:
                    receiver.fail -= 1
                    status = 500
                self.send_response(status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                answer = b"thanks" if status < 300 else b"something broke"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/emg?from=tracker"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    """The receiver is on 127.0.0.1, which production refuses to call."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def _secret(seed: str) -> str:
    """A secret in the standard form, made from ``seed`` so that tests can tell them apart."""
    return "whsec_" + base64.b64encode(hashlib.sha256(seed.encode()).digest()).decode()


SECRET = _secret("a secret of the consumer")


def _documented_verify() -> Any:
    """The verification example of docs/webhooks.md, run as a receiver would run it."""
    doc = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
    (code,) = [b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "def verify(" in b]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/webhooks.md", "exec"), namespace)
    return namespace


DOC = _documented_verify()


def _verifies(secret: str, received: Received, seen: set[str] | None = None) -> bool:
    """What a receiver does, by the documented example: True if it accepts the delivery."""
    headers = {name.lower(): value for name, value in received.headers.items()}
    try:
        DOC["verify"](secret, headers, received.body, set() if seen is None else seen)
    except DOC["Refused"]:
        return False
    return True


def _subscribe(url: str, events: list[str] | None = None, **kwargs: Any) -> WebhookSubscription:
    owner = kwargs.pop("owner", None) or UserFactory.create()
    return webhooks.webhook_subscription_create(
        owner=owner, url=url, events=events or EVENTS, **kwargs
    )


def _emit(capture: Any, event: str = "meeting.added", **data: Any) -> list[WebhookDelivery]:
    """Emit in a transaction and run its on-commit hooks: the outbox runs the task eagerly."""
    with capture(execute=True):
        return webhooks.webhook_event_emit(event=event, payload=data or {"meeting": {"x": 1}})


# Delivering, in-process -------------------------------------------------------------------


@pytest.mark.usefixtures("record")
class TestDelivery:
    def test_a_delivery_is_signed_sent_and_recorded(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url, secret=SECRET)
        meeting = Meeting.objects.get(slug="som29-senior")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            (delivery,) = webhooks.webhook_meeting_added(meeting=meeting)
        assert len(callbacks) == 1
        assert OutboxMessage.objects.get().kwargs == {"delivery_id": delivery.pk}

        (received,) = receiver.received
        assert received.path == "/hooks/emg?from=tracker"
        assert _verifies(SECRET, received)
        assert not _verifies(_secret("another secret entirely"), received)
        # A Standard Webhooks library agrees.
        assert Webhook(SECRET).verify(received.body, received.headers) == received.json
        assert received.headers["webhook-id"] == f"msg_{delivery.message_id.hex}"
        assert "X-EMG-Signature" not in received.headers
        headers = received.headers
        assert headers["Content-Type"] == "application/json"
        assert headers["User-Agent"] == "EMG-Workstream-Tracker-Webhooks/1"
        assert headers["X-EMG-Event"] == "meeting.added"
        assert headers["X-EMG-Delivery"] == str(delivery.pk)
        # Compact JSON with sorted keys: the bytes signed are the bytes sent.
        assert (
            received.body
            == json.dumps(received.json, sort_keys=True, separators=(",", ":")).encode()
        )
        envelope = received.json
        assert envelope["event"] == "meeting.added"
        assert envelope["id"] == delivery.pk
        assert datetime.datetime.fromisoformat(envelope["created_at"]) == delivery.created_at
        assert envelope["data"]["meeting"]["slug"] == "som29-senior"
        assert envelope["data"]["meeting"]["date"] == meeting.date.isoformat()

        delivery.refresh_from_db()
        assert (delivery.state, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
        assert delivery.delivered_at is not None
        assert delivery.last_attempt_at is not None
        assert delivery.last_error == ""

    def test_only_active_unpaused_subscriptions_to_the_event_get_it(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        listening = _subscribe(receiver.url, ["status.changed", "meeting.added"])
        _subscribe(receiver.url, ["update.published"])
        _subscribe(receiver.url, active=False)
        paused = _subscribe(receiver.url)
        paused.paused_at = timezone.now()
        paused.save()

        deliveries = _emit(django_capture_on_commit_callbacks)
        assert [d.subscription_id for d in deliveries] == [listening.pk]
        assert len(receiver.received) == 1

    def test_the_payload_helpers(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url)
        update = ProgressUpdateFactory.create(
            state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now()
        )
        workstream, meeting = update.workstream, update.meeting
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.webhook_update_published(update=update)
            assert (
                webhooks.webhook_status_changed(
                    workstream=workstream, meeting=meeting, previous="active", status="active"
                )
                == []
            )
            webhooks.webhook_status_changed(
                workstream=workstream, meeting=meeting, previous=None, status="active"
            )
        published, changed = (r.json for r in receiver.received)
        assert published["event"] == "update.published"
        assert published["data"]["update"]["id"] == update.pk
        assert published["data"]["update"]["workstream"] == "img-biodiversity"
        assert published["data"]["update"]["meeting"] == "som29-senior"
        assert published["data"]["update"]["published_at"]
        assert changed["data"] == {
            "workstream": "img-biodiversity",
            "workstream_title": workstream.title,
            "meeting": "som29-senior",
            "previous_status": None,
            "status": "active",
        }
        with pytest.raises(ValueError, match="Unknown webhook event"):
            webhooks.webhook_event_emit(event="meeting.deleted", payload={})

    def test_a_failure_is_recorded_and_left_for_a_retry(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        subscription = _subscribe(receiver.url)
        receiver.fail = 1
        (delivery,) = _emit(django_capture_on_commit_callbacks)
        # Eagerly, the task tries once and leaves the retry to a worker: it does not hold the
        # request that emitted the event.
        assert len(receiver.received) == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
        assert delivery.last_error == "HTTP 500 Internal Server Error: something broke"
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == 1

    def test_retries_wait_their_turn_then_give_up(self, receiver: Receiver, settings: Any) -> None:
        settings.WEBHOOK_MAX_ATTEMPTS = 3
        subscription = _subscribe(receiver.url)
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        receiver.status = 503
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        # A copy of the task that comes before the retry is due sends nothing.
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.SKIPPED
        assert len(receiver.received) == 1
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.FAILED
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.SKIPPED
        assert len(receiver.received) == 3
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.response_code) == ("failed", 3, 503)
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == 3
        assert subscription.paused_at is None

    def test_success_clears_the_failure_count(self, receiver: Receiver, settings: Any) -> None:
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        subscription = _subscribe(receiver.url)
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        receiver.fail = 2
        outcomes = [webhooks.webhook_deliver(delivery_id=delivery.pk) for _ in range(3)]
        assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.DELIVERED]
        subscription.refresh_from_db()
        assert subscription.consecutive_failures == 0
        # Every attempt carried the same body and id, each signed.
        assert len({(r.body, r.headers["webhook-id"]) for r in receiver.received}) == 1
        assert all(_verifies(subscription.secret, r) for r in receiver.received)

    def test_repeated_failures_pause_the_subscription(
        self, receiver: Receiver, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        settings.WEBHOOK_PAUSE_AFTER = 3
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        subscription = _subscribe(receiver.url)
        first, second = (
            webhooks.webhook_event_emit(event="meeting.added", payload={"n": n})[0] for n in (1, 2)
        )
        receiver.status = 500
        assert webhooks.webhook_deliver(delivery_id=first.pk) == Outcome.RETRY
        assert webhooks.webhook_deliver(delivery_id=second.pk) == Outcome.RETRY
        assert webhooks.webhook_deliver(delivery_id=first.pk) == Outcome.FAILED

        subscription.refresh_from_db()
        assert subscription.paused_at is not None
        assert subscription.active
        assert subscription.consecutive_failures == 3
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.state, first.attempts, first.response_code) == ("failed", 2, 500)
        # The deliveries still waiting stop, saying why.
        assert (second.state, second.attempts) == ("failed", 1)
        assert "paused after 3 failed attempts" in second.last_error
        assert webhooks.webhook_deliver(delivery_id=second.pk) == Outcome.SKIPPED
        assert len(receiver.received) == 3

        # Paused, it gets no new deliveries, until it is resumed.
        assert _emit(django_capture_on_commit_callbacks) == []
        webhooks.webhook_subscription_resume(subscription=subscription)
        assert subscription.paused_at is None
        assert subscription.consecutive_failures == 0
        receiver.status = 200
        (delivery,) = _emit(django_capture_on_commit_callbacks)
        delivery.refresh_from_db()
        assert delivery.state == "delivered"

    def test_running_a_delivery_twice_sends_it_once(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url)
        (delivery,) = _emit(django_capture_on_commit_callbacks)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.SKIPPED
        assert tasks.webhook_deliver.apply(kwargs={"delivery_id": delivery.pk}).get() == ("skipped")
        assert webhooks.webhook_deliver(delivery_id=0) == Outcome.SKIPPED
        assert len(receiver.received) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 1

    def test_an_attempt_claimed_by_another_worker_is_not_sent(
        self, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _subscribe(receiver.url)
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})

        class RacingClock:
            """Another worker claims the attempt between this one's read and its claim."""

            @staticmethod
            def now() -> datetime.datetime:
                WebhookDelivery.objects.filter(pk=delivery.pk).update(
                    attempts=F("attempts") + 1, last_attempt_at=timezone.now()
                )
                return timezone.now()

        monkeypatch.setattr(webhook_services, "timezone", RacingClock)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.SKIPPED
        assert receiver.received == []
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("pending", 1)

    def test_urls_other_than_http_and_https_are_refused(self, receiver: Receiver) -> None:
        with pytest.raises(ValidationError):
            _subscribe("ftp://files.example.org/hook")
        with pytest.raises(ValidationError):
            _subscribe("file:///etc/passwd")
        # One written around the validation is not called either, and not retried.
        subscription = WebhookSubscription.objects.create(
            url="gopher://127.0.0.1/x", events=EVENTS, secret=SECRET, owner=UserFactory.create()
        )
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.FAILED
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("failed", 1)
        assert "only http and https" in delivery.last_error
        assert delivery.subscription_id == subscription.pk

    def test_private_addresses_are_refused_in_production(
        self, receiver: Receiver, settings: Any
    ) -> None:
        _subscribe(receiver.url)  # registered while they were allowed
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.FAILED
        delivery.refresh_from_db()
        assert "private, loopback or reserved address (127.0.0.1)" in delivery.last_error
        assert receiver.received == []

    def test_redirects_are_not_followed(self, receiver: Receiver, settings: Any) -> None:
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        _subscribe(receiver.url)
        receiver.status, receiver.location = 307, "http://example.org/elsewhere"
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        delivery.refresh_from_db()
        assert delivery.response_code == 307
        assert "redirects are not followed" in delivery.last_error
        assert len(receiver.received) == 1

    def test_a_receiver_that_trickles_its_answer_is_cut_short(self, settings: Any) -> None:
        settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
        with socket.create_server(("127.0.0.1", 0)) as listener:

            def trickle() -> None:
                conn, _address = listener.accept()
                with conn:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    for _ in range(100):  # one header line every 0.1 s, for 10 s at most
                        try:
                            conn.sendall(b"X-Slow: y\r\n")
                        except OSError:
                            return
                        time.sleep(0.1)

            thread = threading.Thread(target=trickle, daemon=True)
            thread.start()
            port = listener.getsockname()[1]
            _subscribe(f"http://127.0.0.1:{port}/")
            (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
            started = time.monotonic()
            assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
            assert time.monotonic() - started < 3
            thread.join(timeout=15)
        delivery.refresh_from_db()
        assert delivery.last_error == "Timed out after 0.5 s."
        assert delivery.response_code is None

    def test_an_unreachable_receiver_is_a_failure(self, settings: Any) -> None:
        with socket.create_server(("127.0.0.1", 0)) as closed:
            port = closed.getsockname()[1]
        _subscribe(f"http://127.0.0.1:{port}/")
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        delivery.refresh_from_db()
        assert "ConnectionRefusedError" in delivery.last_error

    def test_lost_retries_are_sent_again(self, receiver: Receiver) -> None:
        _subscribe(receiver.url)
        overdue, fresh, retrying = (
            webhooks.webhook_event_emit(event="meeting.added", payload={"n": n})[0]
            for n in range(3)
        )
        long_ago = timezone.now() - datetime.timedelta(hours=2)
        WebhookDelivery.objects.filter(pk__in=[overdue.pk, retrying.pk]).update(created_at=long_ago)
        # Its first retry (30 s) is not overdue by the 15 minutes' grace yet.
        WebhookDelivery.objects.filter(pk=retrying.pk).update(
            attempts=1, last_attempt_at=timezone.now()
        )
        OutboxMessage.objects.all().delete()
        assert webhooks.webhook_deliveries_resend() == 1
        assert OutboxMessage.objects.get().kwargs == {"delivery_id": overdue.pk}
        assert fresh.state == "pending"

    def test_backoff_doubles_up_to_an_hour(self, settings: Any) -> None:
        settings.WEBHOOK_RETRY_BASE_SECONDS = 30
        waits = [webhooks.webhook_retry_countdown(n) for n in range(1, 9)]
        assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600]


# The API -----------------------------------------------------------------------------------


def _token_client(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


@pytest.mark.usefixtures("record")
class TestAPI:
    @pytest.fixture(autouse=True)
    def _fresh_throttle(self) -> None:
        cache.clear()

    def test_create_shows_the_secret_once(self) -> None:
        client = _token_client(UserFactory.create(role="viewer"))
        response = client.post(
            "/api/v1/webhooks/",
            {"url": "https://hooks.example.org/emg", "events": ["update.published"]},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        created = response.json()
        assert len(created["secret"]) >= 40
        assert created["url"] == "https://hooks.example.org/emg"
        assert created["events"] == ["update.published"]
        assert (created["active"], created["paused"], created["consecutive_failures"]) == (
            True,
            False,
            0,
        )
        subscription = WebhookSubscription.objects.get(pk=created["id"])
        assert subscription.secret == created["secret"]
        assert created["owner"] == subscription.owner.username

        shown = client.get(f"/api/v1/webhooks/{created['id']}/").json()
        assert "secret" not in shown
        assert "secret" not in client.get("/api/v1/webhooks/").json()["results"][0]

    def test_a_chosen_secret_and_events_in_order_once_each(self) -> None:
        client = _token_client(UserFactory.create(role="viewer"))
        response = client.post(
            "/api/v1/webhooks/",
            {
                "url": "http://127.0.0.1:8080/hook",
                "events": ["meeting.added", "update.published", "meeting.added"],
                "secret": SECRET,
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["secret"] == SECRET
        assert response.json()["events"] == ["update.published", "meeting.added"]

    def test_each_login_sees_only_its_own_and_the_secretariat_sees_all(self) -> None:
        alice, bob = UserFactory.create(role="viewer"), UserFactory.create(role="focal_point")
        mine = _subscribe("https://alice.example.org/hook", owner=alice)
        theirs = _subscribe("https://bob.example.org/hook", owner=bob)
        client = _token_client(alice)
        listed = client.get("/api/v1/webhooks/").json()
        assert [s["id"] for s in listed["results"]] == [mine.pk]

        for method in ("get", "patch", "delete"):
            response = getattr(client, method)(
                f"/api/v1/webhooks/{theirs.pk}/", content_type="application/json"
            )
            assert response.status_code == 404, method
            assert response.json()["error"]["code"] == "not_found"
        assert client.post(f"/api/v1/webhooks/{theirs.pk}/resume/").status_code == 404
        assert client.get(f"/api/v1/webhooks/{theirs.pk}/deliveries/").status_code == 404
        assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()

        everyone = (
            _token_client(UserFactory.create(role="secretariat")).get("/api/v1/webhooks/").json()
        )
        assert {s["id"] for s in everyone["results"]} == {mine.pk, theirs.pk}

    def test_anonymous_clients_get_401(self, client: Client) -> None:
        subscription = _subscribe("https://hooks.example.org/emg")
        for response in [
            client.get("/api/v1/webhooks/"),
            client.get(f"/api/v1/webhooks/{subscription.pk}/"),
            client.post(
                "/api/v1/webhooks/",
                {"url": "https://x.example.org/", "events": ["meeting.added"]},
                content_type="application/json",
            ),
        ]:
            assert response.status_code == 401
            assert response.json()["error"]["code"] == "not_authenticated"

    def test_a_login_without_a_role_may_not_subscribe(self) -> None:
        client = _token_client(UserFactory.create())
        response = client.post(
            "/api/v1/webhooks/",
            {"url": "https://x.example.org/", "events": ["meeting.added"]},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
        assert client.get("/api/v1/webhooks/").status_code == 403
        assert not WebhookSubscription.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"url": "ftp://files.example.org/", "events": ["meeting.added"]}, "url"),
            ({"url": "javascript:alert(1)", "events": ["meeting.added"]}, "url"),
            ({"url": "https://user:pw@example.org/", "events": ["meeting.added"]}, "url"),
            ({"url": "https://example.org/" + "x" * 500, "events": ["meeting.added"]}, "url"),
            # An item of a list is named by its index, so the error keeps its one shape.
            ({"url": "https://example.org/", "events": ["meeting.deleted"]}, "events.0"),
            ({"url": "https://example.org/", "events": []}, "events"),
            ({"url": "https://example.org/", "events": "meeting.added"}, "events"),
            ({"url": "https://example.org/"}, "events"),
            (
                {"url": "https://example.org/", "events": ["meeting.added"], "secret": "short"},
                "secret",
            ),
        ],
    )
    def test_bad_input_gets_400_in_the_error_shape(self, body: dict[str, Any], field: str) -> None:
        response = _token_client(UserFactory.create(role="viewer")).post(
            "/api/v1/webhooks/", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert (error["status"], error["code"]) == (400, "invalid")
        assert list(error["fields"]) == [field]
        assert not WebhookSubscription.objects.exists()

    def test_change_deliveries_and_resume(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        owner = UserFactory.create(role="focal_point")
        subscription = _subscribe(receiver.url, owner=owner)
        client = _token_client(owner)
        receiver.fail = 1
        _emit(django_capture_on_commit_callbacks)
        WebhookSubscription.objects.filter(pk=subscription.pk).update(paused_at=timezone.now())

        deliveries = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()
        assert deliveries["count"] == 1
        (delivery,) = deliveries["results"]
        assert (delivery["event"], delivery["state"], delivery["attempts"]) == (
            "meeting.added",
            "pending",
            1,
        )
        assert delivery["response_code"] == 500

        shown = client.get(f"/api/v1/webhooks/{subscription.pk}/").json()
        assert (shown["paused"], shown["consecutive_failures"]) == (True, 1)
        resumed = client.post(f"/api/v1/webhooks/{subscription.pk}/resume/")
        assert resumed.status_code == 200
        assert (resumed.json()["paused"], resumed.json()["consecutive_failures"]) == (False, 0)

        changed = client.patch(
            f"/api/v1/webhooks/{subscription.pk}/",
            {"active": False, "events": ["status.changed"]},
            content_type="application/json",
        )
        assert changed.status_code == 200, changed.content
        subscription.refresh_from_db()
        assert (subscription.active, subscription.events) == (False, ["status.changed"])
        assert client.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 204
        assert not WebhookDelivery.objects.exists()

    def test_unknown_parameters_and_ordering_are_refused(self) -> None:
        client = _token_client(UserFactory.create(role="viewer"))
        assert client.get("/api/v1/webhooks/?owner=1").status_code == 400
        assert client.get("/api/v1/webhooks/?ordering=secret").status_code == 400
        assert client.get("/api/v1/webhooks/?ordering=-created_at").status_code == 200


# The events, from the writes that make them ------------------------------------------------


@pytest.mark.usefixtures("record")
class TestEvents:
    """Each event is emitted by the write that makes it, whichever door the write came in by."""

    def test_publishing_in_the_api_sends_update_published_and_status_changed(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        subscription = _subscribe(receiver.url)
        update = ProgressUpdateFactory.create(
            state=ProgressUpdate.State.SUBMITTED, status="extended"
        )
        client = _token_client(UserFactory.create(role="secretariat"))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/updates/{update.pk}/publish/")
        assert response.status_code == 200, response.content

        by_event = {r.json["event"]: r for r in receiver.received}
        assert set(by_event) == {"update.published", "status.changed"}
        assert all(_verifies(subscription.secret, r) for r in receiver.received)
        published = by_event["update.published"].json["data"]["update"]
        assert (published["id"], published["status"], published["meeting"]) == (
            update.pk,
            "extended",
            "som29-senior",
        )
        assert by_event["status.changed"].json["data"] == {
            "workstream": "img-biodiversity",
            "workstream_title": "Issue Management Group on Biodiversity",
            "meeting": "som29-senior",
            "previous_status": None,
            "status": "extended",
        }

    def test_a_save_that_keeps_the_status_sends_nothing(
        self, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url)
        update = ProgressUpdate.objects.published().get(
            workstream__slug="img-biodiversity", meeting__slug="som29-mid-term"
        )
        with django_capture_on_commit_callbacks(execute=True):
            update.next_steps = "Report again at the senior segment."
            services.progress_update_save(update=update, by=UserFactory.create(role="secretariat"))
        assert receiver.received == []
        assert not WebhookDelivery.objects.exists()

    def test_a_decision_added_in_the_admin_changes_the_status(
        self, client: Client, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url, ["status.changed"])
        client.force_login(UserFactory.create(role="secretariat"))
        workstream = Workstream.objects.get(slug="img-biodiversity")
        meeting = Meeting.objects.get(slug="som29-mid-term")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/workstreams/decision/add/",
                {
                    "meeting": meeting.pk,
                    "workstream": workstream.pk,
                    "kind": "conclude",
                    "text_en": "The Senior Officials concluded the IMG on Biodiversity.",
                    "source": first(meeting.documents.all()).pk,
                    "source_section": "2.1",
                    "source_quote": "The IMG concluded its work.",
                    "evidence": "stated",
                },
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        (received,) = receiver.received
        assert received.json["data"]["previous_status"] == "active"
        assert received.json["data"]["status"] == "concluded"
        assert TimelineEntry.objects.get(workstream=workstream, meeting=meeting).basis == "decision"

        decision = Decision.objects.get(workstream=workstream, meeting=meeting)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/workstreams/decision/{decision.pk}/delete/", {"post": "yes"}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert receiver.received[-1].json["data"]["status"] == "active"
        assert TimelineEntry.objects.get(workstream=workstream, meeting=meeting).basis == "update"

    def test_a_meeting_added_in_the_admin_is_announced(
        self, client: Client, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url, ["meeting.added"])
        client.force_login(User.objects.create_superuser("root", password="x" * 12))
        add_page = client.get("/admin/meetings/meeting/add/").content.decode()
        formsets = re.findall(r'name="([\w-]+)-TOTAL_FORMS"', add_page)
        data = {
            "slug": "som30-senior",
            "som_number": "30",
            "segment": "senior",
            "title_en": "Senior Segment of the 30th Senior Officials Meeting",
            "date": "2027-10-12",
            "date_precision": "day",
            "status": "planned",
            "status_evidence": "stated",
            **{f"{prefix}-TOTAL_FORMS": "0" for prefix in formsets},
            **{f"{prefix}-INITIAL_FORMS": "0" for prefix in formsets},
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/admin/meetings/meeting/add/", data)
        assert response.status_code == 302, response.content.decode()[:3000]
        (received,) = receiver.received
        assert received.json["event"] == "meeting.added"
        assert received.json["data"]["meeting"]["slug"] == "som30-senior"
        assert received.json["data"]["meeting"]["date"] == "2027-10-12"

        # Saving it again is a change, not an addition.
        meeting = Meeting.objects.get(slug="som30-senior")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/admin/meetings/meeting/{meeting.pk}/change/", {**data, "venue": "Nairobi"}
            )
        assert len(receiver.received) == 1


# The admin ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("record")
class TestAdmin:
    @pytest.fixture
    def root(self, client: Client) -> User:
        user = User.objects.create_superuser("root", password="x" * 12)
        client.force_login(user)
        return user

    def test_add_shows_the_generated_secret_once(self, client: Client, root: User) -> None:
        response = client.post(
            "/admin/workstreams/webhooksubscription/add/",
            {
                "url": "https://hooks.example.org/emg",
                "events": ["update.published", "meeting.added"],
                "active": "on",
                "secret": "",
                "deliveries-TOTAL_FORMS": "0",
                "deliveries-INITIAL_FORMS": "0",
            },
            follow=True,
        )
        assert response.status_code == 200
        subscription = WebhookSubscription.objects.get()
        assert subscription.owner == root
        assert subscription.events == ["update.published", "meeting.added"]
        assert len(subscription.secret) >= 40
        assert subscription.secret in response.content.decode()
        page = client.get(f"/admin/workstreams/webhooksubscription/{subscription.pk}/change/")
        assert subscription.secret not in page.content.decode()

    def test_a_viewer_sees_only_its_own_subscriptions_and_their_deliveries(
        self, client: Client
    ) -> None:
        viewer = UserFactory.create(role="viewer")
        mine = _subscribe("https://mine.example.org/hook", owner=viewer)
        theirs = _subscribe("https://theirs.example.org/hook")
        for subscription in (mine, theirs):
            WebhookDelivery.objects.create(
                subscription=subscription, event="meeting.added", payload={}
            )
        client.force_login(viewer)
        listed = client.get("/admin/workstreams/webhooksubscription/").content.decode()
        assert "mine.example.org" in listed
        assert "theirs.example.org" not in listed
        deliveries = client.get("/admin/workstreams/webhookdelivery/").content.decode()
        assert "mine.example.org" in deliveries
        assert "theirs.example.org" not in deliveries
        page = f"/admin/workstreams/webhooksubscription/{theirs.pk}/change/"
        assert client.get(page).status_code == 302  # not found: back to the admin index

    def test_a_bad_url_is_refused(self, client: Client, root: User) -> None:
        response = client.post(
            "/admin/workstreams/webhooksubscription/add/",
            {
                "url": "ftp://files.example.org/",
                "events": ["meeting.added"],
                "deliveries-TOTAL_FORMS": "0",
                "deliveries-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert "http:// or https://" in response.content.decode()
        assert not WebhookSubscription.objects.exists()

    def test_lists_deliveries_and_resumes(
        self,
        client: Client,
        root: User,
        receiver: Receiver,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        subscription = _subscribe(receiver.url, secret=SECRET)
        receiver.fail = 1
        (delivery,) = _emit(django_capture_on_commit_callbacks)
        WebhookSubscription.objects.filter(pk=subscription.pk).update(paused_at=timezone.now())

        listing = client.get("/admin/workstreams/webhooksubscription/?paused=yes")
        assert receiver.url.replace("&", "&amp;") in listing.content.decode()
        page = client.get(f"/admin/workstreams/webhooksubscription/{subscription.pk}/change/")
        assert "HTTP 500 Internal Server Error" in page.content.decode()
        assert client.get("/admin/workstreams/webhookdelivery/?state=pending").status_code == 200
        read_only = client.get(f"/admin/workstreams/webhookdelivery/{delivery.pk}/change/")
        assert read_only.status_code == 200
        assert 'name="_save"' not in read_only.content.decode()
        assert f"msg_{delivery.message_id.hex}" in read_only.content.decode()

        # Saving the form with an empty secret keeps the secret.
        client.post(
            f"/admin/workstreams/webhooksubscription/{subscription.pk}/change/",
            {
                "url": receiver.url,
                "events": ["meeting.added"],
                "active": "on",
                "secret": "",
                "deliveries-TOTAL_FORMS": "1",
                "deliveries-INITIAL_FORMS": "1",
            },
        )
        subscription.refresh_from_db()
        assert subscription.secret == SECRET
        assert subscription.events == ["meeting.added"]

        response = client.post(
            "/admin/workstreams/webhooksubscription/",
            {"action": "resume", ACTION_CHECKBOX_NAME: [subscription.pk]},
            follow=True,
        )
        assert "1 subscription resumed." in response.content.decode()
        subscription.refresh_from_db()
        assert (subscription.paused_at, subscription.consecutive_failures) == (None, 0)


# A real worker on Redis (PostgreSQL) ------------------------------------------------------


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read by the worker's settings when it starts: the first retry after 0.2 s, then 0.4 s;
    and the receiver on 127.0.0.1 may be called."""
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0.2")
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true")


@pytest.fixture
def webhook_worker(fast_retries: None, celery_worker: Path) -> Path:
    """``celery_worker``, started after ``fast_retries`` has set its environment."""
    return celery_worker


def _worker_log(log: Path) -> str:
    return log.read_text()[-3000:]


def test_a_real_worker_delivers_a_committed_event(receiver: Receiver, webhook_worker: Path) -> None:
    subscription = _subscribe(receiver.url, ["status.changed"], secret=_secret("the worker test"))
    with transaction.atomic():
        (delivery,) = webhooks.webhook_status_changed(
            workstream=Workstream.objects.get(slug="img-biodiversity"),
            meeting=Meeting.objects.get(slug="som29-senior"),
            previous="active",
            status="extended",
        )
        # Nothing goes before the transaction commits.
        assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 0
    wait_for(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).state != "pending",
        timeout=30,
        what="the worker to deliver the webhook",
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.response_code, delivery.attempts) == (
        "delivered",
        200,
        1,
    ), _worker_log(webhook_worker)
    (received,) = receiver.received
    assert _verifies(subscription.secret, received)
    assert received.json["data"]["status"] == "extended"
    assert OutboxMessage.objects.get().dispatched_at is not None


def test_a_real_worker_retries_with_backoff(receiver: Receiver, webhook_worker: Path) -> None:
    subscription = _subscribe(receiver.url)
    receiver.fail = 2
    with transaction.atomic():
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={"n": 1})
    wait_for(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).state != "pending",
        timeout=30,
        what="the worker to retry the webhook until it is delivered",
    )
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_code) == (
        "delivered",
        3,
        200,
    ), _worker_log(webhook_worker)
    assert len(receiver.received) == 3
    assert all(_verifies(subscription.secret, r) for r in receiver.received)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0
    assert "webhook_deliver" in webhook_worker.read_text()


# Whole payloads and flat query counts ------------------------------------------------------


@pytest.mark.usefixtures("record")
class TestAPIPayloads:
    @pytest.fixture(autouse=True)
    def _fresh_throttle(self) -> None:
        cache.clear()

    def test_a_subscription_and_a_delivery_whole(self) -> None:
        owner = UserFactory.create(role="viewer", username="portal")
        subscription = _subscribe("https://portal.example.org/hooks/emg", owner=owner)
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event="meeting.added",
            payload={"meeting": {"slug": "som30-senior"}},
            attempts=1,
            response_code=200,
            state="delivered",
        )
        client = _token_client(owner)
        shown = client.get(f"/api/v1/webhooks/{subscription.pk}/").json()
        assert shown == {
            "id": subscription.pk,
            "url": "https://portal.example.org/hooks/emg",
            "events": ["update.published", "status.changed", "meeting.added"],
            "active": True,
            "workstreams": [],
            "paused": False,
            "paused_at": None,
            "consecutive_failures": 0,
            "owner": "portal",
            "created_at": _iso(subscription.created_at),
        }
        (listed,) = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
        assert listed == {
            "id": delivery.pk,
            "webhook_id": f"msg_{delivery.message_id.hex}",
            "event": "meeting.added",
            "state": "delivered",
            "attempts": 1,
            "response_code": 200,
            "last_error": "",
            "created_at": _iso(delivery.created_at),
            "last_attempt_at": None,
            "delivered_at": None,
            "payload": {"meeting": {"slug": "som30-senior"}},
        }

    # token and user, the user's groups (for the rules), (the subscription,) count, page, the
    # subscriptions' workstreams
    @pytest.mark.parametrize(("path", "queries"), [("", 5), ("{pk}/deliveries/", 6)])
    def test_query_count_is_flat(self, path: str, queries: int) -> None:
        owner = UserFactory.create(role="secretariat")
        client = _token_client(owner)

        def grow(n: int) -> WebhookSubscription:
            for _ in range(n):
                subscription = _subscribe("https://portal.example.org/hooks/emg", owner=owner)
                WebhookDelivery.objects.create(
                    subscription=subscription, event="meeting.added", payload={}
                )
            return subscription

        url = "/api/v1/webhooks/" + path.format(pk=grow(1).pk)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        grow(30)
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(few) == len(many) == queries, [q["sql"] for q in many.captured_queries]


def _iso(moment: datetime.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# Addresses: what a subscription may make the server call ----------------------------------

# Each is not a public address, however it is written; most are 127.0.0.1 or 10.0.0.1 inside
# an IPv6 address.
NOT_PUBLIC = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # the cloud metadata service
    "0.0.0.0",
    "100.64.0.1",  # shared address space
    "192.0.2.1",  # documentation
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456:789a::1",
    "fec0::1",  # site-local
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.1",
    "::93.184.216.34",  # deprecated: refused whatever it carries
    "::ffff:0:127.0.0.1",  # IPv4-translated
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:c0a8:101:1::1",  # 6to4 of 192.168.1.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::10.0.0.1",
    "64:ff9b::169.254.169.254",
    "64:ff9b:1::7f00:1",  # NAT64, local use
    "64:ff9b:1::5db8:d822",  # local use: refused whatever it carries
    "2001:0:5db8:d822::80ff:fffe",  # Teredo: public server, client 127.0.0.1 (obfuscated)
    "2001:0:7f00:1::a247:27dd",  # Teredo: server 127.0.0.1, public client
    "2001:0:5db8:d822::a247:27dd",  # Teredo, all public: refused whatever it carries
    "2606:2800:220:1:0:5efe:7f00:1",  # ISATAP interface id carrying 127.0.0.1
    "2606:2800:220:1:200:5efe:a00:1",  # the same, universal bit set, 10.0.0.1
]
PUBLIC = [
    "93.184.216.34",
    "2606:2800:220:1::1",
    "::ffff:93.184.216.34",  # the public IPv4 address itself
    "64:ff9b::5db8:d822",  # NAT64 of a public address: what DNS64 answers
    "2606:2800:220:1:0:5efe:5db8:d822",  # ISATAP carrying a public address
]
# URL hosts that spell a private address in ways the URL pattern does not admit.
NUMERIC_SPELLINGS = [
    "2130706433",  # 127.0.0.1 in decimal
    "0x7f.1",
    "0x7f000001",
    "017700000001",  # octal
    "0177.0.0.1",
    "127.1",
]


class TestAddresses:
    @pytest.mark.parametrize("address", NOT_PUBLIC)
    def test_not_public_addresses_are_refused(self, address: str) -> None:
        assert not addresses.webhook_address_public(address)

    @pytest.mark.parametrize("address", PUBLIC)
    def test_public_addresses_pass(self, address: str) -> None:
        assert addresses.webhook_address_public(address)

    @pytest.mark.parametrize("host", NUMERIC_SPELLINGS)
    def test_numeric_spellings_are_read_as_the_address_a_resolver_reads(self, host: str) -> None:
        assert str(addresses.webhook_host_literal(host)) == "127.0.0.1"
        assert str(addresses.webhook_host_literal("[::127.0.0.1]")) == "::7f00:1"
        assert addresses.webhook_host_literal("hooks.example.org") is None


def _private_not_allowed(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


PRIVATE_URLS = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.1.2.3/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:8080/",
    *(f"http://{host}/" for host in NUMERIC_SPELLINGS),
    "http://[::1]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[2002:7f00:1::1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2001:0:5db8:d822::80ff:fffe]/",
]


@pytest.mark.usefixtures("record")
class TestSubscribingToAPrivateAddress:
    @pytest.fixture(autouse=True)
    def _production(self, settings: Any) -> None:
        _private_not_allowed(settings)
        cache.clear()

    @pytest.mark.parametrize("url", PRIVATE_URLS)
    def test_the_api_refuses_it_naming_the_url(self, url: str) -> None:
        response = _token_client(UserFactory.create(role="viewer")).post(
            "/api/v1/webhooks/", {"url": url, "events": EVENTS}, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["fields"]) == ["url"]
        assert not WebhookSubscription.objects.exists()

    @pytest.mark.parametrize("url", ["https://93.184.216.34/hook", "https://hooks.example.org/"])
    def test_a_public_address_or_a_host_name_is_accepted(self, url: str) -> None:
        response = _token_client(UserFactory.create(role="viewer")).post(
            "/api/v1/webhooks/", {"url": url, "events": EVENTS}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert WebhookSubscription.objects.get().url == url

    def test_a_change_to_a_private_address_is_refused(self) -> None:
        owner = UserFactory.create(role="viewer")
        subscription = _subscribe("https://hooks.example.org/", owner=owner)
        response = _token_client(owner).patch(
            f"/api/v1/webhooks/{subscription.pk}/",
            {"url": "http://2130706433/"},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["fields"]) == ["url"]
        subscription.refresh_from_db()
        assert subscription.url == "https://hooks.example.org/"

    @pytest.mark.parametrize("url", ["http://[::127.0.0.1]/", "http://0x7f.1/"])
    def test_the_service_refuses_it(self, url: str) -> None:
        with pytest.raises(ValidationError, match="private, loopback or reserved"):
            _subscribe(url)
        assert not WebhookSubscription.objects.exists()

    @pytest.mark.parametrize("url", ["http://2130706433/", "http://017700000001/", "http://[::1]/"])
    def test_odd_spellings_are_refused_even_where_private_addresses_are_allowed(
        self, url: str, settings: Any
    ) -> None:
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
        with pytest.raises(ValidationError, match="four decimal numbers"):
            _subscribe(url)

    @pytest.mark.parametrize(
        ("url", "saved"), [("http://0x7f.1/hook", False), ("https://93.184.216.34/hook", True)]
    )
    def test_the_admin_refuses_it(self, client: Client, url: str, saved: bool) -> None:
        client.force_login(UserFactory.create(role="secretariat"))
        response = client.post(
            "/admin/workstreams/webhooksubscription/add/",
            {
                "url": url,
                "events": ["meeting.added"],
                "active": "on",
                "secret": "",
                "deliveries-TOTAL_FORMS": "0",
                "deliveries-INITIAL_FORMS": "0",
            },
        )
        assert WebhookSubscription.objects.exists() is saved
        if not saved:
            assert response.status_code == 200
            assert "private, loopback or reserved address" in response.content.decode()


class FakeDNS:
    """``socket.getaddrinfo`` for ``hook.example.test``: answers ``answers`` in turn (the last
    one again), counting the lookups; any other name is looked up for real."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups = 0
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host != "hook.example.test":
                return real(host, port, *args, **kwargs)
            self.lookups += 1
            addresses = self.answers[min(self.lookups, len(self.answers)) - 1]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class Connections:
    """``socket.create_connection``, recording where each connection was asked to go, and
    going to ``to`` (the receiver on 127.0.0.1) instead, or nowhere if ``to`` is None."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, to: int | None) -> None:
        self.asked: list[tuple[str, int]] = []
        real = socket.create_connection

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
            self.asked.append((address[0], address[1]))
            if to is None:
                raise ConnectionRefusedError("this test connects nowhere")
            return real(("127.0.0.1", to), *args, **kwargs)

        monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.mark.usefixtures("record")
class TestDeliveringToAPrivateAddress:
    """Delivering, with private addresses not allowed. The subscriptions are written around
    the subscription's validation, as one registered before it (or while they were allowed)."""

    @staticmethod
    def _stored(url: str) -> WebhookDelivery:
        WebhookSubscription.objects.create(
            url=url, events=EVENTS, secret=SECRET, owner=UserFactory.create()
        )
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        return delivery

    @staticmethod
    def _refused(delivery: WebhookDelivery) -> None:
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.FAILED
        delivery.refresh_from_db()
        # Failed for good at once: no retry can help.
        assert (delivery.state, delivery.attempts) == ("failed", 1)
        assert "private, loopback or reserved address" in delivery.last_error

    @pytest.mark.parametrize(
        "host", [*NUMERIC_SPELLINGS, "localhost", "[::ffff:127.0.0.1]", "[::127.0.0.1]"]
    )
    def test_a_literal_host_is_resolved_and_refused(
        self, receiver: Receiver, settings: Any, host: str
    ) -> None:
        port = receiver.server.server_address[1]
        delivery = self._stored(f"http://{host}:{port}/hooks/emg")
        _private_not_allowed(settings)
        self._refused(delivery)
        assert receiver.received == []

    @pytest.mark.parametrize("address", [a for a in NOT_PUBLIC if ":" in a and "%" not in a])
    def test_a_name_resolving_to_an_ipv6_form_is_refused_before_connecting(
        self, monkeypatch: pytest.MonkeyPatch, settings: Any, address: str
    ) -> None:
        delivery = self._stored("http://hook.example.test:8080/hooks/emg")
        _private_not_allowed(settings)
        FakeDNS(monkeypatch, [address])
        connections = Connections(monkeypatch, to=None)
        self._refused(delivery)
        assert address in delivery.last_error
        assert connections.asked == []

    def test_every_resolved_address_must_be_public(
        self, monkeypatch: pytest.MonkeyPatch, settings: Any
    ) -> None:
        delivery = self._stored("http://hook.example.test:8080/hooks/emg")
        _private_not_allowed(settings)
        FakeDNS(monkeypatch, ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::a00:1"])
        connections = Connections(monkeypatch, to=None)
        self._refused(delivery)
        assert "(64:ff9b::a00:1)" in delivery.last_error
        assert connections.asked == []

    @pytest.mark.parametrize("public", ["93.184.216.34", "2606:2800:220:1::1"])
    def test_the_connection_goes_to_the_address_checked(
        self, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, settings: Any, public: str
    ) -> None:
        """The twin: a public address passes, and is the one connected to, although a second
        lookup would now answer 127.0.0.1 (DNS rebinding). Nothing leaves this machine: the
        connection to the public address is diverted to the receiver on 127.0.0.1."""
        port = receiver.server.server_address[1]
        delivery = self._stored(f"http://hook.example.test:{port}/hooks/emg")
        _private_not_allowed(settings)
        dns = FakeDNS(monkeypatch, [public], ["127.0.0.1"])
        connections = Connections(monkeypatch, to=port)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.DELIVERED
        assert dns.lookups == 1
        assert connections.asked == [(public, port)]
        (received,) = receiver.received
        assert received.headers["Host"] == f"hook.example.test:{port}"
        assert _verifies(SECRET, received)


# Signatures: a captured delivery cannot be replayed -----------------------------------------


@pytest.fixture
def captured(receiver: Receiver) -> Received:
    """One delivery, as an eavesdropper (or a log) would have kept it."""
    _subscribe(receiver.url, secret=SECRET)
    (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={"n": 1})
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.DELIVERED
    (received,) = receiver.received
    return received


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The receiver's clock, ``seconds`` on: the documented example's and the library's."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> "Later":
            return cls.fromtimestamp(now + seconds, tz)

    monkeypatch.setattr(standardwebhooks.webhooks, "datetime", Later)


@pytest.mark.usefixtures("record")
class TestSignatures:
    def test_the_receiver_computes_the_signature_from_the_headers_and_the_raw_body(
        self, captured: Received
    ) -> None:
        headers = {name.lower(): value for name, value in captured.headers.items()}
        key = base64.b64decode(SECRET.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + captured.body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert headers["webhook-signature"] == f"v1,{expected}"
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        assert re.fullmatch(r"msg_[0-9a-f]{32}", headers["webhook-id"])
        assert _verifies(SECRET, captured)

    def test_the_documented_delivery_verifies_with_the_documented_secret(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        doc = (Path(__file__).parents[2] / "docs" / "webhooks.md").read_text()
        example = re.search(r"```http\n(.*?)\n\n(.*?)\n```", doc, re.S)
        assert example is not None
        lines = example.group(1).splitlines()[1:]
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}
        body = example.group(2).encode()
        secret = re.search(r"secret `(whsec_[^`]+)`", doc)
        assert secret is not None
        monkeypatch.setattr(time, "time", lambda: int(headers["webhook-timestamp"]) + 10)
        assert DOC["verify"](secret.group(1), headers, body, set())["id"] == 812

    def test_a_replay_with_the_old_timestamp_is_refused(
        self, captured: Received, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _later(monkeypatch, 4 * 60)
        assert _verifies(SECRET, captured)  # within five minutes
        _later(monkeypatch, 6 * 60)
        assert not _verifies(SECRET, captured)
        with pytest.raises(WebhookVerificationError):
            Webhook(SECRET).verify(captured.body, captured.headers)

    def test_a_replay_with_a_fresh_timestamp_is_refused(self, captured: Received) -> None:
        headers = {**captured.headers, "webhook-timestamp": str(int(time.time()) + 30)}
        assert not _verifies(SECRET, Received(captured.path, headers, captured.body))

    def test_a_replay_within_five_minutes_is_recognised_by_its_id(self, captured: Received) -> None:
        seen: set[str] = set()
        headers = {name.lower(): value for name, value in captured.headers.items()}
        assert DOC["verify"](SECRET, headers, captured.body, seen) == captured.json
        assert DOC["verify"](SECRET, headers, captured.body, seen) is None

    def test_an_altered_body_is_refused(self, captured: Received) -> None:
        altered = captured.body.replace(b'"n":1', b'"n":2')
        assert altered != captured.body
        assert not _verifies(SECRET, Received(captured.path, captured.headers, altered))
        assert not _verifies(_secret("not the secret"), captured)

    def test_retries_keep_the_id_and_are_signed_afresh(
        self, receiver: Receiver, settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings.WEBHOOK_RETRY_BASE_SECONDS = 0
        _subscribe(receiver.url, secret=SECRET)
        (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
        receiver.fail = 1
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        _later(monkeypatch, 90)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.DELIVERED
        first, second = receiver.received
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert (
            int(second.headers["webhook-timestamp"]) >= int(first.headers["webhook-timestamp"]) + 90
        )
        assert first.body == second.body
        assert _verifies(SECRET, second)

    def test_generated_secrets_are_in_the_standard_form(self) -> None:
        secrets = {webhooks.webhook_secret_generate() for _ in range(3)}
        assert len(secrets) == 3
        for secret in secrets:
            assert re.fullmatch(webhooks.SECRET_PATTERN, secret)
            assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32

    def test_the_api_generates_one_and_refuses_a_chosen_one_in_the_old_form(self) -> None:
        cache.clear()
        client = _token_client(UserFactory.create(role="viewer"))
        body = {"url": "https://hooks.example.org/", "events": ["meeting.added"]}
        created = client.post("/api/v1/webhooks/", body, content_type="application/json")
        assert created.status_code == 201
        secret = created.json()["secret"]
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
        assert WebhookSubscription.objects.get().secret == secret

        for old in ["my-own-secret-0123456789", "whsec_" + "A" * 20, "whsec_" + "A" * 91 + "="]:
            refused = client.post(
                "/api/v1/webhooks/", {**body, "secret": old}, content_type="application/json"
            )
            assert refused.status_code == 400, old
            assert list(refused.json()["error"]["fields"]) == ["secret"]
        assert WebhookSubscription.objects.count() == 1

    def test_the_admin_refuses_a_secret_in_the_old_form(self, client: Client) -> None:
        client.force_login(UserFactory.create(role="secretariat"))
        form = {
            "url": "https://hooks.example.org/emg",
            "events": ["meeting.added"],
            "active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        }
        path = "/admin/workstreams/webhooksubscription/add/"
        response = client.post(path, {**form, "secret": "kept-secret-0123456789"})
        assert "whsec_ followed by the base64" in response.content.decode()
        assert not WebhookSubscription.objects.exists()
        client.post(path, {**form, "secret": SECRET})
        assert WebhookSubscription.objects.get().secret == SECRET


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_secrets_set_before_still_verify(receiver: Receiver) -> None:
    """Migration 0009 keeps each stored secret's key: what the consumer holds still verifies,
    as it is (the documented verification) and in the standard form (a library); each delivery
    written before gets its own id."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    legacy = "my-own-secret-0123456789"
    try:
        old_apps = _migrate([("workstreams", "0008_loaded_row_fingerprints")])
        owner = old_apps.get_model("auth", "User").objects.create(username="consumer")
        subscription_model = old_apps.get_model("workstreams", "WebhookSubscription")
        old = subscription_model.objects.create(
            url=receiver.url, events=EVENTS, secret=legacy, owner=owner
        )
        delivery_model = old_apps.get_model("workstreams", "WebhookDelivery")
        for n in range(2):
            delivery_model.objects.create(subscription=old, event="meeting.added", payload={"n": n})
        _migrate(leaves)
    finally:
        _migrate(leaves)

    subscription = WebhookSubscription.objects.get()
    assert subscription.secret == "whsec_" + base64.b64encode(legacy.encode()).decode()
    first, second = WebhookDelivery.objects.order_by("pk")
    assert first.message_id != second.message_id
    assert webhooks.webhook_deliver(delivery_id=first.pk) == Outcome.DELIVERED
    (received,) = receiver.received
    assert received.headers["webhook-id"] == f"msg_{first.message_id.hex}"
    assert _verifies(legacy, received)
    assert Webhook(subscription.secret).verify(received.body, received.headers) == received.json
