"""What an operator relies on in docker-compose.yml and the Dockerfile (issue 11, points 1 and 12).

Restarting a container must not reload the record or migrate; migrations run once, in a
one-shot service the others wait for; no credential is written in the files; the processes
do not run as root; the web service's health check asks ``/readyz`` the way a proxy would.
"""

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
APP = ["web", "worker", "beat"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Dockerfile instructions, continuation lines joined.
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]
REQUIRED = re.compile(r"^\$\{(\w+):\?[^}]+\}$")


def _command(service: dict[str, Any]) -> str:
    parts = [service.get("entrypoint") or "", service.get("command") or ""]
    return " ".join(" ".join(p) if isinstance(p, list) else p for p in parts)


def test_the_file_is_valid_against_the_compose_schema() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", ROOT / "docker-compose.yml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_service_loads_the_record_on_start() -> None:
    assert SERVICES  # the file was read
    for name, service in SERVICES.items():
        assert "load_emg_record" not in _command(service), name
    # Nor does the image's own command.
    assert "load_emg_record" not in DOCKERFILE


def test_migrations_run_once_in_a_one_shot_service_the_others_wait_for() -> None:
    migrating = [name for name, s in SERVICES.items() if "migrate" in _command(s).split()]
    assert migrating == ["migrate"]
    migrate = SERVICES["migrate"]
    assert _command(migrate).strip() == "python manage.py migrate --noinput"
    assert migrate["restart"] == "no"
    assert migrate["image"] == SERVICES["web"]["image"]
    for name in APP:
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert SERVICES[name]["depends_on"]["db"] == {"condition": "service_healthy"}, name
    assert SERVICES["web"]["command"].startswith("gunicorn ")


def test_every_credential_comes_from_the_environment() -> None:
    credentials = re.compile(r"PASSWORD|SECRET|TOKEN|_AUTH$")
    found = []
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if credentials.search(key):
                assert REQUIRED.match(value), f"{name}: {key}={value}"
                found.append(key)
            # A URL's password, if it has one, is a required variable too.
            userinfo = re.match(r"^\w+://(\$\{[^}]*\}|[^:@/]*):(\$\{[^}]*\}|[^@/]*)@", value)
            if userinfo:
                assert REQUIRED.match(userinfo.group(2)), f"{name}: {key}={value}"
                found.append(f"{key} password")
    assert {
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "DATABASE_URL password",
        "REDIS_URL password",
    } <= set(found)
    text = (ROOT / "docker-compose.yml").read_text()
    assert "emg:emg" not in text
    # Redis asks for its password too.
    assert "--requirepass" in _command(SERVICES["redis"])


def test_the_image_runs_as_a_system_user_that_writes_only_the_media() -> None:
    users = [i.split(maxsplit=1)[1] for i in INSTRUCTIONS if i.upper().startswith("USER ")]
    assert users == ["emg"]
    # USER comes after the last RUN: nothing the image runs later runs as root.
    last_run = max(n for n, i in enumerate(INSTRUCTIONS) if i.upper().startswith("RUN "))
    assert INSTRUCTIONS.index("USER emg") > last_run
    assert "useradd --system" in DOCKERFILE
    chowns = re.findall(r"chown\s+(?:-\w+\s+)*\S+\s+(\S+)", DOCKERFILE)
    assert chowns == ["/srv/media"]
    assert SERVICES["web"]["environment"]["MEDIA_ROOT"] == "/srv/media"
    # The context leaves local databases, environments and media out of the image.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "db.sqlite3*", "media", ".git"} <= set(ignored)


# The web service's health check, run as compose would run it, against a stand-in server.


class _Readyz(BaseHTTPRequestHandler):
    status = 200
    seen: list[tuple[str, str | None, str | None]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
        body = b'{"status": "ok"}' if self.status == 200 else b'{"status": "unavailable"}'
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def readyz() -> Iterator[tuple[type[_Readyz], int]]:
    handler = type("Readyz", (_Readyz,), {"seen": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, server.server_address[1]
    server.shutdown()
    server.server_close()


def _health_check(port: int, allowed_hosts: str) -> int:
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/readyz" in test[3]
    script = test[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    env = {"ALLOWED_HOSTS": allowed_hosts, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, timeout=30, check=False
    ).returncode


def test_the_health_check_asks_readyz_as_the_proxy_would(
    readyz: tuple[type[_Readyz], int],
) -> None:
    handler, port = readyz
    assert _health_check(port, "emg.example.org,www.emg.example.org") == 0
    assert _health_check(port, ".example.org") == 0
    assert handler.seen == [
        ("/readyz", "emg.example.org", "https"),
        ("/readyz", "example.org", "https"),
    ]


def test_the_health_check_fails_when_readyz_says_not_ready(
    readyz: tuple[type[_Readyz], int],
) -> None:
    handler, port = readyz
    handler.status = 503
    assert _health_check(port, "emg.example.org") != 0
    assert handler.seen == [("/readyz", "emg.example.org", "https")]


def test_only_the_migrations_run_without_the_statement_timeout() -> None:
    """A migration may rewrite a large table; a request must not hold the database for long."""
    services = COMPOSE["services"]
    assert services["migrate"]["environment"]["DATABASE_STATEMENT_TIMEOUT_MS"] == "0"
    for name in ["web", "worker", "beat"]:
        assert "DATABASE_STATEMENT_TIMEOUT_MS" not in services[name]["environment"]
        assert (
            services[name]["environment"]["DATABASE_URL"]
            == (services["migrate"]["environment"]["DATABASE_URL"])
        )
