"""Settings behave as docs/configuration.md says."""

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from emgtracker import throttling

ROOT = Path(__file__).resolve().parent.parent


def _django_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _django_check(DJANGO_DEBUG="false", ALLOWED_HOSTS="emg.example.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _django_check(DJANGO_DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS in the environment" in result.stderr


def _dead_redis() -> dict[str, Any]:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }


@pytest.mark.usefixtures("record")
def test_the_site_survives_a_redis_outage(
    client: Client, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """With Redis gone, pages and the API still answer; the fault is seen where Redis is used:
    the API's throttle counts in the process instead, and readiness names the cache."""
    dead = _dead_redis()
    settings.CACHES = {
        "default": {**dead, "OPTIONS": {**dead["OPTIONS"], "IGNORE_EXCEPTIONS": True}},
        "throttle": dead,
    }
    throttling.cache.failed_at = None
    try:
        with caplog.at_level(logging.WARNING, logger="emgtracker.throttling"):
            assert client.get("/en/").status_code == 200
            assert client.get("/api/v1/workstreams/").status_code == 200
        assert [getattr(r, "event", None) for r in caplog.records] == ["throttle.fallback"]
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["cache"].startswith("failed")
    finally:
        throttling.cache.failed_at = None
        throttling.cache.local.clear()
