"""Point 12: every log line of a request or a task is one JSON object saying where it came from."""

import io
import json
import logging
import logging.config
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from delivery.tasks import notices_send
from emgtracker.logs import logging_config
from tests.factories import UserFactory, api_token

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"time", "level", "logger", "message", "request_id", "user", "client", "task_id"}

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    """Logging as production configures it (``LOG_FORMAT=json``), into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    config = logging_config(log_format="json", level="INFO")
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def _of_request(lines: list[dict[str, Any]], request_id: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["request_id"] == request_id]


@pytest.mark.usefixtures("record")
def test_a_requests_lines_carry_its_id_user_and_client(json_lines: Lines) -> None:
    user = UserFactory.create(role="viewer", username="paris")
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    response = client.get(
        "/api/v1/updates/999999/", HTTP_X_REQUEST_ID="lb-7f3a.2", REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-7f3a.2"
    lines = _of_request(json_lines(), "lb-7f3a.2")
    # Django's own "Not Found" (written after the middleware has returned) and the access line.
    assert [(line["logger"], line["level"]) for line in lines] == [
        ("emgtracker.request", "INFO"),
        ("django.request", "WARNING"),
    ]
    for line in lines:
        assert set(line) >= FIELDS
        assert (line["user"], line["client"], line["task_id"]) == ("paris", "203.0.113.9", None)
        assert datetime.fromisoformat(line["time"]).tzinfo is not None
    assert lines[0]["message"] == "GET /api/v1/updates/999999/ 404"
    assert lines[0]["status"] == 404


@pytest.mark.parametrize(
    "hostile",
    ["x" * 65, "two words", "<script>alert(1)</script>", 'a"}, {"level": "DEBUG', "é"],
)
def test_a_hostile_request_id_is_replaced(json_lines: Lines, hostile: str) -> None:
    response = Client().get("/api/v1/", HTTP_X_REQUEST_ID=hostile)
    issued = response["X-Request-ID"]
    assert issued != hostile
    assert re.fullmatch(r"[0-9a-f]{32}", issued)
    assert [line["message"] for line in _of_request(json_lines(), issued)] == ["GET /api/v1/ 200"]
    assert not _of_request(json_lines(), hostile)


def test_a_request_without_an_id_gets_one_of_its_own(json_lines: Lines) -> None:
    first = Client().get("/api/v1/")["X-Request-ID"]
    second = Client().get("/api/v1/")["X-Request-ID"]
    assert len({first, second}) == 2
    (line,) = _of_request(json_lines(), second)
    assert (line["user"], line["client"]) == (None, "127.0.0.1")
    # Outside a request, a line names none: the last request's context is not inherited.
    logging.getLogger("emgtracker").warning("Between requests.")
    assert json_lines()[-1]["request_id"] is None


@pytest.mark.usefixtures("record")
def test_a_task_line_carries_the_task_id(json_lines: Lines) -> None:
    notices_send.apply(task_id="task-5b1c")
    (line,) = [line for line in json_lines() if line["logger"] == "delivery.tasks"]
    assert line["message"].startswith("Notices: sent")
    assert (line["task_id"], line["request_id"]) == ("task-5b1c", None)


SETUP = "import django; django.setup(); from django.conf import settings"


def _settings_value(expression: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT", "DJANGO_DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", f"{SETUP}; print({expression})"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "emgtracker.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_format_is_json_in_production_and_text_in_debug() -> None:
    formatters = "list(settings.LOGGING['formatters'])"
    production = {
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "emg.example.org",
    }
    assert _settings_value(formatters, **production) == "['json']"
    assert _settings_value(formatters) == "['text']"
    assert _settings_value(formatters, LOG_FORMAT="json") == "['json']"
