"""Conditional requests and the shared cache of anonymous reads (emgtracker/caching.py): named
by the record's version before any view runs, so a 304 costs one cache read, and a publish is
seen by the very next request."""

import socket
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils.http import http_date
from rest_framework.throttling import AnonRateThrottle

from emgtracker import throttling
from meetings.record_version import record_version_current
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams import services
from workstreams.models import ProgressUpdate
from workstreams.serializers.progress import ProgressUpdateSerializer

pytestmark = pytest.mark.usefixtures("record", "record_cache")

PAGES = [
    "/en/",
    "/en/workstreams/",
    "/en/workstreams/img-biodiversity/",
    "/en/meetings/som29-senior/",
]
PAGES += ["/en/meetings/", "/en/entities/unep/", "/en/feed/", "/en/meetings/calendar.ics"]
API = ["/api/v1/workstreams/", "/api/v1/updates/", "/api/v1/meetings/som29-senior/"]
UPDATES = "/api/v1/updates/"


def _publish_one(summary: str) -> ProgressUpdate:
    update = ProgressUpdateFactory.create(state="submitted", summary=summary)
    return services.progress_update_publish(
        update=update, by=UserFactory.create(role="secretariat")
    )


@pytest.mark.parametrize("url", PAGES + API)
def test_an_anonymous_read_is_named_and_shared(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    if url.startswith("/api/"):
        assert response["Cache-Control"] == (
            "public, max-age=0, s-maxage=10, stale-while-revalidate=60"
        )
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Cookie", "Accept-Language"} <= vary
    assert ({"Accept", "Authorization"} <= vary) == url.startswith("/api/")


@pytest.mark.parametrize("url", PAGES + API)
def test_a_matching_etag_is_answered_304_with_one_cache_read(
    client: Client, url: str, django_assert_num_queries: Any
) -> None:
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    # Also when the ETag comes back strong, as a proxy may send it, or among others.
    strong = first["ETag"].removeprefix("W/")
    assert client.get(url, HTTP_IF_NONE_MATCH=f'"other", {strong}').status_code == 304


def test_a_304_renders_nothing(client: Client) -> None:
    page = client.get("/en/")
    listed = client.get(UPDATES)
    with (
        mock.patch("dashboard.views.render") as render,
        mock.patch.object(ProgressUpdateSerializer, "to_representation") as serialize,
    ):
        assert client.get("/en/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
        assert client.get(UPDATES, HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
        since = http_date()
        assert client.get("/en/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    render.assert_not_called()
    serialize.assert_not_called()


def test_a_kept_answer_is_sent_again_without_rendering(
    client: Client, django_assert_num_queries: Any
) -> None:
    first = client.get(UPDATES)
    with (
        mock.patch.object(ProgressUpdateSerializer, "to_representation") as serialize,
        django_assert_num_queries(0),
    ):
        again = client.get(UPDATES)
    serialize.assert_not_called()
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]


def test_a_kept_page_carries_the_policies_of_every_page(client: Client) -> None:
    first, again = client.get("/en/meetings/"), client.get("/en/meetings/")
    assert again.content == first.content
    for header in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"):
        assert again[header] == first[header], header
    assert again["X-Request-ID"] != first["X-Request-ID"]


def test_a_publish_changes_the_page_and_its_etag_at_once(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page, listed = client.get("/en/"), client.get(UPDATES)
    with django_capture_on_commit_callbacks(execute=True):
        _publish_one("Cache test: published just now.")
    fresh_page = client.get("/en/", HTTP_IF_NONE_MATCH=page["ETag"])
    fresh_list = client.get(UPDATES, HTTP_IF_NONE_MATCH=listed["ETag"])
    assert (fresh_page.status_code, fresh_list.status_code) == (200, 200)
    assert fresh_page["ETag"] != page["ETag"]
    assert fresh_list["ETag"] != listed["ETag"]
    assert "Cache test: published just now." in fresh_page.content.decode()
    assert fresh_list.json()["count"] == listed.json()["count"] + 1


def test_a_date_within_the_second_of_a_write_is_not_taken_for_a_copy_of_it(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _publish_one("Cache test: a second write in the same second.")
    changed = int(record_version_current().changed_at.timestamp())
    same_second = client.get(UPDATES, HTTP_IF_MODIFIED_SINCE=http_date(changed))
    assert same_second.status_code == 200
    assert client.get(UPDATES, HTTP_IF_MODIFIED_SINCE=http_date(changed + 2)).status_code == 304


def test_the_query_string_the_format_and_the_language_name_the_answer(client: Client) -> None:
    etags = {
        client.get(UPDATES)["ETag"],
        client.get(UPDATES, {"page_size": 2})["ETag"],
        client.get(UPDATES, {"format": "csv"})["ETag"],
        client.get(UPDATES, HTTP_ACCEPT="text/csv")["ETag"],
    }
    assert len(etags) == 4
    csv = client.get(UPDATES, HTTP_ACCEPT="text/csv")
    assert csv["Content-Type"].startswith("text/csv")


def test_head_is_named_like_get(client: Client) -> None:
    got = client.get("/en/workstreams/")
    head = client.head("/en/workstreams/")
    assert head.status_code == 200
    assert head["ETag"] == got["ETag"]
    assert client.head("/en/workstreams/", HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304


def test_a_logged_in_user_always_gets_a_fresh_private_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.get(UPDATES)
    client.force_login(UserFactory.create(role="secretariat"))
    draft = ProgressUpdateFactory.create(summary="Only the secretariat sees this draft.")
    for url in ["/en/", UPDATES, f"{UPDATES}{draft.pk}/"]:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-cache", url
        assert "s-maxage" not in response["Cache-Control"]
    assert draft.summary in client.get(UPDATES, {"page_size": 200}).content.decode()


def test_a_token_is_never_served_from_the_shared_cache(client: Client) -> None:
    anonymous = client.get(UPDATES, {"page_size": 200})
    token = api_token(UserFactory.create(role="secretariat"))
    ProgressUpdateFactory.create(summary="A draft the token may read.")
    with_token = client.get(UPDATES, {"page_size": 200}, HTTP_AUTHORIZATION=f"Token {token}")
    assert "A draft the token may read." in with_token.content.decode()
    assert "public" not in with_token["Cache-Control"]
    assert with_token.json()["count"] > anonymous.json()["count"]


@pytest.mark.parametrize(
    "url",
    [
        "/en/workstreams/no-such-workstream/",  # an error
        "/api/v1/updates/?format=api",  # the browsable API: a CSRF token, a CSP nonce
        "/admin/login/",  # not the public record: a form and its cookie
    ],
)
def test_what_is_not_shared_gets_no_shared_headers(client: Client, url: str) -> None:
    for _ in range(2):
        response = client.get(url)
        assert "s-maxage" not in response.get("Cache-Control", "")
        assert response.get("Last-Modified") is None


def test_a_kept_api_answer_still_counts_against_the_limit(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None})
    throttling.cache.local.clear()
    statuses = [client.get("/api/v1/entities/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def _dead_redis(ignore: bool) -> dict[str, Any]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options: dict[str, Any] = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    if ignore:
        options["IGNORE_EXCEPTIONS"] = True
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": options,
    }


def test_with_redis_down_the_version_comes_from_the_database(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CACHES = {"default": _dead_redis(True), "throttle": _dead_redis(False)}
    try:
        first = client.get(UPDATES)
        assert first.status_code == 200
        assert client.get(UPDATES, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
        with django_capture_on_commit_callbacks(execute=True):
            _publish_one("Published while Redis was down.")
        after = client.get(UPDATES, HTTP_IF_NONE_MATCH=first["ETag"])
        assert after.status_code == 200
        assert "Published while Redis was down." in after.content.decode()
    finally:
        throttling.cache.failed_at = None
        throttling.cache.local.clear()
