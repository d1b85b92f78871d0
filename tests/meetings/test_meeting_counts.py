"""A meeting's participant and entity counts are kept on the meeting by every write of its
list of participants: the import, the admin's attendance pages and its meeting form."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from meetings.imports.rows import ParticipantRow
from meetings.models import Attendance, Entity, Meeting, Person
from meetings.services import attendance_import

pytestmark = pytest.mark.usefixtures("record")


def _counts(slug: str) -> tuple[int, int]:
    meeting = Meeting.objects.get(slug=slug)
    return meeting.participant_count, meeting.entity_count


def _listed(slug: str) -> tuple[int, int]:
    attendances = Attendance.objects.filter(meeting__slug=slug)
    entities = attendances.exclude(entity=None).values("entity").distinct().count()
    return attendances.count(), entities


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def test_the_record_counts_its_lists() -> None:
    assert _counts("som28-mid-term") == (103, 47) == _listed("som28-mid-term")
    assert _counts("som29-senior") == (0, 0)


def test_an_import_counts_the_list_again() -> None:
    unep = Entity.objects.get(acronym="UNEP")
    rows = [
        ParticipantRow(
            file_row=2, name="Ana Counted", entity=unep, listed_affiliation="UNEP", list_number=None
        ),
        ParticipantRow(
            file_row=3, name="Bo Counted", entity=None, listed_affiliation="", list_number=None
        ),
    ]
    meeting = Meeting.objects.get(slug="som29-senior")
    attendance_import(
        meeting=meeting, rows=rows, numbered=False, by=User.objects.create_user("sec")
    )
    assert _counts("som29-senior") == (2, 1)


def test_the_attendance_admin_counts_what_it_adds_moves_and_deletes(admin_client: Client) -> None:
    person = Person.objects.create(slug="cy-counted", name="Cy Counted")
    senior, technical = (Meeting.objects.get(slug=s) for s in ("som29-senior", "som29-technical"))
    unep = Entity.objects.get(acronym="UNEP")
    form = {"person": person.pk, "entity": unep.pk, "listed_affiliation": "UNEP"}
    response = admin_client.post("/admin/meetings/attendance/add/", form | {"meeting": senior.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _counts("som29-senior") == (1, 1)

    attendance = Attendance.objects.get(person=person)
    url = f"/admin/meetings/attendance/{attendance.pk}/change/"
    assert admin_client.post(url, form | {"meeting": technical.pk}).status_code == 302
    assert (_counts("som29-senior"), _counts("som29-technical")) == ((0, 0), (1, 1))

    delete = f"/admin/meetings/attendance/{attendance.pk}/delete/"
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert _counts("som29-technical") == (0, 0)


def test_the_meeting_list_in_the_api_reads_the_kept_counts(client: Client) -> None:
    Meeting.objects.filter(slug="som28-mid-term").update(participant_count=7, entity_count=3)
    meetings = client.get("/api/v1/meetings/?page_size=200").json()["results"]
    mid_term = next(m for m in meetings if m["slug"] == "som28-mid-term")
    assert (mid_term["participant_count"], mid_term["entity_count"]) == (7, 3)
