"""The participants import preview under the Content-Security-Policy: its changes are marked up
without style attributes (which the policy refuses), and a hostile name is shown as text."""

import pytest
from django.test import Client

from meetings.models import Meeting
from tests.meetings.test_participant_import import upload, user_in


@pytest.fixture
def secretariat(record: None, client: Client) -> Client:
    client.force_login(user_in("secretariat", "sec"))
    return client


def _preview_table(client: Client, rows: str) -> str:
    meeting = Meeting.objects.get(slug="som29-senior")
    html = upload(client, meeting, f"name,entity,list_number\n{rows}").content.decode()
    return html[html.index('<table class="import-preview">') :]


def test_preview_marks_changes_without_style_attributes(secretariat: Client) -> None:
    table = _preview_table(secretariat, "Ada Lovelace,UNEP,1\n")

    assert "<ins>Ada Lovelace</ins>" in table
    assert "style=" not in table


def test_a_hostile_name_is_shown_as_text(secretariat: Client) -> None:
    table = _preview_table(secretariat, "<b onclick=alert(1)>Ada</b>,UNEP,1\n")

    assert "<b onclick" not in table
    assert "<ins>&lt;b onclick=alert(1)&gt;Ada&lt;/b&gt;</ins>" in table
