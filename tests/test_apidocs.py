"""The API docs load nothing from another host: ReDoc's bundle is served with its logo here."""

import pytest
from django.test import Client

from emgtracker.apidocs import REDOC_LOGO

BUNDLE = "/api/redoc/redoc.standalone.js"


def test_redoc_page_loads_the_bundle_from_this_site() -> None:
    page = Client().get("/api/redoc/").content.decode()
    assert f'<script src="{BUNDLE}"></script>' in page
    assert "cdn." not in page


def test_the_bundle_names_no_cdn_and_answers_304_when_current() -> None:
    client = Client()
    response = client.get(BUNDLE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    body = response.content.decode()
    assert REDOC_LOGO not in body
    assert '"/static/img/redoc-logo.svg"' in body
    assert "Redoc" in body  # the real bundle, not an empty answer

    again = client.get(BUNDLE, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_bundle_is_read_only(method: str) -> None:
    assert getattr(Client(), method)(BUNDLE).status_code == 405
