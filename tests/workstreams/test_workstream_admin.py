"""A workstream's admin page: the decisions table on it saves through the decision services."""

from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import first
from workstreams import services
from workstreams.models import Decision, Status, TimelineEntry, Workstream, WorkstreamEvent

pytestmark = pytest.mark.usefixtures("record")


class _FormValues(HTMLParser):
    """The values a browser would send for the change form, as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                # An empty field sends the empty string, as a browser sends it.
                self.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


def _change_form(client: Any, workstream: Workstream) -> tuple[str, dict[str, str]]:
    url = reverse("admin:workstreams_workstream_change", args=[workstream.pk])
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return url, parser.values


@pytest.fixture
def secretariat_client(client: Any) -> Any:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def _latest_cell(workstream: Workstream) -> TimelineEntry:
    return first(workstream.timeline_entries.order_by("-meeting__date").select_related("meeting"))


def test_a_decision_added_and_deleted_inline_moves_the_status_cell(secretariat_client: Any) -> None:
    workstream = Workstream.objects.filter(decisions__isnull=True, timeline_entries__isnull=False)[
        0
    ]
    cell = _latest_cell(workstream)
    assert cell.status != Status.CONCLUDED

    url, values = _change_form(secretariat_client, workstream)
    row = int(values["decisions-TOTAL_FORMS"])
    values |= {
        "decisions-TOTAL_FORMS": str(row + 1),
        f"decisions-{row}-meeting": str(cell.meeting_id),
        f"decisions-{row}-kind": Decision.Kind.CONCLUDE,
        f"decisions-{row}-text_en": "The Senior Officials concluded the work.",
        f"decisions-{row}-evidence": "stated",
    }
    with mock.patch.object(services, "decision_save", wraps=services.decision_save) as save:
        response = secretariat_client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get(workstream=workstream)
    save.assert_called_once_with(decision=decision, by=mock.ANY)
    cell.refresh_from_db()
    assert (cell.status, cell.decision_id) == (Status.CONCLUDED, decision.pk)
    workstream.refresh_from_db()
    assert workstream.status_now == Status.CONCLUDED
    assert decision.history.get().history_user.username == "root"

    url, values = _change_form(secretariat_client, workstream)
    values[f"decisions-{row}-DELETE"] = "on"
    with mock.patch.object(services, "decision_delete", wraps=services.decision_delete) as delete:
        assert secretariat_client.post(url, values).status_code == 302
    delete.assert_called_once()
    assert not Decision.objects.filter(workstream=workstream).exists()
    # The cell went with its decision and was derived again from what is left.
    cell = TimelineEntry.objects.get(workstream=workstream, meeting=cell.meeting)
    assert cell.status != Status.CONCLUDED
    assert cell.decision_id is None


def test_an_invalid_inline_decision_changes_nothing(secretariat_client: Any) -> None:
    workstream = Workstream.objects.filter(decisions__isnull=True, timeline_entries__isnull=False)[
        0
    ]
    cell = _latest_cell(workstream)
    before = (cell.status, workstream.status_now)
    url, values = _change_form(secretariat_client, workstream)
    row = int(values["decisions-TOTAL_FORMS"])
    values |= {
        "decisions-TOTAL_FORMS": str(row + 1),
        f"decisions-{row}-meeting": str(cell.meeting_id),
        f"decisions-{row}-kind": Decision.Kind.CONCLUDE,
        f"decisions-{row}-text_en": "",
        f"decisions-{row}-evidence": "stated",
    }
    response = secretariat_client.post(url, values)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    cell.refresh_from_db()
    workstream.refresh_from_db()
    assert (cell.status, workstream.status_now) == before
    assert not Decision.objects.filter(workstream=workstream).exists()


def test_the_secretariat_adds_a_dated_event_and_a_bad_one_is_refused(
    secretariat_client: Any,
) -> None:
    workstream = first(Workstream.objects.filter(slug="img-biodiversity"))
    url = reverse("admin:workstreams_workstreamevent_add")
    event = {
        "workstream": str(workstream.pk),
        "title": "IMG meeting on the monitoring framework",
        "kind": "meeting",
        "role": "organises",
        "date": "2022-06-15",
        "date_precision": "day",
        "start_time": "15:00",
        "time_zone": "Mars/Olympus",
        "evidence": "inferred",
        "evidence_reason": "",
    }
    refused = secretariat_client.post(url, event)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "is not an IANA time zone name" in page
    assert "Say in one line why, when it is inferred." in page
    assert not WorkstreamEvent.objects.filter(title=event["title"]).exists()

    event |= {"time_zone": "Europe/Zurich", "evidence_reason": "The year is the report's."}
    assert secretariat_client.post(url, event).status_code == 302
    saved = first(WorkstreamEvent.objects.filter(title=event["title"]))
    assert (saved.workstream, saved.evidence) == (workstream, "inferred")
    assert saved.history.get().history_user.username == "root"


def test_a_decision_with_a_term_but_no_som_is_refused_in_words(secretariat_client: Any) -> None:
    before = Decision.objects.count()
    response = secretariat_client.post(
        reverse("admin:workstreams_decision_add"),
        {
            "meeting": str(first(TimelineEntry.objects.all()).meeting_id),
            "workstream": str(first(Workstream.objects.filter(slug="img-biodiversity")).pk),
            "kind": "extend",
            "text": "Extended the IMG.",
            "term": "until_som",
            "until_som": "",
            "evidence": "stated",
        },
    )
    assert response.status_code == 200
    assert "Give the SOM a mandate runs until" in response.content.decode()
    assert Decision.objects.count() == before
