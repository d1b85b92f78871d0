"""The attendance import's write, meetings.services.attendance_import, called as the admin and a
future intake of meeting reports call it; the confirmation's kept upload, which a forged name
cannot reach; and the order problems are listed in."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from meetings.imports.forms import uploads_folder
from meetings.imports.rows import ParticipantRow
from meetings.models import Attendance, Entity, Meeting, Person
from meetings.services import ImportRefused, ImportResult, attendance_import
from tests.meetings.test_participant_import import LIST, counts, upload, user_in


@pytest.fixture
def meeting(record: None) -> Meeting:
    return Meeting.objects.get(slug="som29-senior")


@pytest.fixture
def secretary(record: None) -> User:
    return user_in("secretariat", "sec")


def rows(*people: tuple[str, str, int | None]) -> list[ParticipantRow]:
    return [
        ParticipantRow(
            file_row=index + 2,
            name=name,
            entity=Entity.objects.get(acronym=acronym) if acronym else None,
            listed_affiliation=acronym,
            list_number=number,
        )
        for index, (name, acronym, number) in enumerate(people)
    ]


def test_the_service_writes_the_list_and_logs_who_imported_it(
    meeting: Meeting, secretary: User
) -> None:
    before = counts()

    result = attendance_import(
        meeting=meeting,
        rows=rows(("Ana Servicetest", "UNEP", 1), ("Andrea Rizzo", "", 2)),
        numbered=True,
        by=secretary,
    )

    assert result == ImportResult(meeting=meeting, added=2, updated=0, unchanged=0)
    assert counts() == (before[0] + 1, before[1] + 2)
    ana = Attendance.objects.get(meeting=meeting, person__name="Ana Servicetest")
    assert (ana.entity, ana.listed_affiliation, ana.list_number) == (
        Entity.objects.get(acronym="UNEP"),
        "UNEP",
        1,
    )
    [entry] = LogEntry.objects.filter(user=secretary)
    assert entry.object_id == str(meeting.pk)
    assert entry.change_message == "Imported participants: 2 added, 0 updated, 0 unchanged."


def test_the_service_refuses_a_clash_and_writes_nothing(meeting: Meeting, secretary: User) -> None:
    holder = Person.objects.create(slug="holder", name="Number Holder")
    Attendance.objects.create(meeting=meeting, person=holder, list_number=1)
    before = counts()

    with pytest.raises(ImportRefused) as refused:
        attendance_import(
            meeting=meeting,
            rows=rows(("Bo Servicetest", "UNDP", 2), ("Cy Servicetest", "UNEP", 1)),
            numbered=True,
            by=secretary,
        )

    assert refused.value.messages == [
        "Row 3: list number 1 is already given to “Number Holder” at SOM29 senior, "
        "who is not in this file."
    ]
    assert counts() == before, "not even Bo, whose row was fine"
    assert not LogEntry.objects.filter(user=secretary).exists()


@pytest.mark.parametrize("name", ["../bait.csv", "/etc/passwd", "0" * 31, "x" * 32])
def test_a_forged_upload_name_reads_no_file(
    record: None, client: Client, meeting: Meeting, name: str
) -> None:
    client.force_login(user_in("secretariat", "sec"))
    # A file an attacker would like read as a list of participants, outside the uploads folder.
    uploads_folder().mkdir(mode=0o700, parents=True, exist_ok=True)
    bait = uploads_folder().parent / "bait.csv"
    bait.write_text("name,entity\nMallory Bait,UNEP\n")
    before = counts()

    response = client.post(
        reverse("admin:meetings_attendance_process_import"),
        {
            "import_file_name": name,
            "original_file_name": "p.csv",
            "format": "0",
            "meeting": meeting.pk,
        },
        follow=True,
    )

    bait.unlink()
    assertContains(response, "This preview has already been imported or has expired.")
    assert counts() == before


def test_the_name_a_preview_gives_reads_its_upload(
    record: None, client: Client, meeting: Meeting
) -> None:
    client.force_login(user_in("secretariat", "sec"))
    preview = upload(client, meeting, LIST)
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert (uploads_folder() / name).read_bytes() == LIST.encode()

    response = client.post(
        reverse("admin:meetings_attendance_process_import"),
        {
            "import_file_name": name,
            "original_file_name": "p.csv",
            "format": "0",
            "meeting": meeting.pk,
        },
        follow=True,
    )

    assertContains(response, "5 added, 0 updated, 0 unchanged.")
    assert not (uploads_folder() / name).exists(), "the confirmation removes the kept upload"


def test_problems_are_listed_in_the_order_of_the_file(record: None, client: Client) -> None:
    """A clash with the meeting's list (found by the plan) and a bad cell (found reading the
    rows) come out row by row, as the user reads their file."""
    client.force_login(user_in("secretariat", "sec"))
    meeting = Meeting.objects.get(slug="som29-senior")
    Person.objects.create(slug="sam-twin", name="Sam Twin")
    Person.objects.create(slug="sam-twin-2", name="Sam Twin")

    response = upload(client, meeting, "name,entity\nSam Twin,UNEP\nBo Importtest,UNEPP\n")

    html = response.content.decode()
    namesake = html.index("Row 2: more than one person in the record is named")
    unknown = html.index("Row 3: unknown entity “UNEPP”.")
    assert namesake < unknown
