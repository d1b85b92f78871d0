"""Through a real HTTP server: a publish is seen by the very next anonymous request, its ETag
and its kept copy alike (emgtracker/caching.py)."""

import json
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

import pytest

from tests.factories import ProgressUpdateFactory, UserFactory, api_token

pytestmark = pytest.mark.usefixtures("live_record", "record_cache")


def _call(url: str, method: str = "GET", **headers: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_publish_through_the_api_invalidates_the_kept_page_and_its_etag(live_server: Any) -> None:
    update = ProgressUpdateFactory.create(state="submitted", summary="Live: published now.")
    token = api_token(UserFactory.create(role="secretariat"))
    urls = [f"{live_server.url}{path}" for path in ["/en/", "/api/v1/updates/?page_size=200"]]
    etags = {}
    for url in urls:
        status, headers, body = _call(url)
        assert status == 200
        assert b"Live: published now." not in body
        etags[url] = headers["ETag"]
        # Kept and current: a 304, and the same answer again without it.
        assert _call(url, **{"If-None-Match": etags[url]})[0] == 304
        assert _call(url)[2] == body

    published = _call(
        f"{live_server.url}/api/v1/updates/{update.pk}/publish/",
        "POST",
        Authorization=f"Token {token}",
        Accept="application/json",
    )
    assert published[0] == 200, published[2]
    assert json.loads(published[2])["state"] == "published"

    for url in urls:
        status, headers, body = _call(url, **{"If-None-Match": etags[url]})
        assert status == 200
        assert headers["ETag"] != etags[url]
        assert b"Live: published now." in body
