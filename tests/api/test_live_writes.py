"""Point 9: every write endpoint driven through a real HTTP server, as clients drive it.

The test client calls the view directly; a real WSGI server also checks what goes on the wire,
such as that every header value is a plain ``str`` (a ``Location`` that was not gave a 500
under ``runserver``). Each write is checked by its status, its headers and the row it left.
"""

import json
import re
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams.models import Job, ProgressUpdate, WebhookSubscription, Workstream

pytestmark = pytest.mark.usefixtures("live_record")

REQUEST_ID = re.compile(r"[0-9a-f]{32}")


class Answer:
    def __init__(self, status: int, headers: Message, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.json: Any = json.loads(body) if body else None


def _call(live_server: Any, method: str, path: str, token: str | None, body: Any = None) -> Answer:
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        f"{live_server.url}{path}", data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        answer = Answer(error.code, error.headers, error.read())
    # What every answer carries: JSON (none for 204) and the request's id.
    assert REQUEST_ID.fullmatch(answer.headers["X-Request-ID"] or "")
    if answer.status != 204:
        assert answer.headers["Content-Type"] == "application/json", answer.headers
    return answer


def test_an_update_through_its_whole_workflow(live_server: Any) -> None:
    focal_point = api_token(UserFactory.create(role="focal_point", entity="UNESCO"))
    secretariat = api_token(UserFactory.create(role="secretariat"))
    new = {
        "workstream": "img-biodiversity",
        "meeting": "som29-senior",
        "status": "active",
        "summary": "Guidance on nature-positive operations agreed.",
    }

    created = _call(live_server, "POST", "/api/v1/updates/", focal_point, new)
    assert created.status == 201, created.json
    update = ProgressUpdate.objects.get(pk=created.json["id"])
    assert created.headers["Location"] == created.json["url"]
    assert created.json["url"].startswith(live_server.url)
    assert (update.summary, update.state, update.version) == (new["summary"], "draft", 1)
    path = f"/api/v1/updates/{update.pk}/"

    patched = _call(live_server, "PATCH", path, focal_point, {"summary": "Patched.", "version": 1})
    assert patched.status == 200, patched.json
    update.refresh_from_db()
    assert (update.summary, update.version) == ("Patched.", 2)

    stale = _call(live_server, "PATCH", path, focal_point, {"summary": "Lost.", "version": 1})
    assert stale.status == 409
    assert stale.json["error"]["code"] == "stale"

    put = _call(live_server, "PUT", path, focal_point, {**new, "summary": "Put.", "version": 2})
    assert put.status == 200, put.json
    update.refresh_from_db()
    assert (update.summary, update.version) == ("Put.", 3)

    submitted = _call(live_server, "POST", f"{path}submit/", focal_point)
    assert submitted.status == 200, submitted.json
    update.refresh_from_db()
    assert update.state == "submitted"

    returned = _call(
        live_server, "POST", f"{path}return-to-draft/", secretariat, {"reason": "Add COP16."}
    )
    assert returned.status == 200, returned.json
    update.refresh_from_db()
    assert (update.state, update.returned_reason) == ("draft", "Add COP16.")

    assert _call(live_server, "POST", f"{path}submit/", focal_point).status == 200
    published = _call(live_server, "POST", f"{path}publish/", secretariat)
    assert published.status == 200, published.json
    update.refresh_from_db()
    assert update.state == "published"
    assert update.published_at is not None

    public = _call(live_server, "GET", path, None)
    assert public.status == 200
    assert public.json["summary"] == "Put."


def test_a_refused_write_is_answered_in_the_error_shape(live_server: Any) -> None:
    viewer = api_token(UserFactory.create(role="viewer"))
    update = ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-biodiversity")
    )
    refused = _call(live_server, "POST", f"/api/v1/updates/{update.pk}/submit/", viewer)
    assert refused.status == 403
    assert refused.json["error"]["code"] == "permission_denied"
    anonymous = _call(live_server, "POST", "/api/v1/updates/", None, {"summary": "x"})
    assert anonymous.status == 401
    assert anonymous.headers["WWW-Authenticate"] == "Token"
    update.refresh_from_db()
    assert update.state == "draft"
    assert ProgressUpdate.objects.filter(meeting__slug="som29-senior").count() == 1


def test_a_briefing_pack_is_asked_for_and_followed(live_server: Any) -> None:
    secretariat = api_token(UserFactory.create(role="secretariat"))
    meeting = Meeting.objects.get(slug="som28-mid-term")
    asked = _call(
        live_server, "POST", f"/api/v1/meetings/{meeting.slug}/briefing-pack/", secretariat
    )
    assert asked.status == 202, asked.json
    job = Job.objects.get(pk=asked.json["id"])
    assert job.meeting == meeting
    assert asked.headers["Location"] == f"{live_server.url}/api/v1/jobs/{job.pk}/"
    # The tasks run in the process here: the job is done by the time it is followed.
    followed = _call(live_server, "GET", f"/api/v1/jobs/{job.pk}/", secretariat)
    assert followed.status == 200
    assert followed.json["state"] == "done", followed.json
    assert followed.json["documents"]


def test_a_webhook_subscription_from_creation_to_deletion(live_server: Any) -> None:
    user = UserFactory.create(role="viewer")
    token = api_token(user)
    created = _call(
        live_server,
        "POST",
        "/api/v1/webhooks/",
        token,
        {"url": "https://hooks.example.org/emg", "events": ["update.published"]},
    )
    assert created.status == 201, created.json
    subscription = WebhookSubscription.objects.get(pk=created.json["id"])
    assert subscription.owner == user
    assert created.json["secret"] == subscription.secret
    path = f"/api/v1/webhooks/{subscription.pk}/"

    patched = _call(live_server, "PATCH", path, token, {"url": "https://hooks.example.org/v2"})
    assert patched.status == 200, patched.json
    assert "secret" not in patched.json
    subscription.refresh_from_db()
    assert subscription.url == "https://hooks.example.org/v2"

    narrowed = _call(live_server, "PATCH", path, token, {"workstreams": ["img-biodiversity"]})
    assert narrowed.status == 200, narrowed.json
    assert narrowed.json["workstreams"] == ["img-biodiversity"]
    assert [w.slug for w in subscription.workstreams.all()] == ["img-biodiversity"]
    unknown = _call(live_server, "PATCH", path, token, {"workstreams": ["img-nothing"]})
    assert unknown.status == 400
    assert list(unknown.json["error"]["fields"]) == ["workstreams.0"]
    assert [w.slug for w in subscription.workstreams.all()] == ["img-biodiversity"]

    put = _call(
        live_server,
        "PUT",
        path,
        token,
        {"url": "https://hooks.example.org/v3", "events": ["status.changed"], "active": False},
    )
    assert put.status == 200, put.json
    subscription.refresh_from_db()
    assert (subscription.url, subscription.events, subscription.active) == (
        "https://hooks.example.org/v3",
        ["status.changed"],
        False,
    )

    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=timezone.now(), consecutive_failures=10
    )
    resumed = _call(live_server, "POST", f"{path}resume/", token)
    assert resumed.status == 200, resumed.json
    assert resumed.json["paused"] is False
    subscription.refresh_from_db()
    assert (subscription.paused_at, subscription.consecutive_failures) == (None, 0)

    deleted = _call(live_server, "DELETE", path, token)
    assert deleted.status == 204
    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    assert _call(live_server, "GET", path, token).status == 404


def test_hostile_requests_on_the_wire(live_server: Any) -> None:
    """Through the real server too: the answers are the API's, not the server's."""
    token = api_token(UserFactory.create(role="secretariat"))
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/updates/",
        data=b"[" * 5000,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["error"]["code"] == "parse_error"
    nul = _call(live_server, "GET", "/api/v1/workstreams/a%00b/", None)
    assert nul.status == 404
    assert nul.json["error"]["code"] == "not_found"


def test_co_lead_inputs_merged_through_a_real_server(live_server: Any) -> None:
    undp = api_token(UserFactory.create(role="focal_point", entity="UNDP"))
    unesco = api_token(UserFactory.create(role="focal_point", entity="UNESCO"))
    secretariat = api_token(UserFactory.create(role="secretariat"))
    where = {"workstream": "img-biodiversity-awareness-knowledge", "meeting": "som29-senior"}
    for token, summary in ((undp, "UNDP held webinars."), (unesco, "UNESCO shared a kit.")):
        created = _call(
            live_server, "POST", "/api/v1/inputs/", token, {**where, "summary": summary}
        )
        assert created.status == 201, created.json
        assert created.headers["Location"] == created.json["url"]
        path = f"/api/v1/inputs/{created.json['id']}/submit/"
        submitted = _call(live_server, "POST", path, token)
        assert (submitted.status, submitted.json["state"]) == (200, "submitted")

    body = {**where, "summary": "Webinars and a kit.", "sources_public": True, "submit": True}
    refused = _call(live_server, "POST", "/api/v1/inputs/merge/", undp, body)
    assert refused.status == 403
    merged = _call(live_server, "POST", "/api/v1/inputs/merge/", secretariat, body)
    assert merged.status == 200, merged.json
    assert (merged.json["state"], merged.json["sources_public"]) == ("submitted", True)
    assert [s["entity"] for s in merged.json["sources"]] == ["undp", "unesco"]
    update = ProgressUpdate.objects.get(pk=merged.json["id"])
    assert sorted(update.sources.values_list("summary", flat=True)) == [
        "UNDP held webinars.",
        "UNESCO shared a kit.",
    ]
