"""/api/v1/inputs/ and /api/v1/inputs/merge/ on the record's co-led stream (UNDP and UNESCO
lead the Biodiversity IMG's awareness stream), and the sources an update shows."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.factories import CO_LED, UserFactory, co_led_update
from workstreams.models import ProgressInput, ProgressUpdate

pytestmark = pytest.mark.usefixtures("record")

WHERE = {"workstream": CO_LED, "meeting": "som29-senior"}


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _focal_point(acronym: str) -> Client:
    return _login(UserFactory.create(role="focal_point", entity=acronym))


def _secretariat() -> Client:
    return _login(UserFactory.create(role="secretariat"))


def _post(client: Client, path: str, body: Any = None) -> Any:
    return client.post(path, body or {}, content_type="application/json")


def test_two_focal_points_submit_and_the_secretariat_merges() -> None:
    undp, unesco, secretariat = _focal_point("UNDP"), _focal_point("UNESCO"), _secretariat()
    one = _post(undp, "/api/v1/inputs/", {**WHERE, "summary": "Webinars.", "status": "active"})
    assert one.status_code == 201, one.json()
    assert {k: one.json()[k] for k in ("entity", "state", "status", "merged_into")} == {
        "entity": "undp",
        "state": "draft",
        "status": "active",
        "merged_into": None,
    }
    two = _post(unesco, "/api/v1/inputs/", {**WHERE, "summary": "A knowledge kit."})
    # Each sees no other entity's draft.
    assert [i["entity"] for i in unesco.get("/api/v1/inputs/").json()["results"]] == ["unesco"]
    assert undp.get(f"/api/v1/inputs/{two.json()['id']}/").status_code == 404
    assert _post(undp, f"/api/v1/inputs/{one.json()['id']}/submit/").status_code == 200
    assert _post(unesco, f"/api/v1/inputs/{two.json()['id']}/submit/").status_code == 200
    # Submitted, the co-lead's input is in sight, side by side.
    assert [i["entity"] for i in unesco.get("/api/v1/inputs/").json()["results"]] == [
        "undp",
        "unesco",
    ]

    merged = _post(
        secretariat,
        "/api/v1/inputs/merge/",
        {**WHERE, "summary": "Webinars and a kit.", "next_steps": "Translate the kit."},
    )

    assert merged.status_code == 200, merged.json()
    update = merged.json()
    assert (update["state"], update["status"], update["sources_public"]) == (
        "draft",
        "active",
        False,
    )
    assert [(s["entity_name"], s["summary"]) for s in update["sources"]] == [
        ("UNDP", "Webinars."),
        ("UNESCO", "A knowledge kit."),
    ]
    # Merged, an input is locked.
    locked = undp.patch(
        f"/api/v1/inputs/{one.json()['id']}/", {"summary": "Late."}, content_type="application/json"
    )
    assert locked.status_code == 403
    assert ProgressInput.objects.get(pk=one.json()["id"]).summary == "Webinars."


def test_a_focal_point_cannot_edit_another_entitys_input() -> None:
    undp, unesco = _focal_point("UNDP"), _focal_point("UNESCO")
    theirs = _post(undp, "/api/v1/inputs/", {**WHERE, "summary": "UNDP's."}).json()
    _post(undp, f"/api/v1/inputs/{theirs['id']}/submit/")
    # Submitted, UNESCO reads it, but may not change it.
    assert unesco.get(f"/api/v1/inputs/{theirs['id']}/").status_code == 200
    answer = unesco.patch(
        f"/api/v1/inputs/{theirs['id']}/", {"summary": "Ours."}, content_type="application/json"
    )
    assert answer.status_code == 403
    in_their_name = _post(unesco, "/api/v1/inputs/", {**WHERE, "entity": "undp", "summary": "X"})
    assert in_their_name.status_code == 400
    assert in_their_name.json()["error"]["fields"]["entity"] == [
        "A focal point writes the input of their own entity only."
    ]
    assert ProgressInput.objects.get().summary == "UNDP's."


def test_anonymous_clients_see_no_inputs(client: Client) -> None:
    co_led_update(publish=True, sources_public=True)
    assert client.get("/api/v1/inputs/").status_code in {401, 403}
    assert client.post("/api/v1/inputs/merge/", WHERE).status_code in {401, 403}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"summary": " "}, "summary", "This field may not be blank."),
        ({"summary": "x", "sources_public": "yes"}, "sources_public", "Must be true or false."),
        ({"summary": "x", "workstream": "nothing"}, "workstream", None),
    ],
)
def test_a_bad_merge_is_a_400_and_writes_nothing(
    body: dict[str, Any], field: str, message: str | None
) -> None:
    co_led_inputs_submitted()
    answer = _post(_secretariat(), "/api/v1/inputs/merge/", {**WHERE, **body})
    assert answer.status_code == 400, answer.json()
    errors = answer.json()["error"]["fields"]
    assert field in errors
    assert message is None or errors[field] == [message]
    assert not ProgressUpdate.objects.filter(workstream__slug=CO_LED).exists()


def co_led_inputs_submitted() -> None:
    for acronym in ("UNDP", "UNESCO"):
        client = _focal_point(acronym)
        made = _post(client, "/api/v1/inputs/", {**WHERE, "summary": f"{acronym}'s."}).json()
        _post(client, f"/api/v1/inputs/{made['id']}/submit/")


def test_nothing_to_merge_is_a_400() -> None:
    answer = _post(_secretariat(), "/api/v1/inputs/merge/", {**WHERE, "summary": "x"})
    assert answer.status_code == 400
    assert "nothing to merge" in str(answer.json())


def _sources(client: Client, update: ProgressUpdate) -> tuple[list[str], list[str]]:
    """The sources' entities in the update's own answer and in the updates list."""
    one = client.get(f"/api/v1/updates/{update.pk}/").json()
    listed = client.get(f"/api/v1/updates/?workstream={CO_LED}").json()["results"]
    return [s["entity"] for s in one["sources"]], [s["entity"] for s in listed[0]["sources"]]


def test_published_with_public_sources_the_api_shows_them(client: Client) -> None:
    update = co_led_update(publish=True, sources_public=True)
    assert _sources(client, update) == (["undp", "unesco"], ["undp", "unesco"])


def test_not_public_only_the_secretariat_sees_the_sources(client: Client) -> None:
    update = co_led_update(publish=True, sources_public=False)
    assert _sources(client, update) == ([], [])
    assert _sources(_focal_point("UNDP"), update) == ([], [])
    assert _sources(_secretariat(), update) == (["undp", "unesco"], ["undp", "unesco"])


def test_the_updates_list_reads_sources_in_one_query(
    client: Client, django_assert_num_queries: Any
) -> None:
    """With no sources shown the list's count is as before; with three co-led updates showing
    theirs, one query more, not one an update."""
    with django_assert_num_queries(3):  # count, page, cross-references (tests/api/test_api.py)
        client.get("/api/v1/updates/?page_size=200")
    for meeting in ("som29-senior", "som29-technical", "som29-mid-term"):
        co_led_update(meeting=meeting, publish=True, sources_public=True)
    with django_assert_num_queries(4):
        answer = client.get("/api/v1/updates/?page_size=200")
    shown = [u for u in answer.json()["results"] if u["sources"]]
    assert len(shown) == 3


def test_the_inputs_list_query_count_is_flat(django_assert_num_queries: Any) -> None:
    """Session, user, groups, focal point, led workstreams, count, page: with two co-led
    updates' inputs or four, the same."""
    co_led_update()
    secretariat = _secretariat()
    with django_assert_num_queries(5):
        assert len(secretariat.get("/api/v1/inputs/").json()["results"]) == 2
    co_led_update(meeting="som29-technical")
    with django_assert_num_queries(5):
        assert len(secretariat.get("/api/v1/inputs/").json()["results"]) == 4
