"""The secretariat imports a meeting's list of participants from a CSV or XLSX file, in the admin.

Each test drives the real admin views: upload, preview, confirm, and looks at what a user
would see (the page, the messages) and at what is in the database.
"""

import io
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.db.models import F, QuerySet
from django.test import Client
from django.urls import reverse
from openpyxl.worksheet.worksheet import Worksheet
from pytest_django.asserts import assertContains, assertNotContains

from meetings.models import Attendance, Entity, Meeting, Person

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CSV = "0"
XLSX = "1"

LIST = (
    "name,entity,list_number\n"
    "Ana Importtest,UNEP,1\n"
    "Bo Importtest,unesco,2\n"
    "Cy Importtest,,3\n"
    "Dee Importtest,International Labour Organization,4\n"
    "Andrea Rizzo,UNEP,5\n"
)


def import_url() -> str:
    return reverse("admin:meetings_attendance_import")


def counts() -> tuple[int, int]:
    return Person.objects.count(), Attendance.objects.count()


def user_in(group: str, username: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def secretariat(record: None, client: Client) -> Client:
    client.force_login(user_in("secretariat", "sec"))
    return client


@pytest.fixture
def meeting(record: None) -> Meeting:
    return Meeting.objects.get(slug="som29-senior")


def upload(
    client: Client,
    meeting: Meeting,
    content: str | bytes,
    file_format: str = CSV,
    filename: str = "participants.csv",
) -> "Response":
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        import_url(),
        {
            "meeting": meeting.pk,
            "format": file_format,
            "resource": "0",
            "import_file": SimpleUploadedFile(filename, data),
        },
    )


def confirm(client: Client, preview: "Response") -> "Response":
    """Click "Confirm import" on a preview page, and follow to the page it leads to."""
    form = preview.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields}
    return client.post(reverse("admin:meetings_attendance_process_import"), data, follow=True)


def attendance_rows(meeting: Meeting) -> list[tuple[str, str | None, str, int | None]]:
    return [
        (a.person.name, a.entity.acronym if a.entity else None, a.listed_affiliation, a.list_number)
        for a in meeting.attendances.select_related("person", "entity").order_by(
            F("list_number").asc(nulls_last=True), "person__name"
        )
    ]


def xlsx(rows: Iterable[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_the_secretariat_sees_the_import_button(secretariat: Client, meeting: Meeting) -> None:
    response = secretariat.get(reverse("admin:meetings_attendance_changelist"))
    assertContains(response, import_url())

    response = secretariat.get(import_url())
    assertContains(response, "SOM29 senior (10 October 2023)")
    assertContains(response, '<code translate="no">name, entity, list_number</code>')
    # A link can name the meeting.
    response = secretariat.get(f"{import_url()}?meeting={meeting.pk}")
    assertContains(response, f'<option value="{meeting.pk}" selected>')


def test_the_meeting_and_the_file_are_required(secretariat: Client) -> None:
    response = secretariat.post(import_url(), {"format": CSV, "resource": "0"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"meeting", "import_file"}


def test_csv_preview_then_confirm_writes_the_list(secretariat: Client, meeting: Meeting) -> None:
    before = counts()

    preview = upload(secretariat, meeting, LIST)

    assert preview.status_code == 200
    assertContains(preview, "Participants of SOM29 senior: 5 to add, 0 to update, 0 unchanged.")
    assertContains(preview, "New", count=5)
    for shown in ("Ana Importtest", "UNESCO", "unesco", "Dee Importtest", "ILO", "Andrea Rizzo"):
        assertContains(preview, shown)
    assert counts() == before, "the preview writes nothing"

    done = confirm(secretariat, preview)

    assert done.redirect_chain[-1][0].endswith(f"?meeting__id__exact={meeting.pk}")
    assertContains(done, "Participants of SOM29 senior imported: 5 added, 0 updated, 0 unchanged.")
    assert attendance_rows(meeting) == [
        ("Ana Importtest", "UNEP", "UNEP", 1),
        ("Bo Importtest", "UNESCO", "unesco", 2),
        ("Cy Importtest", None, "", 3),
        ("Dee Importtest", "ILO", "International Labour Organization", 4),
        ("Andrea Rizzo", "UNEP", "UNEP", 5),
    ]
    # Four new people, with slugs from their names; Andrea Rizzo was in the record already.
    assert counts() == (before[0] + 4, before[1] + 5)
    assert Person.objects.get(name="Ana Importtest").slug == "ana-importtest"
    assert Person.objects.get(name="Ana Importtest").entity == Entity.objects.get(acronym="UNEP")
    assert Person.objects.filter(name="Andrea Rizzo").count() == 1


def test_importing_the_same_file_again_changes_nothing(
    secretariat: Client, meeting: Meeting
) -> None:
    confirm(secretariat, upload(secretariat, meeting, LIST))
    before, rows = counts(), attendance_rows(meeting)

    preview = upload(secretariat, meeting, LIST)

    assertContains(preview, "Participants of SOM29 senior: 0 to add, 0 to update, 5 unchanged.")
    assertContains(preview, "Unchanged", count=5)
    assertNotContains(preview, ">New<")
    done = confirm(secretariat, preview)
    assertContains(done, "0 added, 0 updated, 5 unchanged.")
    assert counts() == before
    assert attendance_rows(meeting) == rows


def test_a_corrected_list_updates_and_renumbers(secretariat: Client, meeting: Meeting) -> None:
    confirm(secretariat, upload(secretariat, meeting, LIST))
    before = counts()
    # Cy now has an entity, and Ana and Bo swap numbers, which the database's unique
    # (meeting, list number) constraint would refuse if written one row at a time.
    corrected = (
        "name,entity,list_number\n"
        "Bo Importtest,unesco,1\n"
        "Ana Importtest,UNEP,2\n"
        "Cy Importtest,UNDP,3\n"
    )

    preview = upload(secretariat, meeting, corrected)

    assertContains(preview, "Participants of SOM29 senior: 0 to add, 3 to update, 0 unchanged.")
    done = confirm(secretariat, preview)
    assertContains(done, "0 added, 3 updated, 0 unchanged.")
    assert counts() == before
    assert attendance_rows(meeting) == [
        ("Bo Importtest", "UNESCO", "unesco", 1),
        ("Ana Importtest", "UNEP", "UNEP", 2),
        ("Cy Importtest", "UNDP", "UNDP", 3),
        ("Dee Importtest", "ILO", "International Labour Organization", 4),
        ("Andrea Rizzo", "UNEP", "UNEP", 5),
    ]


def test_without_a_list_number_column_numbers_are_kept(
    secretariat: Client, meeting: Meeting
) -> None:
    confirm(secretariat, upload(secretariat, meeting, LIST))

    preview = upload(secretariat, meeting, "name,entity\nAna Importtest,UNEP\nEd Importtest,UNDP\n")

    assertContains(preview, "1 to add, 0 to update, 1 unchanged.")
    confirm(secretariat, preview)
    assert ("Ana Importtest", "UNEP", "UNEP", 1) in attendance_rows(meeting)
    assert ("Ed Importtest", "UNDP", "UNDP", None) in attendance_rows(meeting)


def test_an_xlsx_file_is_imported(secretariat: Client, meeting: Meeting) -> None:
    workbook = xlsx(
        [
            ["Name", "Entity", "List number"],
            ["Ana Importtest", "UNEP", 1],
            ["Bo Importtest", "UNESCO", 2.0],
            [None, None, None],  # a blank row is skipped
            ["Cy Importtest", None, None],
        ]
    )

    preview = upload(secretariat, meeting, workbook, XLSX, "participants.xlsx")

    assertContains(preview, "Participants of SOM29 senior: 3 to add, 0 to update, 0 unchanged.")
    confirm(secretariat, preview)
    assert attendance_rows(meeting) == [
        ("Ana Importtest", "UNEP", "UNEP", 1),
        ("Bo Importtest", "UNESCO", "UNESCO", 2),
        ("Cy Importtest", None, "", None),
    ]


def test_an_unknown_entity_names_the_row_and_nothing_is_written(
    secretariat: Client, meeting: Meeting
) -> None:
    before = counts()
    content = "name,entity\nAna Importtest,UNEP\nBo Importtest,UNESCO\nCy Importtest,UNEPP\n"

    response = upload(secretariat, meeting, content)

    assert response.status_code == 200
    assertContains(response, "Row 4: unknown entity “UNEPP”.")
    assertContains(response, "the header is row 1, the first participant row 2")
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_an_xlsx_error_names_the_row_of_the_sheet(secretariat: Client, meeting: Meeting) -> None:
    workbook = xlsx([["name", "entity"], ["Ana Importtest", "UNEP"], [None, None], ["Bo", "XYZ"]])

    response = upload(secretariat, meeting, workbook, XLSX, "participants.xlsx")

    assertContains(response, "Row 4: unknown entity “XYZ”.")


def test_a_blank_line_in_a_csv_does_not_shift_row_numbers(
    secretariat: Client, meeting: Meeting
) -> None:
    response = upload(secretariat, meeting, "name,entity\nAna Importtest,UNEP\n\nBo,UNEPP\n")

    assertContains(response, "Row 4: unknown entity “UNEPP”.")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,entity,list_number\nAna Importtest,UNEP,1\nBo Importtest,UNDP,two\n",
            "Row 3: the list number “two” is not a whole number.",
        ),
        (
            "name,entity,list_number\nAna Importtest,UNEP,1\nBo Importtest,UNDP,0\n",
            "Row 3: the list number 0 is not between 1 and 32767.",
        ),
        (
            "name,entity,list_number\nAna Importtest,UNEP,1\nBo Importtest,UNDP,1\n",
            "Row 3: list number 1 is used twice (first on row 2).",
        ),
        (
            "name,entity\nAna Importtest,UNEP\nBo Importtest,UNDP\nAna Importtest,ILO\n",
            "Row 4: “Ana Importtest” is listed twice (first on row 2).",
        ),
        ("name,entity\nAna Importtest,UNEP\n,UNDP\n", "Row 3: the name is blank."),
        ("name,entity\nAna\x00Importtest,UNEP\n", "Row 2: the name contains a control character."),
        (
            "full name,entity\nAna Importtest,UNEP\n",
            "Row 1: the header row needs the columns “name”, “entity”; it is missing “name”.",
        ),
        ("name,entity\n\n\n", "The file has a header row but no participants below it."),
    ],
    ids=[
        "list-number",
        "list-number-zero",
        "number-twice",
        "name-twice",
        "blank-name",
        "nul",
        "header",
        "empty",
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(
    secretariat: Client, meeting: Meeting, content: str, message: str
) -> None:
    before = counts()

    response = upload(secretariat, meeting, content)

    assert response.status_code == 200
    assertContains(response, message)
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_every_problem_is_listed_at_once(secretariat: Client, meeting: Meeting) -> None:
    content = "name,entity,list_number\n,UNEP,1\nBo Importtest,UNEPP,x\n"

    response = upload(secretariat, meeting, content)

    assertContains(response, "Row 2: the name is blank.")
    assertContains(response, "Row 3: unknown entity “UNEPP”.")
    assertContains(response, "Row 3: the list number “x” is not a whole number.")


def test_a_list_number_held_by_someone_else_is_refused(
    secretariat: Client, meeting: Meeting
) -> None:
    confirm(secretariat, upload(secretariat, meeting, LIST))

    response = upload(secretariat, meeting, "name,entity,list_number\nEd Importtest,UNDP,2\n")

    assertContains(
        response,
        "Row 2: list number 2 is already given to “Bo Importtest” at SOM29 senior, "
        "who is not in this file.",
    )


def test_a_problem_arising_after_the_preview_writes_nothing(
    secretariat: Client, meeting: Meeting
) -> None:
    preview = upload(secretariat, meeting, LIST)
    assertContains(preview, "5 to add")
    # Between the preview and the confirmation someone else records number 4 by hand.
    person = Person.objects.create(slug="someone-else", name="Someone Else")
    Attendance.objects.create(meeting=meeting, person=person, list_number=4)
    before = counts()

    done = confirm(secretariat, preview)

    assert done.status_code == 200
    assertContains(done, "Nothing was imported.")
    assertContains(done, "Row 5: list number 4 is already given to “Someone Else”")
    assert counts() == before, "not even the new people are written"


def test_a_batch_failing_to_save_undoes_the_whole_import(
    secretariat: Client, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = upload(secretariat, meeting, LIST)
    before = counts()
    bulk_create = QuerySet.bulk_create

    def failing_bulk_create(self: QuerySet[Any], objs: Any, *args: Any, **kwargs: Any) -> Any:
        if self.model is Attendance:
            raise IntegrityError("the database refused these rows")
        return bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", failing_bulk_create)
    done = confirm(secretariat, preview)

    assertContains(done, "Nothing was imported.")
    assertContains(done, "The database refused these rows")
    assert counts() == before, "neither the other rows nor the new people are kept"


def test_a_semicolon_separated_csv_is_read(secretariat: Client, meeting: Meeting) -> None:
    preview = upload(secretariat, meeting, "Name;Entity\nAna Importtest;UNEP\n")

    assertContains(preview, "1 to add")
    confirm(secretariat, preview)
    assert attendance_rows(meeting) == [("Ana Importtest", "UNEP", "UNEP", None)]


def test_namesakes_are_not_guessed(secretariat: Client, meeting: Meeting) -> None:
    Person.objects.create(slug="sam-twin", name="Sam Twin")
    Person.objects.create(slug="sam-twin-2", name="Sam Twin")

    response = upload(secretariat, meeting, "name,entity\nSam Twin,UNEP\n")

    assertContains(
        response,
        "Row 2: more than one person in the record is named “Sam Twin”; "
        "add this participant by hand.",
    )


@pytest.mark.parametrize(
    ("file_format", "filename", "message"),
    [
        (CSV, "participants.csv", "This file is not CSV text in UTF-8."),
        (XLSX, "participants.xlsx", "This file cannot be read as XLSX."),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(
    secretariat: Client, meeting: Meeting, file_format: str, filename: str, message: str
) -> None:
    before = counts()
    garbage = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\xff\xe0" * 20

    response = upload(secretariat, meeting, garbage, file_format, filename)

    assert response.status_code == 200
    assertContains(response, message)
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_confirming_twice_imports_once(secretariat: Client, meeting: Meeting) -> None:
    preview = upload(secretariat, meeting, LIST)
    confirm(secretariat, preview)
    after_first = counts()

    again = confirm(secretariat, preview)

    assert again.status_code == 200
    assertContains(again, "This preview has already been imported or has expired.")
    assert counts() == after_first


def test_a_viewer_may_not_import(record: None, client: Client, meeting: Meeting) -> None:
    client.force_login(user_in("viewer", "viewer"))
    before = counts()

    assert client.get(import_url()).status_code == 403
    assert upload(client, meeting, LIST).status_code == 403
    response = client.post(
        reverse("admin:meetings_attendance_process_import"),
        {
            "import_file_name": "x",
            "original_file_name": "x.csv",
            "format": CSV,
            "resource": "0",
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 403
    changelist = client.get(reverse("admin:meetings_attendance_changelist"))
    assert changelist.status_code == 200
    assertNotContains(changelist, import_url())
    assert counts() == before


# Formula injection (issue 11, point 5): refused, naming the row and the column -----------------


@pytest.mark.parametrize(
    ("cell", "shown", "first"),
    [
        ("=HYPERLINK(A1)", "=HYPERLINK(A1)", "="),
        ("+1+cmd|/C calc!A0", "+1+cmd|/C calc!A0", "+"),
        ("-2+3", "-2+3", "-"),
        ("@SUM(1+1)", "@SUM(1+1)", "@"),
        # A leading tab or carriage return is trimmed with the other white space; what
        # follows is checked.
        ('"\t=1+1"', "=1+1", "="),
        ('"\r=1+1"', "=1+1", "="),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
@pytest.mark.parametrize("column", ["name", "entity"])
def test_a_cell_that_begins_like_a_formula_is_refused(
    secretariat: Client, meeting: Meeting, cell: str, shown: str, first: str, column: str
) -> None:
    before = counts()
    row = f"{cell},UNEP" if column == "name" else f"Ed Importtest,{cell}"
    content = f"name,entity\nAna Importtest,UNEP\n{row}\n"

    response = upload(secretariat, meeting, content)

    assertContains(
        response,
        f"Row 3, column “{column}”: “{shown}” begins with “{first}”, which a spreadsheet runs "
        "as a formula. Remove that character from the file.",
        html=False,
    )
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_a_formula_in_an_xlsx_text_cell_is_refused(secretariat: Client, meeting: Meeting) -> None:
    workbook = xlsx([["name", "entity"], ["Ana Importtest", "UNEP"], ["@SUM(A1)", "UNEP"]])

    response = upload(secretariat, meeting, workbook, XLSX, "participants.xlsx")

    assertContains(response, "Row 3, column “name”: “@SUM(A1)” begins with “@”")


def test_dashes_and_apostrophes_inside_a_name_are_imported(
    secretariat: Client, meeting: Meeting
) -> None:
    content = "name,entity\nAna-Maria O'Neil,UNEP\nBo Importtest-Smith,UN-Habitat\n"

    confirm(secretariat, upload(secretariat, meeting, content))

    assert attendance_rows(meeting) == [
        ("Ana-Maria O'Neil", "UNEP", "UNEP", None),
        ("Bo Importtest-Smith", "UN-Habitat", "UN-Habitat", None),
    ]


# Limits (issue 11, point 8): refused before the file is read, nothing written -------------------


def participants_csv(rows: int) -> str:
    entities = ["UNEP", "UNDP", "", "unesco"]
    lines = [f"Participant Bulk{i:05d},{entities[i % 4]},{i}" for i in range(1, rows + 1)]
    return "name,entity,list_number\n" + "\n".join(lines) + "\n"


def bomb(unpacked: int = 0, members: int = 0) -> bytes:
    """A real workbook, plus a part of ``unpacked`` zeros (which compresses a thousandfold) or
    ``members`` extra little parts."""
    stream = io.BytesIO(xlsx([["name", "entity"], ["Ana Importtest", "UNEP"]]))
    with zipfile.ZipFile(stream, "a", zipfile.ZIP_DEFLATED) as archive:
        if unpacked:
            archive.writestr("xl/worksheets/sheet2.xml", b"0" * unpacked)
        for n in range(members):
            archive.writestr(f"xl/media/part{n}.xml", b"<x/>")
    return stream.getvalue()


def test_the_issues_five_megabyte_csv_is_refused_unread(
    secretariat: Client, meeting: Meeting
) -> None:
    before = counts()
    content = participants_csv(300_000)
    assert len(content) > 5 * 1024 * 1024 > 4 * 1024 * 1024  # the default limit, 4 MB

    response = upload(secretariat, meeting, content)

    assert response.status_code == 200
    assertContains(response, "the largest file accepted is 4.0\xa0MB.")
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_a_file_over_a_configured_size_is_refused(
    secretariat: Client, meeting: Meeting, settings: Any
) -> None:
    settings.IMPORT_MAX_FILE_BYTES = 100

    response = upload(secretariat, meeting, LIST)

    assertContains(
        response, "This file is 157\xa0bytes; the largest file accepted is 100\xa0bytes."
    )


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_too_many_rows_are_refused(
    secretariat: Client, meeting: Meeting, settings: Any, file_format: str
) -> None:
    settings.IMPORT_MAX_ROWS = 50
    before = counts()
    if file_format == CSV:
        content: str | bytes = participants_csv(51)
    else:
        content = xlsx([["name", "entity"], *([f"P{i}", "UNEP"] for i in range(51))])

    response = upload(secretariat, meeting, content, file_format, "participants")

    assertContains(
        response,
        "This file has more than 50 rows below its header; a list of participants can have "
        "at most 50.",
    )
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_the_default_row_limit_is_ten_thousand(secretariat: Client, meeting: Meeting) -> None:
    response = upload(secretariat, meeting, participants_csv(10_001))

    assertContains(response, "can have at most 10000.")


def test_an_xlsx_that_unpacks_to_47_megabytes_is_refused(
    secretariat: Client, meeting: Meeting
) -> None:
    before = counts()
    workbook = bomb(unpacked=47 * 1024 * 1024)
    assert len(workbook) < 200 * 1024  # Tiny to upload.

    response = upload(secretariat, meeting, workbook, XLSX, "participants.xlsx")

    assertContains(
        response, "This workbook would unpack to 47.0\xa0MB; at most 40.0\xa0MB is accepted."
    )
    assertNotContains(response, "Confirm import")
    assert counts() == before


def test_a_zip_bomb_under_the_size_limit_is_refused_by_its_ratio(
    secretariat: Client, meeting: Meeting
) -> None:
    before = counts()

    response = upload(secretariat, meeting, bomb(unpacked=8 * 1024 * 1024), XLSX, "p.xlsx")

    assertContains(response, "times its size, which a list of participants never does")
    assert counts() == before


def test_a_workbook_of_too_many_parts_is_refused(secretariat: Client, meeting: Meeting) -> None:
    response = upload(secretariat, meeting, bomb(members=100), XLSX, "p.xlsx")

    assertContains(response, "parts; a workbook of participants has far fewer (at most 100")


def test_limits_are_checked_again_at_the_confirmation(
    secretariat: Client, meeting: Meeting, settings: Any
) -> None:
    preview = upload(secretariat, meeting, LIST)
    before = counts()
    settings.IMPORT_MAX_ROWS = 2

    done = confirm(secretariat, preview)

    assertContains(done, "Nothing was imported.")
    assertContains(done, "can have at most 2.")
    assert counts() == before


@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_five_thousand_participants_import_in_batches(
    secretariat: Client,
    meeting: Meeting,
    file_format: str,
    django_assert_max_num_queries: Any,
) -> None:
    before = counts()
    rows = 5000
    if file_format == CSV:
        content: str | bytes = participants_csv(rows)
    else:
        content = xlsx([["name", "entity"], *([f"P Bulk{i:05d}", "UNEP"] for i in range(rows))])

    preview = upload(secretariat, meeting, content, file_format, "participants")
    assertContains(preview, f"Participants of SOM29 senior: {rows} to add, 0 to update")
    # A few hundred queries at most, not one or more a row (5,000): names and slugs looked up,
    # people and attendances written, 500 at a time; the admin's log; the list shown after.
    with django_assert_max_num_queries(250):
        done = confirm(secretariat, preview)

    assertContains(done, f"{rows} added, 0 updated, 0 unchanged.")
    assert counts() == (before[0] + rows, before[1] + rows)
    assert meeting.attendances.count() == rows
    slugs = set(Person.objects.filter(name__contains="Bulk").values_list("slug", flat=True))
    assert len(slugs) == rows


def test_a_large_list_is_updated_in_batches(secretariat: Client, meeting: Meeting) -> None:
    confirm(secretariat, upload(secretariat, meeting, participants_csv(3000)))
    # Everyone moves up one place: every list number changes hands.
    lines = participants_csv(3000).splitlines()
    shifted = [lines[0]] + [
        line.rsplit(",", 1)[0] + f",{int(line.rsplit(',', 1)[1]) % 3000 + 1}" for line in lines[1:]
    ]

    preview = upload(secretariat, meeting, "\n".join(shifted) + "\n")
    done = confirm(secretariat, preview)

    assertContains(done, "0 added, 3000 updated, 0 unchanged.")
    numbers = dict(meeting.attendances.values_list("person__name", "list_number"))
    assert numbers["Participant Bulk00001"] == 2
    assert numbers["Participant Bulk03000"] == 1
