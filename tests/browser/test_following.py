"""Following a workstream in a real browser: the form, the confirmation link read from the
e-mail, the confirm page, the manage page and the unsubscribe page, each clean under axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.test_public_pages import _serious_violations
from workstreams.models import Follower

pytestmark = pytest.mark.usefixtures("live_record")


def test_follow_confirm_manage_and_unsubscribe(page: Page) -> None:
    page.goto("/en/workstreams/img-biodiversity/")
    page.get_by_role("link", name="Follow this workstream by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("by e-mail")
    assert _serious_violations(page) == []
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_label("Your e-mail address").fill("reader@example.org")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert _serious_violations(page) == []

    (confirmation,) = mail.outbox
    found = re.search(r"http://[^/\s]+(/en/follow/confirm/[^/\s]+/)", str(confirmation.body))
    assert found is not None, confirmation.body
    page.goto(found.group(1))
    expect(page.get_by_role("heading", name="Confirm that you want to follow")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="What you follow")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("your address is confirmed")
    expect(page.get_by_label("Issue Management Group on Biodiversity", exact=True)).to_have_count(1)
    assert _serious_violations(page) == []
    assert Follower.objects.get().is_receiving

    page.get_by_role("link", name="Unsubscribe page").click()
    expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert _serious_violations(page) == []
    assert Follower.objects.get().stopped_reason == "unsubscribed"


def test_one_click_unsubscribe_against_the_live_server(page: Page, live_server: object) -> None:
    """A mail client's RFC 8058 POST: no cookie, no CSRF token, the body alone."""
    from delivery import interface
    from workstreams.models import Workstream

    workstream = Workstream.objects.get(slug="img-biodiversity")
    follower = interface.follower_request(
        address="reader@example.org", workstreams=[workstream], language="en"
    )
    assert follower is not None
    interface.follower_confirm(follower=follower)
    url = f"/en/follow/unsubscribe/{interface.follow_token(follower, 'unsubscribe')}/"
    answer = page.request.post(
        url,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200
    assert Follower.objects.get().stopped_reason == "unsubscribed"
