"""Writes through the API: each role × action, with a "cannot" twin for every "can", asked of
the same rules the admin uses."""

from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams.models import ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

UPDATES = "/api/v1/updates/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


def _client(role: str | None) -> Client:
    """An API client with a token for ``role`` (None: anonymous)."""
    if role is None:
        return Client()
    user = (
        UserFactory.create(role="focal_point", entity="UNESCO")
        if role == "focal_point"
        else UserFactory.create(role=role)
    )
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def _draft(workstream: str = "img-biodiversity", **kwargs: Any) -> ProgressUpdate:
    return ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug=workstream), **kwargs
    )


NEW = {
    "workstream": "img-biodiversity",
    "meeting": "som29-senior",
    "status": "active",
    "summary": "Guidance on nature-positive operations agreed.",
}


@pytest.mark.parametrize(
    ("role", "workstream", "status"),
    [
        ("secretariat", "img-biodiversity", 201),
        ("focal_point", "img-biodiversity", 201),
        ("focal_point", "img-human-rights-environment", 403),
        ("viewer", "img-biodiversity", 403),
        (None, "img-biodiversity", 401),
    ],
)
def test_create(role: str | None, workstream: str, status: int) -> None:
    response = _post(_client(role), UPDATES, {**NEW, "workstream": workstream})
    assert response.status_code == status, response.content
    created = ProgressUpdate.objects.filter(summary=NEW["summary"])
    if status == 201:
        assert response.json()["state"] == "draft"
        assert created.get().state == "draft"
    else:
        assert not created.exists()
        assert response.json()["error"]["status"] == status


def test_a_refusal_does_not_reveal_another_entitys_hidden_draft() -> None:
    _draft("img-human-rights-environment")
    response = _post(
        _client("focal_point"), UPDATES, {**NEW, "workstream": "img-human-rights-environment"}
    )
    assert response.status_code == 403
    assert "unique" not in response.content.decode()


def test_a_bad_year_is_named_by_its_field() -> None:
    response = _post(_client("focal_point"), UPDATES, {**NEW, "expected_to_continue_in": 1800})
    assert response.status_code == 400
    assert "expected_to_continue_in" in response.json()["error"]["fields"]
    assert "Constraint" not in response.content.decode()


@pytest.mark.parametrize("field", ["workstream", "meeting", "entity", "presenter", "summary"])
def test_a_nul_byte_in_any_field_is_refused(field: str) -> None:
    # PostgreSQL refuses a NUL even in the query that would look a slug up.
    response = _post(_client("secretariat"), UPDATES, {**NEW, field: "img-bio\x00diversity"})
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ProgressUpdate.objects.filter(meeting__slug="som29-senior").exists()


@pytest.mark.parametrize("text", [" ", "\t\n", "\x1f", "\x85", "\u3000", "\ufeff"])
def test_a_summary_of_white_space_only_is_blank(text: str) -> None:
    response = _post(_client("secretariat"), UPDATES, {**NEW, "summary": text})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"] == {"summary": ["This field may not be blank."]}


def test_a_form_body_gets_415_and_writes_nothing() -> None:
    response = _client("secretariat").post(
        UPDATES, urlencode(NEW), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not ProgressUpdate.objects.filter(meeting__slug="som29-senior").exists()


def test_create_refuses_a_second_update_for_the_same_meeting() -> None:
    _draft()
    response = _post(_client("secretariat"), UPDATES, NEW)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role", "whose", "state", "status"),
    [
        ("secretariat", "img-human-rights-environment", "published", 200),
        ("focal_point", "img-biodiversity", "draft", 200),
        ("focal_point", "img-biodiversity", "submitted", 200),
        ("focal_point", "img-biodiversity", "published", 403),
        ("focal_point", "img-human-rights-environment", "draft", 404),
        ("viewer", "img-biodiversity", "draft", 403),
        (None, "img-biodiversity", "draft", 401),
    ],
)
def test_edit(role: str | None, whose: str, state: str, status: int) -> None:
    from django.utils import timezone

    update = _draft(
        whose, state=state, published_at=timezone.now() if state == "published" else None
    )
    response = _client(role).patch(
        f"{UPDATES}{update.pk}/",
        {"summary": "Edited through the API.", "version": update.version},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    update.refresh_from_db()
    assert (update.summary == "Edited through the API.") is (status == 200)


def test_edit_needs_the_version_read_and_refuses_a_stale_one() -> None:
    update = _draft()
    client = _client("focal_point")
    missing = client.patch(
        f"{UPDATES}{update.pk}/", {"summary": "x"}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert "version" in missing.json()["error"]["fields"]

    first = client.patch(
        f"{UPDATES}{update.pk}/",
        {"summary": "First.", "version": 1},
        content_type="application/json",
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(
        f"{UPDATES}{update.pk}/",
        {"summary": "Second.", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale"
    assert "changed summary" in error["message"]
    assert "UTC" in error["message"]
    update.refresh_from_db()
    assert update.summary == "First."
    never = client.patch(
        f"{UPDATES}{update.pk}/",
        {"summary": "Third.", "version": 99},
        content_type="application/json",
    )
    assert never.status_code == 400
    assert "never had version 99" in never.json()["error"]["fields"]["version"][0]


@pytest.mark.parametrize(
    ("role", "whose", "state", "status", "after"),
    [
        ("focal_point", "img-biodiversity", "draft", 200, "submitted"),
        ("focal_point", "img-biodiversity", "submitted", 403, "submitted"),
        ("focal_point", "img-human-rights-environment", "draft", 404, "draft"),
        ("secretariat", "img-human-rights-environment", "draft", 200, "submitted"),
        ("secretariat", "img-human-rights-environment", "submitted", 400, "submitted"),
        ("viewer", "img-biodiversity", "draft", 403, "draft"),
        (None, "img-biodiversity", "draft", 401, "draft"),
    ],
)
def test_submit(role: str | None, whose: str, state: str, status: int, after: str) -> None:
    update = _draft(whose, state=state)
    response = _post(_client(role), f"{UPDATES}{update.pk}/submit/")
    assert response.status_code == status, response.content
    update.refresh_from_db()
    assert update.state == after


@pytest.mark.parametrize(
    ("role", "state", "status", "after"),
    [
        ("secretariat", "submitted", 200, "published"),
        ("secretariat", "draft", 400, "draft"),
        ("focal_point", "submitted", 403, "submitted"),
        ("viewer", "submitted", 403, "submitted"),
        (None, "submitted", 401, "submitted"),
    ],
)
def test_publish(role: str | None, state: str, status: int, after: str) -> None:
    update = _draft(state=state)
    response = _post(_client(role), f"{UPDATES}{update.pk}/publish/")
    assert response.status_code == status, response.content
    update.refresh_from_db()
    assert update.state == after
    if status == 200:
        anonymous = Client().get(f"{UPDATES}{update.pk}/", HTTP_ACCEPT="application/json")
        assert anonymous.status_code == 200
        timeline = Client().get("/api/v1/workstreams/img-biodiversity/timeline/").json()
        assert timeline[-1]["status"] == "active"


@pytest.mark.parametrize(
    ("role", "reason", "status", "after"),
    [
        ("secretariat", "Please add the COP15 outcome.", 200, "draft"),
        ("secretariat", "", 400, "submitted"),
        ("focal_point", "I changed my mind.", 403, "submitted"),
        ("viewer", "No.", 403, "submitted"),
        (None, "No.", 401, "submitted"),
    ],
)
def test_return_to_draft(role: str | None, reason: str, status: int, after: str) -> None:
    update = _draft(state="submitted")
    response = _post(_client(role), f"{UPDATES}{update.pk}/return-to-draft/", {"reason": reason})
    assert response.status_code == status, response.content
    update.refresh_from_db()
    assert update.state == after
    if status == 200:
        assert update.returned_reason == reason


def test_session_writes_need_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory.create(role="secretariat"))
    response = _post(client, UPDATES, NEW)
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
    assert not ProgressUpdate.objects.filter(summary=NEW["summary"]).exists()


def test_a_focal_point_reads_its_own_drafts_but_no_one_elses() -> None:
    own = _draft()
    other = _draft("img-human-rights-environment")
    client = _client("focal_point")
    ids = {u["id"] for u in client.get(f"{UPDATES}?page_size=200").json()["results"]}
    assert own.pk in ids
    assert other.pk not in ids
