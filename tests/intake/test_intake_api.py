"""``/api/v1/intakes/``: the secretariat uploads a report, reads its items and their matches,
and applies the ones it accepts; through the test client and a real HTTP server."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from intake.models import Intake
from meetings.models import Meeting
from tests.conftest import wait_for
from tests.factories import UserFactory, api_token
from tests.intake.reports import DATA, SOM28_MID_TERM, docx_of
from workstreams.models import ProgressUpdate

INTAKES = "/api/v1/intakes/"
INVENTED = DATA / "som30-technical-invented.txt"
SECTIONS = ("documents", "agenda", "participants", "presentations", "proposals", "interventions")


def _client(role: str | None = "secretariat", **kwargs: Any) -> Client:
    if role is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role=role, **kwargs))}")


def _upload(client: Client, name: str, data: bytes, **fields: Any) -> Any:
    return client.post(INTAKES, {"file": SimpleUploadedFile(name, data), **fields})


@pytest.mark.usefixtures("record")
class TestThroughTheTestClient:
    def test_upload_answers_the_extraction_in_the_documented_shape(self) -> None:
        answer = _upload(_client(), "som28.docx", docx_of(SOM28_MID_TERM.read_text()))
        assert answer.status_code == 201, answer.content
        body = answer.json()
        meeting = body["meeting"]
        assert {
            k: meeting[k] for k in ("title", "date", "start", "end", "time_zone", "format")
        } == {
            "title": "Mid-Term Technical Segment of the 28th Senior Officials Meeting",
            "date": "2022-05-18",
            "start": "15:00",
            "end": "17:00",
            "time_zone": "Europe/Zurich",
            "format": "virtual",
        }
        assert (meeting["chair"], meeting["opened_by"]) == ("", "Hossein Fadaei")
        assert meeting["matches"]["meeting"]["key"] == "som28-mid-term"
        assert len(body["participants"]) == 103
        assert body["participants"][46]["entity"] == "UNU- FLORES"
        assert body["participants"][46]["matches"]["entity"]["label"] == "UNU-FLORES"
        biodiversity = next(p for p in body["presentations"] if p["section"] == "2(b)")
        assert biodiversity["workstream_slug"] == "img-biodiversity"
        assert (biodiversity["presenter"], biodiversity["entity"]) == ("Meriem Bouamrane", "UNESCO")
        assert biodiversity["summary"] == ""
        assert biodiversity["source"]["text"].startswith(
            "(b) Issue Management Group on Biodiversity"
        )
        assert {"number", "title", "presenter", "entity"} <= set(body["agenda"][0])
        assert {"entity", "agenda_item"} <= set(body["interventions"][0])
        assert len(body["proposals"]) == 3
        assert _client().get(f"{INTAKES}{body['id']}/").json() == body

    def test_apply_with_choices_adds_drafts_and_a_second_apply_changes_nothing(self) -> None:
        client = _client()
        body = _upload(client, "som30.txt", INVENTED.read_bytes()).json()
        items = [body["meeting"], *(i for key in SECTIONS for i in body[key])]
        choices = {
            str(item["id"]): {
                role: (match["key"] or match["candidates"][0]["key"])
                for role, match in item["matches"].items()
                if match["status"] in ("probable", "ambiguous")
                or (match["status"] == "new" and match["candidates"])
            }
            for item in items
        }
        request = {
            "accept": [item["id"] for item in items],
            "choices": {k: v for k, v in choices.items() if v},
        }
        answer = client.post(
            f"{INTAKES}{body['id']}/apply/", request, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["added"]["participants"] == 9
        meeting = Meeting.objects.get(som_number=30, segment="technical")
        assert set(
            ProgressUpdate.objects.filter(meeting=meeting).values_list("state", flat=True)
        ) == {"draft"}
        again = client.post(
            f"{INTAKES}{body['id']}/apply/", request, content_type="application/json"
        )
        assert again.status_code == 200
        assert again.json()["added"] == {}

    def test_an_item_needing_a_choice_is_refused_with_its_name_and_nothing_is_written(self) -> None:
        client = _client()
        body = _upload(client, "som30.txt", INVENTED.read_bytes()).json()
        everything = [body["meeting"]["id"], *(i["id"] for key in SECTIONS for i in body[key])]
        answer = client.post(
            f"{INTAKES}{body['id']}/apply/", {"accept": everything}, content_type="application/json"
        )
        assert answer.status_code == 400
        messages = answer.json()["error"]["fields"]["accept"]
        assert any("choose its" in message for message in messages), messages
        assert not Meeting.objects.filter(som_number=30).exists()

    @pytest.mark.parametrize(
        ("request_body", "field"),
        [
            ({"accept": ["x"]}, "accept.0"),
            ({"accept": [999999]}, "accept"),
            ({"accept": [], "choices": {"x": {"entity": "1"}}}, "choices"),
            ({}, "accept"),
        ],
    )
    def test_bad_apply_requests_say_what_is_wrong(self, request_body: dict, field: str) -> None:
        client = _client()
        body = _upload(client, "som30.txt", INVENTED.read_bytes()).json()
        answer = client.post(
            f"{INTAKES}{body['id']}/apply/", request_body, content_type="application/json"
        )
        assert answer.status_code == 400, answer.content
        assert field in answer.json()["error"]["fields"]
        assert not Meeting.objects.filter(som_number=30).exists()

    @pytest.mark.parametrize("role", [None, "viewer", "focal_point"])
    def test_only_the_secretariat_takes_in_reports(self, role: str | None) -> None:
        kwargs = {"entity": "UNESCO"} if role == "focal_point" else {}
        answer = _upload(_client(role, **kwargs), "som30.txt", INVENTED.read_bytes())
        assert answer.status_code in (401, 403)
        assert not Intake.objects.exists()
        intake = _upload(_client(), "som30.txt", INVENTED.read_bytes()).json()
        assert _client(role, **kwargs).get(f"{INTAKES}{intake['id']}/").status_code in (
            401,
            403,
            404,
        )

    def test_an_upload_without_a_file_says_so(self) -> None:
        answer = _client().post(
            INTAKES, {"meeting": "som28-mid-term"}, content_type="application/json"
        )
        assert answer.status_code == 400
        assert "file" in answer.json()["error"]["fields"]

    def test_a_large_report_is_read_by_a_job_once_the_upload_commits(
        self, settings: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        settings.INTAKE_READ_IN_REQUEST_BYTES = 100
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            answer = _upload(
                _client(), "som30.txt", INVENTED.read_bytes(), meeting="som28-mid-term"
            )
        assert answer.status_code == 201
        assert answer.json()["state"] == "received"
        assert answer.json()["participants"] == []
        for callback in callbacks:  # The transaction commits: the job is sent (and run here).
            callback()
        intake = Intake.objects.get(pk=answer.json()["id"])
        assert intake.state == Intake.State.READY
        assert getattr(intake.meeting, "slug", None) == "som28-mid-term"
        assert intake.items.filter(section="participants").count() == 9


def test_a_real_worker_reads_a_large_report(celery_worker: Path, settings: Any) -> None:
    settings.INTAKE_READ_IN_REQUEST_BYTES = 100
    answer = _upload(_client(), "som30.txt", INVENTED.read_bytes())
    assert answer.status_code == 201
    intake = Intake.objects.get(pk=answer.json()["id"])
    wait_for(
        lambda: Intake.objects.filter(pk=intake.pk, state=Intake.State.READY).exists(),
        what="the worker to read the report",
    )
    assert "intake.intake_read" in celery_worker.read_text()
    assert intake.items.filter(section="participants").count() == 9


@pytest.mark.usefixtures("live_record")
def test_upload_and_apply_through_a_real_http_server(live_server: Any, media_root: Path) -> None:
    token = api_token(UserFactory.create(role="secretariat"))
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Token {token}"}
    ) as http:
        created = http.post(
            INTAKES, files={"file": ("som28.txt", SOM28_MID_TERM.read_bytes(), "text/plain")}
        )
        assert created.status_code == 201, created.text
        body = created.json()
        exact = [
            item["id"]
            for item in body["participants"]
            if all(m["status"] in ("exact", "blank") for m in item["matches"].values())
        ]
        applied = http.post(f"{INTAKES}{body['id']}/apply/", json={"accept": exact})
        assert applied.status_code == 200, applied.text
        assert applied.json()["added"] == {}
        assert applied.json()["in_record"]["participants"] == len(exact) == 103
