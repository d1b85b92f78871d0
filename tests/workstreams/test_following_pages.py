"""The pages of following a workstream by e-mail, the mail-events API and the admin."""

import re
import time
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from delivery import interface
from tests.factories import UserFactory, api_token
from workstreams.models import Follower, Workstream

pytestmark = pytest.mark.django_db

FOLLOW = "/en/workstreams/img-biodiversity/follow/"


def confirm_link(body: str) -> str:
    found = re.search(r"http://[^/\s]+(/\w+/follow/confirm/[^/\s]+/)", body)
    assert found is not None, body
    return found.group(1)


def ask(client: Client, address: str = "reader@example.org", capture: Any = None) -> Any:
    with capture(execute=True):
        return client.post(FOLLOW, {"email": address})


def test_the_workstream_page_links_to_the_follow_form(client: Client) -> None:
    page = client.get("/en/workstreams/img-biodiversity/").content.decode()
    assert 'href="/en/workstreams/img-biodiversity/follow/"' in page
    form = client.get(FOLLOW)
    assert form.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in form.content
    assert client.get("/en/workstreams/no-such/follow/").status_code == 404


def test_follow_confirm_manage(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    answer = ask(client, "Reader@Example.org", django_capture_on_commit_callbacks)
    assert answer.status_code == 200
    assert b"Check your inbox" in answer.content
    (confirmation,) = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    link = confirm_link(str(confirmation.body))
    # Opening the link (a mail scanner would) confirms nothing; the button does.
    assert client.get(link).status_code == 200
    assert Follower.objects.get().confirmed_at is None
    confirmed = client.post(link, follow=True)
    assert b"your address is confirmed" in confirmed.content
    assert Follower.objects.get().is_receiving
    manage = confirmed.redirect_chain[-1][0].split("?")[0]
    other = Workstream.objects.exclude(slug="img-biodiversity").order_by("title").first()
    assert other is not None
    client.post(manage, {"action": "follow", "workstream": [other.slug]})
    client.post(manage, {"action": "unfollow", "workstream": ["img-biodiversity"]})
    assert list(Follower.objects.get().workstreams.all()) == [other]
    bad = client.post(manage, {"action": "follow", "workstream": ["no-such"]})
    assert bad.status_code == 400
    client.post(manage, {"action": "stop"})
    assert Follower.objects.get().stopped_reason == "unsubscribed"


def test_the_same_answer_whether_or_not_already_following(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    first = ask(client, capture=django_capture_on_commit_callbacks)
    interface.follower_confirm(follower=Follower.objects.get())
    again = ask(client, capture=django_capture_on_commit_callbacks)
    unknown = ask(client, "someone@example.org", django_capture_on_commit_callbacks)

    def main(answer: Any) -> str:
        content: str = answer.content.decode()
        return content.split('<main id="content"')[1].split("</main>")[0]

    assert main(first) == main(again) == main(unknown)
    # The confirmed address got no second confirmation.
    assert [m.to for m in mail.outbox] == [["reader@example.org"], ["someone@example.org"]]


def test_a_bad_address_is_a_400_and_nothing_is_written(client: Client) -> None:
    answer = client.post(FOLLOW, {"email": "not an address"})
    assert answer.status_code == 400
    assert b"Enter a valid email address" in answer.content
    assert not Follower.objects.exists()


def test_the_form_is_throttled(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    for n in range(20):
        assert (
            ask(client, f"r{n}@example.org", django_capture_on_commit_callbacks).status_code == 200
        )
    assert ask(client, "late@example.org", django_capture_on_commit_callbacks).status_code == 429
    assert not Follower.objects.filter(address="late@example.org").exists()


def test_the_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(FOLLOW, {"email": "reader@example.org"}).status_code == 403
    assert not Follower.objects.exists()


@pytest.mark.parametrize("purpose", ["confirm", "manage", "unsubscribe"])
def test_a_bad_link_is_a_clear_400(client: Client, purpose: str) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    follower = interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    assert follower is not None
    other = "manage" if purpose != "manage" else "confirm"
    for token in ["garbage", interface.follow_token(follower, other)]:  # type: ignore[arg-type]
        answer = client.post(f"/en/follow/{purpose}/{token}/", {"List-Unsubscribe": "One-Click"})
        assert answer.status_code == 400
        assert b"This link is not valid" in answer.content
    follower.refresh_from_db()
    assert (follower.confirmed_at, follower.stopped_at) == (None, None)


def test_an_expired_confirmation_link_is_a_400(client: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    follower = interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    assert follower is not None
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = interface.follow_token(follower, "confirm")
    answer = client.post(f"/en/follow/confirm/{token}/")
    assert answer.status_code == 400
    assert b"has expired" in answer.content
    follower.refresh_from_db()
    assert follower.confirmed_at is None


def test_a_bad_workstream_on_the_manage_page_is_a_400_and_changes_nothing(
    client: Client,
) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    follower = interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    assert follower is not None
    interface.follower_confirm(follower=follower)
    url = f"/en/follow/manage/{interface.follow_token(follower, 'manage')}/"
    for slugs in (["img-biodiversity\x00"], ["no-such-workstream"], []):
        answer = client.post(url, {"action": "unfollow", "workstream": slugs})
        assert answer.status_code == 400
        assert "Choose at least one workstream from the list." in answer.content.decode()
    assert list(follower.workstreams.all()) == [workstream]


def test_the_manage_page_query_count(client: Client, django_assert_num_queries: Any) -> None:
    workstreams = list(Workstream.objects.order_by("title")[:3])
    follower = interface.follower_request(
        address="reader@example.org", workstreams=workstreams[:1], language="en"
    )
    assert follower is not None
    interface.follower_confirm(follower=follower)
    url = f"/en/follow/manage/{interface.follow_token(follower, 'manage')}/"
    with django_assert_num_queries(3):
        client.get(url)
    interface.follower_follow(follower=follower, workstreams=workstreams[1:])
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_mail_events_api_stops_a_follower(client: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    url = "/api/v1/mail-events/"
    body = {"address": "Reader@example.org", "kind": "complaint"}
    viewer = api_token(UserFactory.create(username="viewer", role="viewer"))
    assert client.post(url, body, HTTP_AUTHORIZATION=f"Token {viewer}").status_code == 403
    assert client.post(url, body).status_code in (401, 403)
    token = api_token(UserFactory.create(role="secretariat"))
    auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {token}",
        "content_type": "application/json",
    }
    answer = client.post(url, body, **auth)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"address": "reader@example.org", "kind": "complaint", "stopped": True}
    assert Follower.objects.get().stopped_reason == "complaint"
    bad = client.post(url, {"address": "x", "kind": "spam"}, **auth)
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"address", "kind"}
    unknown = client.post(url, {"address": "nobody@example.org", "kind": "bounce"}, **auth)
    assert unknown.json()["stopped"] is False


def test_admin_followers_for_the_secretariat_only(client: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    client.force_login(UserFactory.create(username="viewer", role="viewer"))
    assert client.get("/admin/workstreams/follower/").status_code == 403
    client.force_login(UserFactory.create(role="secretariat"))
    page = client.get("/admin/workstreams/follower/")
    assert b"reader@example.org" in page.content
    follower = Follower.objects.get()
    client.post(
        "/admin/workstreams/follower/",
        {"action": "stop_bounce", "_selected_action": [follower.pk]},
    )
    follower.refresh_from_db()
    assert follower.stopped_reason == "bounce"
