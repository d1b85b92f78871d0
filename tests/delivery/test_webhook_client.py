"""The HTTP client of a delivery (delivery/webhooks/client.py): httpx, pinned to the checked
address, with the URL's host kept for TLS; no proxy from the environment; a response read only
in part. And the one validator of a URL and a secret, shared by the model, the API and the admin.
"""

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from delivery import interface as webhooks
from delivery.interface import Outcome
from delivery.webhooks import client
from tests.delivery.test_webhooks import (
    EVENTS,
    SECRET,
    Connections,
    FakeDNS,
    Receiver,
    _secret,
    _subscribe,
    _token_client,
    _verifies,
)
from tests.factories import UserFactory
from workstreams.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.usefixtures("record")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def _stored(url: str) -> WebhookDelivery:
    """A delivery to ``url``, whose subscription was written around its validation."""
    WebhookSubscription.objects.create(
        url=url, events=EVENTS, secret=SECRET, owner=UserFactory.create()
    )
    (delivery,) = webhooks.webhook_event_emit(event="meeting.added", payload={})
    return delivery


class TestTLS:
    def test_tls_names_the_host_while_connecting_to_the_checked_address(
        self, monkeypatch: pytest.MonkeyPatch, settings: Any
    ) -> None:
        """The certificate is checked against the URL's host (SNI and hostname check), not
        against the address connected to, and not against what a second lookup answers."""
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        delivery = _stored("https://hook.example.test/hooks/emg")
        FakeDNS(monkeypatch, ["93.184.216.34"], ["127.0.0.1"])
        with socket.create_server(("127.0.0.1", 0)) as silent:
            connections = Connections(monkeypatch, to=silent.getsockname()[1])
            handshakes: list[tuple[str | None, bool]] = []

            def wrap_socket(context: ssl.SSLContext, sock: Any, **kwargs: Any) -> Any:
                handshakes.append((kwargs.get("server_hostname"), context.check_hostname))
                raise ssl.SSLCertVerificationError("this test stops at the handshake")

            monkeypatch.setattr(ssl.SSLContext, "wrap_socket", wrap_socket)
            assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
        assert connections.asked == [("93.184.216.34", 443)]
        assert handshakes == [("hook.example.test", True)]
        delivery.refresh_from_db()
        assert "SSLCertVerificationError" in delivery.last_error

    def test_the_pinned_url_keeps_path_query_and_host_header(
        self, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, settings: Any
    ) -> None:
        """The twin, over plain http: the same name, pinned, arrives whole at the receiver."""
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        port = receiver.server.server_address[1]
        delivery = _stored(f"http://hook.example.test:{port}/hooks/emg?from=tracker&x=1")
        FakeDNS(monkeypatch, ["93.184.216.34"])
        connections = Connections(monkeypatch, to=port)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.DELIVERED
        assert connections.asked == [("93.184.216.34", port)]
        (received,) = receiver.received
        assert received.path == "/hooks/emg?from=tracker&x=1"
        assert received.headers["Host"] == f"hook.example.test:{port}"
        assert _verifies(SECRET, received)


class TestProxies:
    def test_a_proxy_in_the_environment_is_not_used(
        self, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, settings: Any
    ) -> None:
        """A proxy would connect to the host by its name, past the address check."""
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
        with socket.create_server(("127.0.0.1", 0)) as proxy:
            proxy_url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
            for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
                monkeypatch.setenv(name, proxy_url)
            monkeypatch.delenv("NO_PROXY", raising=False)
            monkeypatch.delenv("no_proxy", raising=False)
            delivery = _stored(receiver.url)
            assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.DELIVERED
        assert len(receiver.received) == 1


class TestResponses:
    def test_an_endless_answer_is_read_only_in_part(self, settings: Any) -> None:
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
        settings.WEBHOOK_TIMEOUT_SECONDS = 5
        sent = [0]
        with socket.create_server(("127.0.0.1", 0)) as listener:

            def endless() -> None:
                conn, _address = listener.accept()
                with conn:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 500 Broken\r\nContent-Length: 100000000\r\n\r\n")
                    try:
                        while sent[0] < 100_000_000:
                            conn.sendall(b"x" * 4096)
                            sent[0] += 4096
                    except OSError:
                        return

            thread = threading.Thread(target=endless, daemon=True)
            thread.start()
            delivery = _stored(f"http://127.0.0.1:{listener.getsockname()[1]}/")
            started = time.monotonic()
            assert webhooks.webhook_deliver(delivery_id=delivery.pk) == Outcome.RETRY
            assert time.monotonic() - started < 4
            thread.join(timeout=10)
        delivery.refresh_from_db()
        assert delivery.response_code == 500
        assert delivery.last_error == "HTTP 500 Broken: " + "x" * client.EXCERPT_BYTES
        assert sent[0] < 10_000_000  # the connection was closed, not drained


class TestOneValidator:
    def test_the_model_names_the_shared_validators(self) -> None:
        fields = {
            f.name: f for f in WebhookSubscription._meta.get_fields() if isinstance(f, models.Field)
        }
        assert webhooks.webhook_url_validate in fields["url"].validators
        secret_validators = fields["secret"].validators
        assert webhooks.webhook_secret_validate in secret_validators

    def test_the_model_refuses_what_the_api_refuses_with_the_same_words(
        self, settings: Any
    ) -> None:
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        subscription = WebhookSubscription(
            url="http://0x7f.1/hook", events=EVENTS, secret="short", owner=UserFactory.create()
        )
        with pytest.raises(ValidationError) as refused:
            subscription.full_clean()
        errors = refused.value.message_dict
        assert errors["url"] == [
            "0x7f.1 is a private, loopback or reserved address: webhooks call only public "
            "addresses."
        ]
        assert errors["secret"] == ["Give whsec_ followed by the base64 of 24 to 64 random bytes."]
        response = _token_client(UserFactory.create(role="viewer")).post(
            "/api/v1/webhooks/",
            {"url": "https://hooks.example.org/", "events": EVENTS, "secret": "short"},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {"secret": errors["secret"]}

    def test_a_change_of_secret_in_the_api_is_checked(self) -> None:
        owner = UserFactory.create(role="viewer")
        subscription = _subscribe("https://hooks.example.org/", owner=owner, secret=SECRET)
        response = _token_client(owner).patch(
            f"/api/v1/webhooks/{subscription.pk}/",
            {"secret": "whsec_tooshort"},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["fields"]) == ["secret"]
        subscription.refresh_from_db()
        assert subscription.secret == SECRET

    def test_a_good_change_of_secret_in_the_api_is_saved(self) -> None:
        owner = UserFactory.create(role="viewer")
        subscription = _subscribe("https://hooks.example.org/", owner=owner, secret=SECRET)
        new = _secret("another")
        response = _token_client(owner).patch(
            f"/api/v1/webhooks/{subscription.pk}/",
            {"secret": new, "url": "https://hooks.example.org/v2"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert "secret" not in response.json()
        subscription.refresh_from_db()
        assert (subscription.secret, subscription.url) == (new, "https://hooks.example.org/v2")


class TestSubscriptionWrites:
    def test_a_change_keeps_a_failure_counted_meanwhile(self) -> None:
        """The admin and the API change a subscription through one service, which writes only
        what a consumer may change: a worker's count of failures, made while the form was
        open, is not overwritten by the form's stale copy."""
        subscription = _subscribe("https://hooks.example.org/", secret=SECRET)
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=3)
        webhooks.webhook_subscription_update(subscription=subscription, active=False)
        subscription.refresh_from_db()
        assert (subscription.active, subscription.consecutive_failures) == (False, 3)

    def test_a_change_is_checked_as_a_creation_is(self, settings: Any) -> None:
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        subscription = _subscribe("https://hooks.example.org/", secret=SECRET)
        with pytest.raises(ValidationError, match="private, loopback or reserved"):
            webhooks.webhook_subscription_update(
                subscription=subscription, url="http://0x7f.1/hook"
            )
        subscription.refresh_from_db()
        assert subscription.url == "https://hooks.example.org/"
