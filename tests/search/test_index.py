"""The index keeps up with the record: the loader leaves it complete, and every write through
the services or the admin rewrites, in its own transaction, the entries it changes."""

from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from meetings.imports.rows import ParticipantRow
from meetings.models import Entity, Meeting, Person
from meetings.services import attendance_import
from search.index import index_rebuild
from search.models import SearchEntry
from tests.factories import ProgressUpdateFactory, UserFactory, grow_record
from workstreams import services
from workstreams.models import Decision, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

CHANGELIST = reverse("admin:workstreams_progressupdate_changelist")


def _index() -> set[tuple[Any, ...]]:
    return set(
        SearchEntry.objects.values_list("kind", "object_id", "title", "body", "url", "public")
    )


def _entry(row: Any, kind: str) -> SearchEntry:
    return SearchEntry.objects.get(kind=kind, object_id=row.pk)


def test_the_loaded_record_is_indexed_completely() -> None:
    loaded = _index()
    assert index_rebuild() == len(loaded) > 200
    assert _index() == loaded
    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert kinds == {"workstream", "update", "decision", "proposal", "meeting", "entity", "person"}


def test_a_record_without_an_index_gets_one_after_migrating() -> None:
    loaded = _index()
    SearchEntry.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert _index() == loaded


def test_the_rebuild_command_repairs_the_index(capsys: pytest.CaptureFixture[str]) -> None:
    loaded = _index()
    SearchEntry.objects.filter(kind="person").delete()
    grow_record(2)  # rows written one by one: indexed as they are written
    call_command("search_index_rebuild")
    assert f"Search index rebuilt: {len(loaded) + 2 * 6} entries." in capsys.readouterr().out
    assert loaded < _index()


def test_an_update_edited_published_and_deleted_through_the_services() -> None:
    secretariat = UserFactory.create(role="secretariat")
    update = ProgressUpdateFactory.create(summary="A first draft.")
    update.summary = "Mangrove restoration guidance drafted."
    services.progress_update_save(update=update, by=secretariat)
    entry = _entry(update, "update")
    assert "Mangrove restoration" in entry.body
    assert not entry.public
    services.progress_update_submit(update=update, by=secretariat)
    services.progress_update_publish(update=update, by=secretariat)
    assert _entry(update, "update").public
    services.progress_update_delete(update=update, by=secretariat)
    assert not SearchEntry.objects.filter(kind="update", object_id=update.pk).exists()


def test_a_write_rolled_back_leaves_the_index_as_it_was() -> None:
    before = _index()
    with transaction.atomic():
        # Its streams first: a workstream with sub-groups cannot be deleted before them.
        Workstream.objects.filter(parent__slug="img-biodiversity").delete()
        Workstream.objects.filter(slug="img-biodiversity").get().delete()
        assert _index() < before
        transaction.set_rollback(True)
    assert _index() == before


def test_renaming_a_presenter_rewrites_the_entries_that_name_her() -> None:
    kariuki = Person.objects.get(name="Angela Kariuki")
    kariuki.name = "Angela W. Kariuki-Mwangi"
    kariuki.save()
    update = ProgressUpdate.objects.get(presenter=kariuki)
    assert "Angela W. Kariuki-Mwangi" in _entry(update, "update").body
    assert _entry(kariuki, "person").title == "Angela W. Kariuki-Mwangi"


def test_deleting_a_workstream_removes_it_and_what_belongs_to_it() -> None:
    secretariat = UserFactory.create(role="secretariat")
    workstream = Workstream.objects.get(slug="img-biodiversity")
    decisions = list(Decision.objects.filter(workstream=workstream).values_list("pk", flat=True))
    # Its streams first: a workstream with sub-groups cannot be deleted before them.
    for stream in Workstream.objects.filter(parent=workstream):
        services.workstream_delete(workstream=stream, by=secretariat)
    services.workstream_delete(workstream=workstream, by=secretariat)
    assert not SearchEntry.objects.filter(kind="workstream", object_id=workstream.pk).exists()
    assert not SearchEntry.objects.filter(kind="decision", object_id__in=decisions).exists()
    assert not SearchEntry.objects.filter(title__contains="Biodiversity").exists()


def _admin_search(client: Client, query: str) -> str:
    client.force_login(UserFactory.create(role="secretariat"))
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_secretariat_finds_an_update_by_its_presenter_in_the_admin(client: Client) -> None:
    page = _admin_search(client, "Kariuki")
    assert "1 result" in page
    assert "Issue Management Group on Human Rights and Environment" in page


def test_the_admin_finds_a_draft_by_its_presenter(client: Client) -> None:
    presenter = Person.objects.create(slug="wanjiru-odhiambo", name="Wanjiru Odhiambo")
    ProgressUpdateFactory.create(presenter=presenter, summary="A draft.")
    page = _admin_search(client, "odhiambo")
    assert "1 result" in page
    assert "Draft" in page


def test_the_admin_still_finds_by_its_own_fields(client: Client) -> None:
    page = _admin_search(client, "img-human-rights")
    assert "result" in page


def test_people_added_by_the_participants_import_are_found() -> None:
    unep = Entity.objects.get(acronym="UNEP")
    row = ParticipantRow(
        file_row=1,
        name="Nomvula Dlamini",
        entity=unep,
        listed_affiliation="UNEP",
        list_number=None,
    )
    attendance_import(
        meeting=Meeting.objects.get(slug="som29-senior"),
        rows=[row],
        numbered=False,
        by=UserFactory.create(role="secretariat"),
    )
    person = Person.objects.get(name="Nomvula Dlamini")
    assert _entry(person, "person").title == "Nomvula Dlamini"
    assert _entry(person, "person").url == "/en/entities/unep/"
