"""Settings behave as docs/configuration.md says."""

import os
import subprocess
import sys
from pathlib import Path

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


def test_page_survives_redis_outage(client, record, settings) -> None:
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    cache = caches.create_connection("default")
    cache.set("k", "v")
    assert cache.get("k") is None
    assert client.get("/").status_code == 200
