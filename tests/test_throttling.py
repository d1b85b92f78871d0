"""Point 4: the API's limits hold behind a proxy and while Redis is down."""

import logging
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from emgtracker import throttling

pytestmark = pytest.mark.usefixtures("record")

URL = "/api/v1/entities/"


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch: Any) -> Iterator[None]:
    """Three anonymous requests a minute, counted from nothing, the shared cache answering."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    cache.clear()
    throttling.cache.local.clear()
    throttling.cache.failed_at = None
    yield
    throttling.cache.local.clear()
    throttling.cache.failed_at = None


def _statuses(client: Client, forwarded_for: list[str], remote: str = "192.0.2.10") -> list[int]:
    return [
        client.get(URL, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=xff).status_code
        for xff in forwarded_for
    ]


def test_a_forged_forwarded_for_does_not_escape_the_limit(client: Client, settings: Any) -> None:
    settings.NUM_PROXIES = 0
    fresh = [f"198.51.100.{i}" for i in range(4)]
    assert _statuses(client, fresh) == [200, 200, 200, 429]


def test_under_the_limit_every_request_is_answered(client: Client, settings: Any) -> None:
    settings.NUM_PROXIES = 0
    assert _statuses(client, [f"198.51.100.{i}" for i in range(3)]) == [200, 200, 200]


def test_behind_one_proxy_clients_are_counted_apart(client: Client, settings: Any) -> None:
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.2"
    # What the client sends is before the proxy's entry; it changes every time and counts for nothing.
    alice = [f"203.0.113.{i}, 198.51.100.7" for i in range(4)]
    bob = [f"203.0.113.{i}, 198.51.100.8" for i in range(3)]
    assert _statuses(client, alice[:3], remote=proxy) == [200, 200, 200]
    assert _statuses(client, bob, remote=proxy) == [200, 200, 200]
    assert _statuses(client, alice[3:], remote=proxy) == [429]


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis(location: str) -> dict[str, Any]:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


def test_with_redis_down_the_limit_still_holds(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": _redis(f"redis://127.0.0.1:{_dead_port()}/0"),
    }
    with caplog.at_level(logging.WARNING, logger="emgtracker.throttling"):
        assert _statuses(client, ["198.51.100.1"] * 4) == [200, 200, 200, 429]
    fallbacks = [r for r in caplog.records if r.name == "emgtracker.throttling"]
    # Logged once, when the fault first reached the throttle: not once a request.
    assert [getattr(r, "event", None) for r in fallbacks] == ["throttle.fallback"]
    assert "Connection refused" in fallbacks[0].getMessage()
    # The count was kept in the process: three requests let through, the fourth refused.
    assert len(throttling.cache.local.get("throttle_anon_192.0.2.10")) == 3


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="A shared count needs REDIS_URL.")
def test_with_redis_up_the_count_is_shared(client: Client, settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": _redis(os.environ["REDIS_URL"]),
    }
    caches["throttle"].clear()
    assert _statuses(client, ["198.51.100.1"] * 4) == [200, 200, 200, 429]
    assert len(caches["throttle"].get("throttle_anon_192.0.2.10")) == 3
    assert throttling.cache.local.get("throttle_anon_192.0.2.10") is None
