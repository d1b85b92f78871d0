"""Hostile files are refused before they are parsed, with a message that says why, and nothing is
written: not the intake, not its file, not a row of the record."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from intake.models import Intake
from intake.reading import ReportUnreadable, report_read
from tests.factories import UserFactory, api_token
from tests.intake.reports import binary_renamed_txt, encrypted_pdf, zip_bomb_docx

pytestmark = pytest.mark.usefixtures("record")

HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "zip bomb DOCX": ("report.docx", zip_bomb_docx, "refused as a possible zip bomb"),
    "encrypted PDF": ("report.pdf", encrypted_pdf, "The PDF file is encrypted"),
    "binary renamed .txt": ("report.txt", binary_renamed_txt, "holds binary data, not text"),
    "PDF named .docx": ("report.docx", encrypted_pdf, "is named .docx but is not a DOCX file"),
    "spreadsheet": ("report.xlsx", lambda: b"PK\x03\x04", "send a .docx, .pdf or .txt file"),
    "empty file": ("report.txt", lambda: b"  \n", "The file is empty."),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_refused_through_the_api_and_nothing_is_written(
    kind: str, media_root: Path
) -> None:
    name, make, message = HOSTILE[kind]
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role='secretariat'))}")
    answer = client.post("/api/v1/intakes/", {"file": SimpleUploadedFile(name, make())})
    assert answer.status_code == 400, answer.content
    assert message in " ".join(answer.json()["error"]["fields"]["file"])
    assert not Intake.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_a_50_mb_file_is_refused_before_it_is_read(media_root: Path) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role='secretariat'))}")
    answer = client.post(
        "/api/v1/intakes/", {"file": SimpleUploadedFile("report.txt", b"x" * 50_000_000)}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["message"] == "The request body is too large."
    assert not Intake.objects.exists()
    with pytest.raises(ReportUnreadable, match="The file is 50 MB; a report may be at most 20 MB"):
        report_read(b"x" * 50_000_000, "txt")


def test_a_file_over_the_limit_is_refused_in_the_admin(settings: Any) -> None:
    settings.INTAKE_MAX_FILE_BYTES = 1_000_000
    client = Client()
    client.force_login(UserFactory.create(role="secretariat"))
    answer = client.post(
        "/admin/intake/intake/add/", {"file": SimpleUploadedFile("report.txt", b"x" * 1_500_000)}
    )
    assert "The file is 1.5 MB; a report may be at most 1 MB." in answer.content.decode()
    assert not Intake.objects.exists()


@pytest.mark.parametrize("kind", ["zip bomb DOCX", "encrypted PDF", "binary renamed .txt"])
def test_the_reader_refuses_before_parsing(kind: str) -> None:
    name, make, message = HOSTILE[kind]
    with pytest.raises(ReportUnreadable, match=message.split(":")[0]):
        report_read(make(), name.rsplit(".", 1)[1])


def test_a_hostile_file_is_refused_in_the_admin_with_its_reason() -> None:
    client = Client()
    client.force_login(UserFactory.create(role="secretariat"))
    answer = client.post(
        "/admin/intake/intake/add/",
        {"file": SimpleUploadedFile("report.docx", zip_bomb_docx())},
    )
    assert answer.status_code == 200
    assert "refused as a possible zip bomb" in answer.content.decode()
    assert not Intake.objects.exists()
