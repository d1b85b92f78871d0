"""API tokens: stored as a hash, expiring, listed and revoked by their owner only, and dead once
the password changes or the owner is deactivated."""

import datetime
import json
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.crypto import hash_token

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.accounts.conftest import ADDRESS, log_in
from tests.factories import PASSWORD, UserFactory, api_token

TOKENS = "/api/v1/tokens/"


def _with(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _works(key: str) -> bool:
    response = _with(key).get(TOKENS)
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def test_the_database_holds_a_hash_of_the_key_never_the_key() -> None:
    key = api_token(UserFactory.create(role="focal_point", entity="UNESCO"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert key not in repr(rows)
    assert ApiToken.objects.get().digest == hash_token(key)
    assert _works(key)
    assert not _works(key[:-1] + ("0" if key[-1] != "0" else "1"))


def test_a_token_expires(settings: Any) -> None:
    user = UserFactory.create(role="viewer")
    token, key = api_token_create(user=user, name="nightly", lifetime=datetime.timedelta(days=7))
    assert token.expiry is not None
    assert abs(token.expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(
        minutes=1
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        assert _works(key)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        response = _with(key).get(TOKENS)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_no_token_lives_longer_than_the_configured_most() -> None:
    token, _key = api_token_create(
        user=UserFactory.create(role="viewer"),
        name="forever",
        lifetime=datetime.timedelta(days=3650),
    )
    assert token.expiry is not None
    assert token.expiry - timezone.now() < datetime.timedelta(days=91)


def test_a_user_lists_their_own_tokens_and_sees_no_key() -> None:
    paris = UserFactory.create(username="paris", role="focal_point", entity="UNESCO")
    mine, key = api_token_create(user=paris, name="script")
    api_token_create(user=UserFactory.create(role="secretariat"), name="someone else's")
    response = _with(key).get(TOKENS)
    assert response.status_code == 200
    assert mine.expiry is not None
    assert response.json()["results"] == [
        {
            "id": mine.pk,
            "name": "script",
            "created": mine.created.isoformat().replace("+00:00", "Z"),
            "expiry": mine.expiry.isoformat().replace("+00:00", "Z"),
        }
    ]
    assert key not in response.content.decode()
    detail = _with(key).get(f"{TOKENS}{mine.pk}/")
    assert detail.status_code == 200
    assert "key" not in detail.json()


def test_a_user_revokes_their_own_token_and_it_stops_working() -> None:
    paris = UserFactory.create(role="focal_point", entity="UNESCO")
    kept, revoked = api_token(paris), api_token_create(user=paris, name="old")
    assert _with(kept).delete(f"{TOKENS}{revoked[0].pk}/").status_code == 204
    assert not _works(revoked[1])
    assert _works(kept)


def test_a_user_cannot_see_or_revoke_another_users_token() -> None:
    paris = api_token(UserFactory.create(role="focal_point", entity="UNESCO"))
    other, other_key = api_token_create(user=UserFactory.create(role="secretariat"), name="theirs")
    assert _with(paris).get(f"{TOKENS}{other.pk}/").status_code == 404
    refused = _with(paris).delete(f"{TOKENS}{other.pk}/")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert _works(other_key)


@pytest.mark.parametrize(
    "value",
    ["Token é", "Token \xff\xfe", "Token abc", "Token " + "g" * 64, "Token", "Token a b"],
)
def test_a_malformed_token_is_401_in_the_error_shape(value: str) -> None:
    response = Client(HTTP_AUTHORIZATION=value).get("/api/v1/updates/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_key_with_a_real_tokens_start_and_a_bad_byte_is_401() -> None:
    key = api_token(UserFactory.create(role="viewer"))
    assert _with(key[:15] + "zz\xe9").get("/api/v1/updates/").status_code == 401
    assert _works(key)


def test_anonymous_clients_get_401() -> None:
    response = Client().get(TOKENS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_session_makes_a_token_shown_once() -> None:
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    log_in(client, "amina", PASSWORD)
    response = client.post(
        TOKENS,
        json.dumps({"name": "nightly export", "days": 7}),
        content_type="application/json",
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "created", "expiry", "key"}
    assert body["name"] == "nightly export"
    assert _works(body["key"])
    assert body["key"] not in client.get(TOKENS, REMOTE_ADDR=ADDRESS).content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": " "}, "name"),
        ({"name": "x", "days": 0}, "days"),
        ({"name": "x", "days": 9999}, "days"),
        ({"name": "x", "days": "7"}, "days"),
    ],
)
def test_a_bad_request_for_a_token_is_refused_by_field(body: dict[str, Any], field: str) -> None:
    client = Client()
    client.force_login(UserFactory.create(role="viewer"))
    response = client.post(TOKENS, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not ApiToken.objects.exists()


def test_a_token_cannot_make_another() -> None:
    key = api_token(UserFactory.create(role="secretariat"))
    response = _with(key).post(
        TOKENS, json.dumps({"name": "more"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "logged-in session" in response.json()["error"]["message"]
    assert ApiToken.objects.count() == 1


def test_with_the_second_factor_required_a_password_alone_makes_no_token(settings: Any) -> None:
    settings.OTP_REQUIRED_FOR_ROLES = ["secretariat"]
    UserFactory.create(username="amina", role="secretariat")
    client = Client()
    log_in(client, "amina", PASSWORD)  # no device yet: sent to enrol
    response = client.post(
        TOKENS, json.dumps({"name": "x"}), content_type="application/json", REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_a_new_password_kills_the_users_tokens() -> None:
    user = UserFactory.create(role="secretariat")
    key = api_token(user)
    user.email = "amina@example.org"
    user.save()
    assert _works(key)  # the twin: another change leaves it working
    user.set_password("another-long-password-2")
    user.save()
    assert not _works(key)
    assert not ApiToken.objects.exists()


def test_deactivating_the_user_kills_their_tokens() -> None:
    user = UserFactory.create(role="secretariat")
    key = api_token(user)
    assert _works(key)
    user.is_active = False
    user.save()
    assert not _works(key)


def test_the_admin_lists_and_makes_a_users_own_tokens_only() -> None:
    paris = UserFactory.create(username="paris", role="focal_point", entity="UNESCO")
    api_token_create(user=paris, name="mine")
    theirs, _key = api_token_create(user=UserFactory.create(role="secretariat"), name="theirs")
    client = Client()
    client.force_login(paris)

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "mine" in listing
    assert "theirs" not in listing
    assert client.get(f"/admin/accounts/apitoken/{theirs.pk}/change/").status_code == 302
    assert client.post(
        f"/admin/accounts/apitoken/{theirs.pk}/delete/", {"post": "yes"}
    ).status_code in (302, 403)
    assert ApiToken.objects.filter(pk=theirs.pk).exists()

    made = client.post("/admin/accounts/apitoken/add/", {"name": "report", "days": 30})
    assert made.status_code == 200
    shown = re.search(
        r'<code class="emg-secret" id="token-key">(\w+)</code>', made.content.decode()
    )
    assert shown is not None
    assert _works(shown.group(1))
    assert ApiToken.objects.get(name="report").user == paris
