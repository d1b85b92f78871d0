"""Printed documents fetch nothing from the network: WeasyPrint reads our static files only.

A local HTTP server counts the requests it gets. The same HTML, handed to WeasyPrint with its
own default fetcher, reaches that server (so the counter works); through ``pdf_from_html`` it
does not, and the PDF is still written.
"""

import http.server
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import weasyprint

from emgtracker.printing import PRINT_BASE_URL, RefusedFetch, StaticFilesOnly, pdf_from_html


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Counting.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _html(origin: str) -> str:
    return f"""<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="{origin}/linked.css">
      <style>@import url("{origin}/imported.css");
        body {{ background: url("{origin}/background.png"); }}</style>
    </head><body><p>Hello from the pack</p><img src="{origin}/image.png" alt="">
    <img src="https://example.org/remote.png" alt=""></body></html>"""


def _text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def test_weasyprints_own_fetcher_would_reach_the_server(server: str) -> None:
    weasyprint.HTML(string=_html(server)).write_pdf()
    assert "/linked.css" in _Counting.requests


def test_a_document_naming_http_urls_fetches_nothing(server: str) -> None:
    pdf = pdf_from_html(_html(server))
    assert _Counting.requests == []
    assert "Hello from the pack" in _text(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/css/print.css",
        "http://print.invalid/static/css/print.css",
        f"{PRINT_BASE_URL}media/documents/pack.pdf",
        f"{PRINT_BASE_URL}static/../emgtracker/settings.py",
        f"{PRINT_BASE_URL}static//etc/passwd",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url: str) -> None:
    with pytest.raises(RefusedFetch):
        StaticFilesOnly().fetch(url)


def test_the_fetcher_serves_our_print_stylesheet() -> None:
    response = StaticFilesOnly().fetch(f"{PRINT_BASE_URL}static/css/print.css")
    assert response.headers.get_content_type() == "text/css"
    assert b"@page" in response.read()
