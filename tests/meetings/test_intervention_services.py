"""Interventions are written through ``intervention_save`` and ``intervention_delete``, which the
admin calls and the report loader calls too (meetings/services.py)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from meetings import admin as meetings_admin
from meetings import services
from meetings.models import Entity, Intervention, Meeting
from tests.factories import UserFactory, first

pytestmark = pytest.mark.usefixtures("record")


def _intervention(**values: Any) -> Intervention:
    return Intervention(
        **{
            "meeting": Meeting.objects.get(slug="som29-mid-term"),
            "position": 900,
            "entity": Entity.objects.get(slug="unep"),
            "summary": "UNEP welcomed the report.",
            **values,
        }
    )


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """The ids of the interventions the admin passed to the service ``name``, which still does
    the work."""
    called: list[int] = []
    service = getattr(services, name)

    def spy(*, intervention: Intervention, by: Any) -> Any:
        called.append(intervention.pk)
        return service(intervention=intervention, by=by)

    monkeypatch.setattr(meetings_admin, name, spy)
    return called


def test_the_secretariat_adds_an_intervention() -> None:
    saved = services.intervention_save(
        intervention=_intervention(), by=UserFactory.create(role="secretariat")
    )
    stored = Intervention.objects.get(pk=saved.pk)
    assert (stored.meeting.slug, stored.position, stored.entity.slug, stored.summary) == (
        "som29-mid-term",
        900,
        "unep",
        "UNEP welcomed the report.",
    )


def test_an_intervention_without_a_summary_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        services.intervention_save(
            intervention=_intervention(summary=""), by=UserFactory.create(role="secretariat")
        )
    assert "summary" in refused.value.message_dict
    assert not Intervention.objects.filter(position=900).exists()


def test_a_focal_point_may_neither_add_nor_delete_an_intervention() -> None:
    focal_point = UserFactory.create(role="focal_point", entity="UNEP")
    with pytest.raises(PermissionDenied):
        services.intervention_save(intervention=_intervention(), by=focal_point)
    assert not Intervention.objects.filter(position=900).exists()

    existing = first(Intervention.objects.order_by("pk"))
    with pytest.raises(PermissionDenied):
        services.intervention_delete(intervention=existing, by=focal_point)
    assert Intervention.objects.filter(pk=existing.pk).exists()


def test_the_admin_saves_an_intervention_through_its_service(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = _spy(monkeypatch, "intervention_save")
    intervention = first(Intervention.objects.order_by("pk"))
    client.force_login(UserFactory.create(role="secretariat"))
    response = client.post(
        f"/admin/meetings/intervention/{intervention.pk}/change/",
        {
            "meeting": intervention.meeting_id,
            "agenda_item": intervention.agenda_item_id or "",
            "position": intervention.position,
            "entity": intervention.entity_id,
            "person": intervention.person_id or "",
            "speaker_as_recorded": intervention.speaker_as_recorded,
            "summary": "Corrected by the secretariat.",
            "source": intervention.source_id or "",
            "source_section": intervention.source_section,
            "source_quote": intervention.source_quote,
            "kind": intervention.kind,
            "evidence": intervention.evidence,
            "evidence_reason": intervention.evidence_reason,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved == [intervention.pk]
    assert Intervention.objects.get(pk=intervention.pk).summary == "Corrected by the secretariat."


def test_the_admin_deletes_interventions_one_and_in_bulk_through_their_service(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    deleted = _spy(monkeypatch, "intervention_delete")
    one, two, three = Intervention.objects.order_by("pk")[:3]
    client.force_login(UserFactory.create(role="secretariat"))

    response = client.post(f"/admin/meetings/intervention/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        "/admin/meetings/intervention/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert sorted(deleted) == [one.pk, two.pk, three.pk]
    assert not Intervention.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()
