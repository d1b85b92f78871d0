"""Decisions, proposals and meetings are written through services, which the admin calls: each
re-derives the status cells it moves, in one place (workstreams/services/meeting_record.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from meetings.models import Meeting
from tests.factories import UserFactory
from workstreams import services
from workstreams.models import Decision, Proposal, TimelineEntry, Workstream

pytestmark = pytest.mark.usefixtures("record")


def _cell(workstream: str, meeting: str) -> tuple[str, str] | None:
    entry = TimelineEntry.objects.filter(workstream__slug=workstream, meeting__slug=meeting).first()
    return (entry.status, entry.basis) if entry else None


def _decision(workstream: str, meeting: str) -> Decision:
    source = Meeting.objects.get(slug=meeting).documents.first()
    return Decision(
        workstream=Workstream.objects.get(slug=workstream),
        meeting=Meeting.objects.get(slug=meeting),
        kind=Decision.Kind.CONCLUDE,
        text="The Senior Officials concluded it.",
        source=source,
        source_section="2.1",
        source_quote="It concluded its work.",
    )


def test_a_decision_moved_to_another_workstream_re_derives_both_rows() -> None:
    secretariat = UserFactory.create(role="secretariat")
    decision = services.decision_save(
        decision=_decision("img-biodiversity", "som29-mid-term"), by=secretariat
    )
    assert _cell("img-biodiversity", "som29-mid-term") == ("concluded", "decision")

    decision.workstream = Workstream.objects.get(slug="img-human-rights-environment")
    services.decision_save(decision=decision, by=secretariat)

    assert _cell("img-biodiversity", "som29-mid-term") == ("active", "update")
    assert _cell("img-human-rights-environment", "som29-mid-term") == ("concluded", "decision")
    assert Workstream.objects.get(slug="img-human-rights-environment").status_now == "concluded"


def test_deleting_a_decision_gives_the_cell_back_to_the_update() -> None:
    secretariat = UserFactory.create(role="secretariat")
    decision = services.decision_save(
        decision=_decision("img-biodiversity", "som29-mid-term"), by=secretariat
    )
    services.decision_delete(decision=decision, by=secretariat)
    assert _cell("img-biodiversity", "som29-mid-term") == ("active", "update")
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_a_focal_point_may_not_record_a_decision() -> None:
    with pytest.raises(PermissionDenied):
        services.decision_save(
            decision=_decision("img-biodiversity", "som29-mid-term"),
            by=UserFactory.create(role="focal_point", entity="UNEP"),
        )
    assert _cell("img-biodiversity", "som29-mid-term") == ("active", "update")
    assert not Decision.objects.filter(kind=Decision.Kind.CONCLUDE).exists()


def test_deleting_a_concept_note_leaves_no_record_where_it_was_the_only_one() -> None:
    note = Proposal.objects.get(
        workstream__slug="nexus-dialogue-minerals-metals", meeting__slug="som28-mid-term"
    )
    assert _cell("nexus-dialogue-minerals-metals", "som28-mid-term") == ("proposed", "proposal")
    services.proposal_delete(proposal=note, by=UserFactory.create(role="secretariat"))
    assert _cell("nexus-dialogue-minerals-metals", "som28-mid-term") is None


def test_a_meeting_moved_earlier_than_another_changes_which_status_is_now() -> None:
    """rco-unct: proposed at SOM28 mid-term, active at SOM29 midterm. Put SOM29 midterm's date
    before SOM28 mid-term's, and SOM28 mid-term becomes the latest meeting with a record."""
    assert Workstream.objects.get(slug="rco-unct-triple-planetary-crisis").status_now == "active"
    meeting = Meeting.objects.get(slug="som29-mid-term")
    meeting.date = datetime.date(2022, 1, 10)
    meeting.som_number = 27
    services.meeting_save(
        meeting=meeting, by=UserFactory.create(role="secretariat"), changed=["date", "som_number"]
    )
    assert Workstream.objects.get(slug="rco-unct-triple-planetary-crisis").status_now == "proposed"


def test_the_admin_deletes_a_concept_note_through_its_service(client: Client) -> None:
    note = Proposal.objects.get(
        workstream__slug="nexus-dialogue-minerals-metals", meeting__slug="som28-mid-term"
    )
    client.force_login(UserFactory.create(role="secretariat"))
    response = client.post(f"/admin/workstreams/proposal/{note.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Proposal.objects.filter(pk=note.pk).exists()
    assert _cell("nexus-dialogue-minerals-metals", "som28-mid-term") is None


def test_the_admin_deletes_decisions_in_bulk_through_their_service(client: Client) -> None:
    secretariat = UserFactory.create(role="secretariat")
    decision = services.decision_save(
        decision=_decision("img-biodiversity", "som29-mid-term"), by=secretariat
    )
    client.force_login(secretariat)
    response = client.post(
        "/admin/workstreams/decision/",
        {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _cell("img-biodiversity", "som29-mid-term") == ("active", "update")
