"""A focal point's update presents for their own entity, unless the secretariat changes it
(issue 11): through the API, the admin and the service they both call."""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from meetings.models import Entity, Meeting
from tests.factories import NO_TAGS, ProgressUpdateFactory, UserFactory, api_token
from workstreams import services
from workstreams.models import ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

UPDATES = "/api/v1/updates/"
ADD = reverse("admin:workstreams_progressupdate_add")
NEW = {
    "workstream": "img-biodiversity",  # led by UNESCO
    "meeting": "som29-technical",
    "status": "active",
    "summary": "Guidance on nature-positive operations agreed.",
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


def _api(role: str) -> Client:
    user = (
        UserFactory.create(role="focal_point", entity="UNESCO")
        if role == "focal_point"
        else UserFactory.create(role=role)
    )
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def _entity(acronym: str) -> Entity:
    return Entity.objects.get(acronym=acronym)


def _draft() -> ProgressUpdate:
    """A UNESCO draft of a workstream UNESCO leads."""
    return ProgressUpdateFactory.create(entity=_entity("UNESCO"), summary="The draft.")


def _created() -> Any:
    return ProgressUpdate.objects.filter(summary=NEW["summary"])


class TestAPI:
    def test_a_focal_point_naming_another_entity_is_refused_and_nothing_is_written(
        self,
    ) -> None:
        response = _api("focal_point").post(
            UPDATES, {**NEW, "entity": "unep"}, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert list(error["fields"]) == ["entity"]
        assert "their own entity, UNESCO" in error["fields"]["entity"][0]
        assert not _created().exists()

    @pytest.mark.parametrize("sent", [{}, {"entity": None}])
    def test_a_focal_point_omitting_it_presents_for_their_entity(
        self, sent: dict[str, Any]
    ) -> None:
        response = _api("focal_point").post(
            UPDATES, {**NEW, **sent}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["entity"] == "unesco"
        assert _created().get().entity == _entity("UNESCO")

    def test_a_focal_point_naming_a_presenter_of_another_entity_is_refused(self) -> None:
        response = _api("focal_point").post(
            UPDATES, {**NEW, "presenter": "andrea-rizzo"}, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert list(error["fields"]) == ["presenter"]
        assert "Andrea Rizzo is not" in error["fields"]["presenter"][0]
        assert not _created().exists()

    def test_a_focal_point_naming_a_presenter_of_their_own_entity_works(self) -> None:
        response = _api("focal_point").post(
            UPDATES, {**NEW, "presenter": "bernard-combes"}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert _created().get().presenter.slug == "bernard-combes"

    def test_a_focal_point_naming_their_own_entity_works(self) -> None:
        response = _api("focal_point").post(
            UPDATES, {**NEW, "entity": "unesco"}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert _created().get().entity == _entity("UNESCO")

    def test_the_secretariat_names_any_entity(self) -> None:
        response = _api("secretariat").post(
            UPDATES, {**NEW, "entity": "unep"}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert _created().get().entity == _entity("UNEP")

    def test_a_focal_point_cannot_change_it_on_an_edit(self) -> None:
        draft = _draft()
        response = _api("focal_point").patch(
            f"{UPDATES}{draft.pk}/",
            {"entity": "unep", "summary": "Changed.", "version": 1},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
        assert list(response.json()["error"]["fields"]) == ["entity"]
        draft.refresh_from_db()
        assert (draft.entity, draft.summary, draft.version) == (_entity("UNESCO"), "The draft.", 1)

    def test_what_the_secretariat_sets_is_kept_through_a_focal_points_edits(self) -> None:
        draft = _draft()
        url = f"{UPDATES}{draft.pk}/"
        secretariat, focal_point = _api("secretariat"), _api("focal_point")
        changed = secretariat.patch(
            url, {"entity": "unep", "version": 1}, content_type="application/json"
        )
        assert changed.status_code == 200, changed.content
        assert changed.json()["entity"] == "unep"

        # An edit that leaves the entity out keeps it, whether PATCH or PUT.
        patched = focal_point.patch(
            url, {"summary": "Edited.", "version": 2}, content_type="application/json"
        )
        assert patched.status_code == 200, patched.content
        assert patched.json()["entity"] == "unep"
        put = focal_point.put(
            url, {**NEW, "meeting": "som29-senior", "version": 3}, content_type="application/json"
        )
        assert put.status_code == 200, put.content
        assert put.json()["entity"] == "unep"
        # Sending it unchanged is fine; setting it back to their own is the secretariat's call.
        same = focal_point.patch(
            url, {"entity": "unep", "version": 4}, content_type="application/json"
        )
        assert same.status_code == 200, same.content
        back = focal_point.patch(
            url, {"entity": "unesco", "version": 5}, content_type="application/json"
        )
        assert back.status_code == 400, back.content
        assert "only the secretariat changes it" in back.json()["error"]["fields"]["entity"][0]
        draft.refresh_from_db()
        assert (draft.entity, draft.version) == (_entity("UNEP"), 5)


class TestService:
    def test_a_focal_point_naming_another_entity_is_refused(self) -> None:
        focal_point = UserFactory.create(role="focal_point", entity="UNESCO")
        update = ProgressUpdate(
            workstream=Workstream.objects.get(slug="img-biodiversity"),
            meeting=Meeting.objects.get(slug="som29-technical"),
            entity=_entity("UNEP"),
            summary=NEW["summary"],
        )
        with pytest.raises(ValidationError) as refused:
            services.progress_update_save(update=update, by=focal_point)
        assert list(refused.value.message_dict) == ["entity"]
        assert not _created().exists()
        update.entity = _entity("UNESCO")
        services.progress_update_save(update=update, by=focal_point)
        assert _created().get().entity == _entity("UNESCO")


def _admin_form(update: ProgressUpdate | None = None, **changes: Any) -> dict[str, Any]:
    data = {
        "workstream": Workstream.objects.get(slug="img-biodiversity").pk,
        "meeting": Meeting.objects.get(slug="som29-technical").pk,
        "status": "active",
        "summary_en": NEW["summary"],
        "next_steps_en": "",
        "presenter": "",
        "expected_to_continue_in": "",
        # The secretariat's form has the provenance fields; a focal point's has none.
        "evidence": "stated",
        "version": 1,
        **NO_TAGS,
    }
    if update is not None:
        data.update(
            workstream=update.workstream_id,
            meeting=update.meeting_id,
            summary_en=update.summary,
            version=update.version,
        )
    return {**data, **changes}


class TestAdmin:
    def test_a_focal_points_entity_is_fixed_and_theirs(self, client: Client) -> None:
        client.force_login(UserFactory.create(role="focal_point", entity="UNESCO"))
        page = client.get(ADD)
        assert page.status_code == 200
        assert 'name="entity"' not in page.content.decode()
        # Naming another entity in the request changes nothing: the field is not theirs to set.
        response = client.post(ADD, _admin_form(entity=_entity("UNEP").pk))
        assert response.status_code == 302, response.content
        assert _created().get().entity == _entity("UNESCO")

    def test_the_secretariat_sets_any_and_a_focal_points_edit_keeps_it(
        self, client: Client
    ) -> None:
        draft = _draft()
        change = reverse("admin:workstreams_progressupdate_change", args=[draft.pk])
        client.force_login(UserFactory.create(role="secretariat"))
        page = client.get(change).content.decode()
        assert 'name="entity"' in page
        response = client.post(change, _admin_form(draft, entity=_entity("UNEP").pk))
        assert response.status_code == 302, response.content
        draft.refresh_from_db()
        assert (draft.entity, draft.version) == (_entity("UNEP"), 2)

        client.force_login(UserFactory.create(role="focal_point", entity="UNESCO"))
        page = client.get(change).content.decode()
        assert 'name="entity"' not in page
        assert "UNEP" in page  # shown, read-only
        edited = _admin_form(draft, summary_en="Edited by UNESCO.", entity=_entity("UNESCO").pk)
        response = client.post(change, edited)
        assert response.status_code == 302, response.content
        draft.refresh_from_db()
        assert (draft.entity, draft.summary, draft.version) == (
            _entity("UNEP"),
            "Edited by UNESCO.",
            3,
        )
