"""Point 9: hostile input gets a 4xx in the API's error shape, never a 500."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory, api_token
from workstreams.models import ProgressUpdate

pytestmark = pytest.mark.usefixtures("record")

UPDATES = "/api/v1/updates/"
NEW = {
    "workstream": "img-biodiversity",
    "meeting": "som29-senior",
    "status": "active",
    "summary": "Guidance on nature-positive operations agreed.",
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def secretariat() -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role='secretariat'))}")


def _error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == response.status_code
    error: dict[str, Any] = body["error"]
    return error


def test_json_nested_five_thousand_deep_is_a_parse_error(secretariat: Client) -> None:
    response = secretariat.post(UPDATES, "[" * 5000, content_type="application/json")
    assert response.status_code == 400
    assert _error(response) == {
        "status": 400,
        "code": "parse_error",
        "message": "JSON parse error - nested too deeply.",
    }
    assert not ProgressUpdate.objects.filter(meeting__slug="som29-senior").exists()


def test_json_nested_a_little_is_still_parsed(secretariat: Client) -> None:
    # Parsed, then refused by the serializer for what it is: a list, not an update.
    response = secretariat.post(UPDATES, "[" * 50 + "]" * 50, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid"
    created = secretariat.post(UPDATES, NEW, content_type="application/json")
    assert created.status_code == 201, created.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/workstreams/a%00b/",
        "/api/v1/workstreams/a%00b/timeline/",
        "/api/v1/meetings/som29%00senior/",
        "/api/v1/webhooks/1%00/",
    ],
)
def test_a_nul_byte_in_an_api_path_is_not_found(secretariat: Client, url: str) -> None:
    response = secretariat.get(url)
    assert response.status_code == 404
    assert _error(response) == {"status": 404, "code": "not_found", "message": "No such resource."}


def test_a_nul_byte_in_a_write_path_is_not_found(secretariat: Client) -> None:
    response = secretariat.patch(
        f"{UPDATES}1%00/", {"summary": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "url", ["/en/workstreams/a%00b/", "/en/meetings/a%00b/", "/en/entities/a%00b/"]
)
def test_a_nul_byte_in_a_page_path_is_not_found(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_same_paths_without_the_nul_are_found(client: Client) -> None:
    assert client.get("/api/v1/workstreams/img-biodiversity/").status_code == 200
    assert client.get("/en/workstreams/img-biodiversity/").status_code == 200


def test_a_60_mb_body_is_refused_before_it_is_read(secretariat: Client) -> None:
    body = b'{"summary": "' + b"x" * (60 * 1024 * 1024) + b'"}'
    response = secretariat.post(UPDATES, body, content_type="application/json")
    assert response.status_code == 413
    assert _error(response) == {
        "status": 413,
        "code": "too_large",
        "message": "The request body is too large.",
    }
    assert not ProgressUpdate.objects.filter(meeting__slug="som29-senior").exists()


def test_a_body_under_the_limit_is_read(secretariat: Client, settings: Any) -> None:
    summary = "x" * 20_000
    body = {**NEW, "summary": summary}
    response = secretariat.post(UPDATES, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert ProgressUpdate.objects.get(meeting__slug="som29-senior").summary == summary


def test_1100_query_parameters_get_a_json_400(client: Client) -> None:
    query = "&".join(f"p{i}=1" for i in range(1100))
    response = client.get(f"/api/v1/workstreams/?{query}")
    assert response.status_code == 400
    assert _error(response) == {
        "status": 400,
        "code": "too_many_parameters",
        "message": "Too many parameters.",
    }


def test_a_few_query_parameters_are_read(client: Client) -> None:
    response = client.get("/api/v1/workstreams/?kind=img&page_size=2")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
