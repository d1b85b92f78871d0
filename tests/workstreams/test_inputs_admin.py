"""Co-lead inputs in the workspace: each focal point drafts and submits its entity's input in
the admin; the secretariat reads them side by side on "Merge inputs" and merges them into the
one update, whose page then lists them as its sources."""

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting
from tests.factories import CO_LED, UserFactory
from workstreams.models import ProgressInput, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

ADD = reverse("admin:workstreams_progressinput_add")
CHANGELIST = reverse("admin:workstreams_progressinput_changelist")
MERGE = reverse("admin:workstreams_progressinput_merge", args=[CO_LED, "som29-senior"])


def _login(**kwargs: Any) -> Client:
    client = Client()
    client.force_login(UserFactory.create(**kwargs))
    return client


def _draft_and_submit(acronym: str, summary: str) -> Client:
    client = _login(role="focal_point", entity=acronym)
    form = {
        "workstream": Workstream.objects.get(slug=CO_LED).pk,
        "meeting": Meeting.objects.get(slug="som29-senior").pk,
        "status": "active",
        "summary": summary,
        "next_steps": f"{acronym} goes on.",
    }
    assert client.post(ADD, form).status_code == 302
    row = ProgressInput.objects.get(entity__acronym=acronym)
    done = client.post(CHANGELIST, {"action": "submit", ACTION_CHECKBOX_NAME: [row.pk]})
    assert done.status_code == 302
    return client


def test_focal_points_submit_and_the_secretariat_merges_in_the_admin() -> None:
    undp = _draft_and_submit("UNDP", "Two webinars held.")
    _draft_and_submit("UNESCO", "A knowledge kit published.")
    assert set(ProgressInput.objects.values_list("entity__acronym", "state")) == {
        ("UNDP", "submitted"),
        ("UNESCO", "submitted"),
    }
    assert undp.get(MERGE).status_code == 403

    secretariat = _login(role="secretariat")
    page = secretariat.get(MERGE).content.decode()
    # Side by side: a column for each lead entity, a row for each part of its input.
    assert '<th scope="col" id="input-' in page
    assert page.index(">UNDP</th>") < page.index(">UNESCO</th>")
    assert '<th scope="row">Summary</th>' in page
    assert '<td lang="en">Two webinars held.</td>' in page
    # The form opens with the inputs' texts, to be edited into one.
    assert "Two webinars held.\n\nA knowledge kit published.</textarea>" in page

    merged = secretariat.post(
        MERGE,
        {"summary": "Webinars held and a kit published.", "next_steps": "", "sources_public": "on"},
    )

    update = ProgressUpdate.objects.get(workstream__slug=CO_LED, meeting__slug="som29-senior")
    assert merged["Location"] == reverse(
        "admin:workstreams_progressupdate_change", args=[update.pk]
    )
    assert (update.state, update.status, update.sources_public) == ("draft", "active", True)
    assert update.sources.count() == 2
    shown = secretariat.get(merged["Location"]).content.decode()
    assert "<li><strong>UNDP</strong>: Two webinars held.</li>" in shown
    assert "<li><strong>UNESCO</strong>: A knowledge kit published.</li>" in shown
    # Merged, UNDP's input is read-only to its focal point.
    row = ProgressInput.objects.get(entity__acronym="UNDP")
    change = reverse("admin:workstreams_progressinput_change", args=[row.pk])
    assert 'name="summary"' not in undp.get(change).content.decode()


def test_a_focal_point_sees_no_other_entitys_draft_in_the_admin() -> None:
    client = _login(role="focal_point", entity="UNDP")
    client.post(
        ADD,
        {
            "workstream": Workstream.objects.get(slug=CO_LED).pk,
            "meeting": Meeting.objects.get(slug="som29-senior").pk,
            "summary": "UNDP's draft.",
        },
    )
    row = ProgressInput.objects.get()
    unesco = _login(role="focal_point", entity="UNESCO")
    assert "UNDP" not in unesco.get(CHANGELIST).content.decode().split('id="result_list"')[-1]
    change = reverse("admin:workstreams_progressinput_change", args=[row.pk])
    assert unesco.get(change).status_code in {302, 403, 404}


def test_a_bad_merge_says_why_and_writes_nothing() -> None:
    _draft_and_submit("UNDP", "Two webinars held.")
    answer = _login(role="secretariat").post(MERGE, {"summary": "", "next_steps": ""})
    assert answer.status_code == 200
    assert "This field is required." in answer.content.decode()
    assert not ProgressUpdate.objects.filter(workstream__slug=CO_LED).exists()
    assert not ProgressInput.objects.filter(merged_into__isnull=False).exists()
