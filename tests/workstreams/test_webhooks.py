"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retried with backoff, recorded, and
a subscription paused after repeated failures; managed in the API and the admin.

The receiver is a real HTTP server in a thread of the test process. Most tests run the
delivery in-process (eagerly, as on the embedded default); those that take ``webhook_worker``
start a real Celery worker on Redis and run on PostgreSQL only, like test_jobs' worker test.
"""

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
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Meeting
from tests.conftest import wait_for
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams import services, tasks, webhooks
from workstreams.models import (
    Decision,
    OutboxMessage,
    ProgressUpdate,
    TimelineEntry,
    WebhookDelivery,
    WebhookSubscription,
    Workstream,
)
from workstreams.webhooks import Outcome

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


def _verifies(secret: str, received: Received) -> bool:
    """What a receiver does: sign the exact body it got and compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["X-EMG-Signature"])


def _subscribe(url: str, events: list[str] | None = None, **kwargs: Any) -> WebhookSubscription:
    owner = kwargs.pop("owner", None) or UserFactory()
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
        _subscribe(receiver.url, secret="a-secret-of-the-consumer")
        meeting = Meeting.objects.get(slug="som29-senior")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            (delivery,) = webhooks.webhook_meeting_added(meeting=meeting)
        assert len(callbacks) == 1
        assert OutboxMessage.objects.get().kwargs == {"delivery_id": delivery.pk}

        (received,) = receiver.received
        assert received.path == "/hooks/emg?from=tracker"
        assert _verifies("a-secret-of-the-consumer", received)
        assert not _verifies("another-secret-entirely", received)
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
        update = ProgressUpdateFactory(
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
        # Every attempt carried the same body, id and signature.
        assert len({(r.body, r.headers["X-EMG-Signature"]) for r in receiver.received}) == 1

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
        assert (subscription.paused_at, subscription.consecutive_failures) == (None, 0)
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

        monkeypatch.setattr(webhooks, "timezone", RacingClock)
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
            url="gopher://127.0.0.1/x", events=EVENTS, secret="s" * 20, owner=UserFactory()
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
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        _subscribe(receiver.url)
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
        client = _token_client(UserFactory(role="viewer"))
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
        client = _token_client(UserFactory(role="viewer"))
        response = client.post(
            "/api/v1/webhooks/",
            {
                "url": "http://127.0.0.1:8080/hook",
                "events": ["meeting.added", "update.published", "meeting.added"],
                "secret": "my-own-secret-0123456789",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["secret"] == "my-own-secret-0123456789"
        assert response.json()["events"] == ["update.published", "meeting.added"]

    def test_each_login_sees_only_its_own_and_the_secretariat_sees_all(self) -> None:
        alice, bob = UserFactory(role="viewer"), UserFactory(role="focal_point")
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

        everyone = _token_client(UserFactory(role="secretariat")).get("/api/v1/webhooks/").json()
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
        client = _token_client(UserFactory())
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
        response = _token_client(UserFactory(role="viewer")).post(
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
        owner = UserFactory(role="focal_point")
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
        client = _token_client(UserFactory(role="viewer"))
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
        update = ProgressUpdateFactory(state=ProgressUpdate.State.SUBMITTED, status="extended")
        client = _token_client(UserFactory(role="secretariat"))
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
            services.progress_update_save(update=update, by=UserFactory(role="secretariat"))
        assert receiver.received == []
        assert not WebhookDelivery.objects.exists()

    def test_a_decision_added_in_the_admin_changes_the_status(
        self, client: Client, receiver: Receiver, django_capture_on_commit_callbacks: Any
    ) -> None:
        _subscribe(receiver.url, ["status.changed"])
        client.force_login(UserFactory(role="secretariat"))
        workstream = Workstream.objects.get(slug="img-biodiversity")
        meeting = Meeting.objects.get(slug="som29-mid-term")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/workstreams/decision/add/",
                {
                    "meeting": meeting.pk,
                    "workstream": workstream.pk,
                    "kind": "conclude",
                    "text": "The Senior Officials concluded the IMG on Biodiversity.",
                    "source": meeting.documents.first().pk,
                    "source_section": "2.1",
                    "source_quote": "The IMG concluded its work.",
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
            "title": "Senior Segment of the 30th Senior Officials Meeting",
            "date": "2027-10-12",
            "date_precision": "day",
            "status": "planned",
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
        viewer = UserFactory(role="viewer")
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
        subscription = _subscribe(receiver.url, secret="kept-secret-0123456789")
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
        assert subscription.secret == "kept-secret-0123456789"
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
    subscription = _subscribe(receiver.url, ["status.changed"], secret="the-worker-test-secret")
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
        owner = UserFactory(role="viewer", username="portal")
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
            "paused": False,
            "paused_at": None,
            "consecutive_failures": 0,
            "owner": "portal",
            "created_at": _iso(subscription.created_at),
        }
        (listed,) = client.get(f"/api/v1/webhooks/{subscription.pk}/deliveries/").json()["results"]
        assert listed == {
            "id": delivery.pk,
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

    # token and user, the user's groups (for the rules), (the subscription,) count, page
    @pytest.mark.parametrize(("path", "queries"), [("", 4), ("{pk}/deliveries/", 5)])
    def test_query_count_is_flat(self, path: str, queries: int) -> None:
        owner = UserFactory(role="secretariat")
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
