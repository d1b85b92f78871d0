"""Point 7: a database that stalls answers 503 in seconds; /healthz and /readyz say so."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

from emgtracker.rest import server_error

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The timeouts are PostgreSQL's (DATABASE_URL)."
)

# The connect timeout, and a second for the rest of the request.
WITHIN = settings.DATABASE_CONNECT_TIMEOUT + 1.0


@pytest.fixture
def stalled_database(django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The site's database is a server that accepts connections and never says a word."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    with django_db_blocker.unblock():
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", server.getsockname()[1])
        try:
            yield
        finally:
            connection.close()
            stop.set()
            thread.join()
            for held_connection in held:
                held_connection.close()
            server.close()
    assert held, "Nothing connected to the stalled server."


@pytest.fixture
def statement_timeout_300ms(
    django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """New connections are made with a statement timeout of 300 ms, by the settings' option."""
    with django_db_blocker.unblock():
        connection.close()
        options = connection.settings_dict["OPTIONS"]
        monkeypatch.setitem(options, "options", "-c statement_timeout=300")
        try:
            yield
        finally:
            connection.close()


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _fault(caplog: pytest.LogCaptureFixture) -> BaseException | None:
    """The database error that the 503 was made of, as the middleware logged it."""
    logged = [r for r in caplog.records if r.name == "emgtracker.unavailable" and r.exc_info]
    assert len(logged) == 1
    exc_info = logged[0].exc_info
    assert exc_info is not None
    error = exc_info[1]
    return error.__cause__ if error is not None else None


@postgresql_only
@pytest.mark.usefixtures("stalled_database")
def test_a_stalled_database_gives_the_api_a_503_within_seconds(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    response, took = _timed(lambda: client.get("/api/v1/workstreams/"))
    assert took < WITHIN
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": {
            "status": 503,
            "code": "unavailable",
            "message": "The service is unavailable for a moment. Try again shortly.",
        }
    }
    assert isinstance(_fault(caplog), psycopg.errors.ConnectionTimeout)


@postgresql_only
@pytest.mark.usefixtures("stalled_database")
def test_a_stalled_database_gives_a_page_a_503_within_seconds(client: Client) -> None:
    response, took = _timed(lambda: client.get("/en/workstreams/"))
    assert took < WITHIN
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "30"
    assert "Unavailable for a moment" in response.content.decode()
    # The error page is a page like the others: under the same policies.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


@postgresql_only
@pytest.mark.usefixtures("stalled_database")
def test_readyz_names_the_database_and_healthz_still_answers(client: Client) -> None:
    response, took = _timed(lambda: client.get("/readyz"))
    assert took < WITHIN
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "failed: OperationalError",
            "cache": "ok",
            "migrations": "not checked",
        },
    }
    healthz = client.get("/healthz")
    assert healthz.status_code == 200
    assert healthz.json() == {"status": "ok"}


@pytest.mark.usefixtures("record")
def test_readyz_answers_200_when_everything_answers(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.usefixtures("record")
def test_health_checks_answer_whatever_host_they_are_asked_by(client: Client) -> None:
    # A load balancer or the compose health check asks by the container's address.
    for path in ["/healthz", "/readyz"]:
        response = client.get(path, HTTP_HOST="172.18.0.5:8000")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "ok"
    assert client.get("/en/workstreams/", HTTP_HOST="172.18.0.5:8000").status_code == 400


def test_readyz_names_a_cache_that_does_not_answer(client: Client, settings: Any, db: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
        },
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "failed: no answer"
    assert response.json()["checks"]["database"] == "ok"


@postgresql_only
@pytest.mark.usefixtures("record")
def test_the_statement_timeout_reaches_the_server() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert cursor.fetchone() == (str(settings.DATABASE_STATEMENT_TIMEOUT_MS),)


def _sleeping_first(seconds: float) -> Callable[..., Any]:
    """An execute wrapper: the request's first query is preceded by a ``pg_sleep``."""
    slept: list[bool] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not slept:
            slept.append(True)
            context["cursor"].execute("SELECT pg_sleep(%s)", [seconds])
        return execute(sql, params, many, context)

    return wrapper


@postgresql_only
@pytest.mark.usefixtures("statement_timeout_300ms")
def test_a_statement_over_the_timeout_gives_a_503(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with connection.execute_wrapper(_sleeping_first(5)):
        response, took = _timed(lambda: client.get("/api/v1/workstreams/"))
    assert took < 2
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert isinstance(_fault(caplog), psycopg.errors.QueryCanceled)


@postgresql_only
@pytest.mark.usefixtures("statement_timeout_300ms")
def test_a_statement_under_the_timeout_is_answered(client: Client) -> None:
    with connection.execute_wrapper(_sleeping_first(0.05)):
        response = client.get("/api/v1/workstreams/")
    assert response.status_code == 200
    # (These tests run without a transaction of their own, so the record may not be there.)
    assert response.json()["results"] is not None


def test_a_database_error_outside_a_view_is_still_a_503(rf: Any) -> None:
    """A middleware's query (saving a session) fails after the view: Django's 500 handler is
    asked, and answers 503 too."""
    try:
        raise OperationalError("the server closed the connection")
    except OperationalError:
        api = server_error(rf.get("/api/v1/updates/"))
        page = server_error(rf.get("/en/workstreams/"))
    assert (api.status_code, api["Retry-After"]) == (503, "30")
    assert json.loads(api.content)["error"]["code"] == "unavailable"
    assert (page.status_code, page["Content-Type"]) == (503, "text/html; charset=utf-8")
    # Any other crash is still a 500.
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/api/v1/updates/")).status_code == 500
