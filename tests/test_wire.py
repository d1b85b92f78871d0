"""On the wire (emgtracker/wire.py): text answers gzipped when the client takes gzip, and
no body in the answer to HEAD, through servers that would otherwise send one."""

import gzip
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection, connections
from django.test import Client

from emgtracker.wire import CompressionMiddleware, compressible
from workstreams.models.workstream import WorkstreamQuerySet

ROOT = Path(__file__).resolve().parent.parent
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# Values drawn afresh for each response: a masked CSRF token, a CSP nonce.
PER_RESPONSE = re.compile(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]+')

COMPRESSED = [
    "/en/workstreams/",  # a page
    "/api/v1/workstreams/",  # an API list
    "/api/v1/workstreams/?format=csv&page_size=200",  # its CSV
    "/api/v1/workstreams/?colour=red&size=big&shape=round",  # an API error (400)
    "/en/meetings/calendar.ics",
    "/en/feed/",
]


def _same(a: bytes, b: bytes) -> bool:
    return PER_RESPONSE.sub(b"", a) == PER_RESPONSE.sub(b"", b)


@pytest.mark.usefixtures("record")
@pytest.mark.parametrize("path", COMPRESSED)
def test_text_answers_are_gzipped_for_a_client_that_takes_gzip(client: Client, path: str) -> None:
    plain = client.get(path)
    packed = client.get(path, headers=GZIP)
    assert packed.status_code == plain.status_code
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert _same(gzip.decompress(packed.content), plain.content)
    # Without the header: plain, as before.
    assert not plain.has_header("Content-Encoding")
    assert int(plain["Content-Length"]) == len(plain.content)


@pytest.mark.usefixtures("record")
def test_a_gzipped_answer_keeps_its_etag_for_conditional_requests(client: Client) -> None:
    first = client.get("/api/v1/workstreams/", headers=GZIP)
    assert first["ETag"].startswith('W/"')  # the bytes differ from the plain answer's
    again = client.get("/api/v1/workstreams/", headers={**GZIP, "If-None-Match": first["ETag"]})
    assert again.status_code == 304


@pytest.mark.usefixtures("record")
@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/", "application/json"), ("/en/", "text/html")]
)
def test_the_503_is_gzipped_too(
    client: Client, monkeypatch: pytest.MonkeyPatch, path: str, content_type: str
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(WorkstreamQuerySet, "for_list", down)
    url = "/api/v1/workstreams/" if path == "/api/" else "/en/workstreams/"
    plain = client.get(url)
    packed = client.get(url, headers=GZIP)
    assert packed.status_code == plain.status_code == 503
    assert plain["Content-Type"].startswith(content_type)
    if packed.has_header("Content-Encoding"):
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
    else:
        # Sent plain only where gzip was not worth it: GZipMiddleware keeps the plain bytes when
        # the gzipped ones, padded with up to 100 random bytes against BREACH, are no shorter.
        assert packed.content == plain.content
        assert len(gzip.compress(plain.content)) + CompressionMiddleware.max_random_bytes >= len(
            plain.content
        )


def test_health_checks_answer_as_before(client: Client, db: None) -> None:
    response = client.get("/healthz", headers=GZIP)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("content_type", "compressed"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("text/csv; charset=utf-8", True),
        ("application/atom+xml; charset=utf-8", True),
        ("application/vnd.oai.openapi; charset=utf-8", True),
        ("image/png", False),
        ("application/pdf", False),
        ("application/zip", False),
        ("", False),
    ],
)
def test_only_text_is_compressed(content_type: str, compressed: bool) -> None:
    assert compressible(content_type) is compressed


# HEAD ---------------------------------------------------------------------------------------

HEAD_PATHS = [
    "/en/",
    "/en/workstreams/",
    "/en/workstreams/img-biodiversity/",
    "/en/meetings/som28-mid-term/",
    "/no-such-page/",
    "/en/feed/",
    "/en/meetings/calendar.ics",
    "/api/v1/workstreams/",
    "/api/v1/workstreams/?format=csv",
    "/api/v1/no-such-thing/",
    "/api/schema/",
    "/healthz",
]


def _raw(port: int, method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    """The bytes the server sends, read to the close of the connection (HTTP/1.0)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(f"{method} {path} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


def _assert_head_is_get_without_body(port: int, path: str) -> None:
    get_status, get_headers, get_body = _raw(port, "GET", path)
    status, headers, body = _raw(port, "HEAD", path)
    assert body == b"", f"HEAD {path} sent {len(body)} bytes of body"
    assert status == get_status, path
    assert headers["Content-Type"] == get_headers["Content-Type"], path
    assert headers.get("Content-Length", str(len(get_body))) == str(len(get_body)), path


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def plain_wsgi_server(live_record: None) -> Iterator[int]:
    """The site under the standard library's WSGI server, which sends whatever body the
    application gives, HEAD or not (Django's test server and runserver drop it themselves)."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), WSGIServer, _Quiet)

    def serve() -> None:
        server.serve_forever()
        connections.close_all()  # this thread's, before the test database is dropped

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_head_sends_no_body(plain_wsgi_server: int) -> None:
    for path in HEAD_PATHS:
        _assert_head_is_get_without_body(plain_wsgi_server, path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn reads the test database")
@pytest.mark.usefixtures("live_record")
def test_head_under_gunicorn_sends_no_body_and_gunicorn_drops_nothing() -> None:
    """As deployed (Dockerfile): the body is gone before gunicorn sees it, so a recent gunicorn
    has nothing to drop (it warns when it does) and an older one sends nothing either."""
    db = connection.settings_dict
    port = _free_port()
    address = f"{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
    env = {**os.environ, "DATABASE_URL": f"postgres://{address}/{db['NAME']}"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "emgtracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        # It runs with the development settings, whose 404 pages name the request's method.
        for path in (p for p in HEAD_PATHS if "no-such" not in p):
            _assert_head_is_get_without_body(port, path)
    finally:
        server.terminate()
        _out, log = server.communicate(timeout=30)
    assert "body bytes on a no-body response" not in log
