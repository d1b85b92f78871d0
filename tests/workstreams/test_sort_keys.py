"""The sort keys kept on updates, decisions and proposals (their meeting's date, their
workstream's title) follow every write that moves them: a row saved or moved, a workstream
renamed, a meeting rescheduled, by the admin, the services and the report loader alike."""

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from meetings.models import Meeting
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.workstreams.test_workstream_admin import _change_form
from workstreams import services
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream

pytestmark = pytest.mark.usefixtures("record")


def _stale_keys() -> list[Any]:
    """Every row whose kept key differs from what it copies; none, when the keys are kept."""
    rows: list[Any] = []
    for model in (ProgressUpdate, Decision):
        for row in model.objects.select_related("meeting", "workstream"):
            if (row.meeting_date, row.workstream_title) != (row.meeting.date, row.workstream.title):
                rows.append(row)
    rows += [
        p for p in Proposal.objects.select_related("meeting") if p.meeting_date != p.meeting.date
    ]
    return rows


def test_every_row_of_the_record_holds_its_meetings_date_and_workstreams_title() -> None:
    assert ProgressUpdate.objects.exists()
    assert Decision.objects.exists()
    assert _stale_keys() == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_renaming_a_workstream_in_the_admin_renames_its_rows_sort_key(
    client: Client, language: str
) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    assert workstream.updates.exists()
    assert workstream.decisions.exists()
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    # The admin in French, with a French title: the rows still sort by the English one.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    url, values = _change_form(client, workstream)
    values |= {"title_en": "AAA Issue Management Group on Nature", "title_fr": "Nature (GGQ)"}
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]

    titles = {
        *workstream.updates.values_list("workstream_title", flat=True),
        *workstream.decisions.values_list("workstream_title", flat=True),
    }
    assert titles == {"AAA Issue Management Group on Nature"}
    with translation.override("en"):
        assert _stale_keys() == []
    # The API sorts by the new title: the renamed workstream's rows come first.
    first = client.get("/api/v1/decisions/?ordering=workstream_title&page_size=1").json()
    assert first["results"][0]["workstream"] == "img-biodiversity"


def test_the_loader_renaming_a_workstream_renames_its_rows_sort_key() -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    workstream.title = "Renamed by the loader"
    services.workstream_save(workstream=workstream, by=None, update_fields=["title"])
    assert set(workstream.updates.values_list("workstream_title", flat=True)) == {
        "Renamed by the loader"
    }
    assert _stale_keys() == []


def test_rescheduling_a_meeting_moves_its_rows_sort_key() -> None:
    meeting = Meeting.objects.filter(decisions__isnull=False)[0]
    meeting.date = datetime.date(2020, 1, 1)  # SOM27 is dated by its year
    services.meeting_save(
        meeting=meeting, by=UserFactory.create(role="secretariat"), changed=["date"]
    )
    assert set(meeting.decisions.values_list("meeting_date", flat=True)) == {meeting.date}
    assert _stale_keys() == []
    oldest = Decision.objects.order_by("meeting_date").first()
    assert oldest is not None
    assert oldest.meeting_id == meeting.pk


def test_a_new_date_reaches_the_rows_even_when_the_caller_does_not_name_it() -> None:
    meeting = Meeting.objects.get(slug="som29-mid-term")
    meeting.date = datetime.date(2023, 6, 1)
    services.meeting_save(meeting=meeting, by=None)
    assert set(meeting.updates.values_list("meeting_date", flat=True)) == {meeting.date}
    assert _stale_keys() == []


def test_an_update_moved_to_another_meeting_and_workstream_takes_their_keys() -> None:
    secretariat = UserFactory.create(role="secretariat")
    update = services.progress_update_save(update=ProgressUpdateFactory.build(), by=secretariat)
    assert (update.meeting_date, update.workstream_title) == (
        update.meeting.date,
        update.workstream.title,
    )
    update.meeting = Meeting.objects.get(slug="som29-technical")
    update.workstream = Workstream.objects.get(slug="img-human-rights-environment")
    services.progress_update_save(update=update, by=secretariat)
    update = ProgressUpdate.objects.get(pk=update.pk)
    assert (update.meeting_date, update.workstream_title) == (
        datetime.date(2023, 9, 26),
        "Issue Management Group on Human Rights and Environment",
    )
