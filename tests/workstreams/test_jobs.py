"""The briefing pack as a background job: asked for in the admin or the API, compiled by Celery
(in-process on the embedded default, by a real worker on Redis), and kept when Redis is down."""

import datetime
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kombu import pools as kombu_pools

from delivery import outbox
from emgtracker.celery import app as celery_app
from meetings.models import Meeting
from tests.conftest import wait_for
from tests.factories import UserFactory, api_token, first
from workstreams import services
from workstreams.models import Job, OutboxMessage, ProgressUpdate

SOM28_MID_TERM = "som28-mid-term"


def _token_client(role: str, **kwargs: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role=role, **kwargs))}")


def _pdf_text(content: bytes) -> str:
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def _assert_pack_holds_every_presenter(job: Job) -> None:
    files = {(d.file.name or "").rsplit(".", 1)[-1]: d.file.read() for d in job.documents.all()}
    assert set(files) == {"docx", "pdf", "csv"}
    text = _pdf_text(files["pdf"])
    updates = ProgressUpdate.objects.published().filter(meeting__slug=SOM28_MID_TERM)
    assert updates.count() == 14
    for update in updates.select_related("workstream", "presenter"):
        assert " ".join(update.workstream.title.split()) in text
        if update.presenter:
            assert update.presenter.name in text


@pytest.mark.usefixtures("record")
class TestEmbeddedDefault:
    """Tasks run in-process, as with no REDIS_URL."""

    def test_admin_action_compiles_the_pack_and_keeps_its_files(
        self, client: Client, django_capture_on_commit_callbacks: Any
    ) -> None:
        client.force_login(UserFactory.create(role="secretariat"))
        meeting = Meeting.objects.get(slug=SOM28_MID_TERM)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/meetings/meeting/",
                {"action": "briefing_pack", ACTION_CHECKBOX_NAME: [meeting.pk]},
                follow=True,
            )
        assert "The briefing pack is being compiled" in response.content.decode()
        job = Job.objects.get(meeting=meeting)
        assert (job.state, job.done, job.total) == ("done", 14, 14)
        _assert_pack_holds_every_presenter(job)
        pdf = job.documents.get(title="Briefing pack (PDF)")
        download = Client().get(f"/en/meetings/{SOM28_MID_TERM}/documents/{pdf.token}/")
        assert download.status_code == 200
        assert download.getvalue().startswith(b"%PDF")
        page = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
        assert "Briefing pack (PDF)" in page

    def test_compiling_again_supersedes_the_previous_pack(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        secretariat = UserFactory.create(role="secretariat")
        meeting = Meeting.objects.get(slug=SOM28_MID_TERM)
        with django_capture_on_commit_callbacks(execute=True):
            first = services.briefing_pack_request(meeting=meeting, by=secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            second = services.briefing_pack_request(meeting=meeting, by=secretariat)
        old = Job.objects.get(pk=first.pk).documents.all()
        new = Job.objects.get(pk=second.pk).documents.all()
        assert {d.superseded_reason for d in old} == {"Replaced by a newer pack."}
        assert all(d.superseded_at for d in old)
        assert not any(d.is_superseded for d in new)
        assert not {d.token for d in old} & {d.token for d in new}
        assert meeting.documents.filter(kind="briefing_pack").count() == 6
        assert meeting.documents.current().filter(kind="briefing_pack").count() == 3

    def test_running_a_job_twice_compiles_it_once(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.briefing_pack_request(
                meeting=Meeting.objects.get(slug=SOM28_MID_TERM),
                by=UserFactory.create(role="secretariat"),
            )
        finished = Job.objects.get(pk=job.pk).finished_at
        assert services.briefing_pack_run(job_id=job.pk) is None
        assert Job.objects.get(pk=job.pk).finished_at == finished

    def test_a_failure_is_recorded_with_its_reason(
        self, monkeypatch: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        def broken(**kwargs: Any) -> None:
            raise RuntimeError("the printer is on fire")

        monkeypatch.setattr("workstreams.briefing.briefing_pack_build", broken)
        with django_capture_on_commit_callbacks(execute=True):
            job = services.briefing_pack_request(
                meeting=Meeting.objects.get(slug=SOM28_MID_TERM),
                by=UserFactory.create(role="secretariat"),
            )
        job.refresh_from_db()
        assert job.state == "failed"
        assert job.error == "RuntimeError: the printer is on fire"
        assert job.progress == "Failed: RuntimeError: the printer is on fire"

    @pytest.mark.parametrize(
        ("role", "status"), [("secretariat", 202), ("viewer", 403), ("focal_point", 403)]
    )
    def test_api_request_and_job_state(
        self, role: str, status: int, django_capture_on_commit_callbacks: Any
    ) -> None:
        cache.clear()
        extra = {"entity": "UNESCO"} if role == "focal_point" else {}
        client = _token_client(role, **extra)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/meetings/{SOM28_MID_TERM}/briefing-pack/")
        assert response.status_code == status, response.content
        if status != 202:
            assert not Job.objects.exists()
            return
        job = response.json()
        assert response["Location"] == job["url"]
        state = client.get(job["url"]).json()
        assert (state["state"], state["done"], state["total"]) == ("done", 14, 14)
        assert sorted(d["title"] for d in state["documents"]) == [
            "Briefing pack (CSV of statuses)",
            "Briefing pack (DOCX)",
            "Briefing pack (PDF)",
        ]

    def test_a_job_whole_and_the_list_in_flat_queries(self) -> None:
        cache.clear()
        meeting = Meeting.objects.get(slug=SOM28_MID_TERM)
        document = first(meeting.documents.all())
        secretariat = UserFactory.create(role="secretariat")
        job = Job.objects.create(
            kind="briefing_pack",
            meeting=meeting,
            requested_by=secretariat,
            state="running",
            done=3,
            total=12,
        )
        job.documents.set([document])
        client = _token_client("viewer")
        assert client.get(f"/api/v1/jobs/{job.pk}/").json() == {
            "id": job.pk,
            "url": f"http://testserver/api/v1/jobs/{job.pk}/",
            "kind": "briefing_pack",
            "meeting": SOM28_MID_TERM,
            "state": "running",
            "done": 3,
            "total": 12,
            "progress": "3 of 12 done",
            "error": "",
            "documents": [
                {
                    "title": document.title,
                    "kind": document.kind,
                    "url": f"http://testserver/en/meetings/{SOM28_MID_TERM}/documents/{document.token}/",
                    "superseded_at": None,
                    "superseded_reason": "",
                }
            ],
            "created_at": job.created_at.isoformat().replace("+00:00", "Z"),
            "started_at": None,
            "finished_at": None,
        }

        def list_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/api/v1/jobs/").status_code == 200
            return len(queries)

        # token and user, the user's groups (for the rules), count, page, documents, their meetings
        assert list_queries() == 6
        for _ in range(30):
            Job.objects.create(kind="briefing_pack", meeting=meeting).documents.set([document])
        assert list_queries() == 6

    def test_jobs_are_not_public(self) -> None:
        cache.clear()
        assert Client().post(f"/api/v1/meetings/{SOM28_MID_TERM}/briefing-pack/").status_code == 401
        assert Client().get("/api/v1/jobs/").status_code == 401
        focal_point = _token_client("focal_point", entity="UNESCO")
        assert focal_point.get("/api/v1/jobs/").status_code == 403
        assert _token_client("viewer").get("/api/v1/jobs/").status_code == 200
        unknown = _token_client("secretariat").post("/api/v1/meetings/som99/briefing-pack/")
        assert unknown.status_code == 404


def test_a_real_worker_compiles_the_pack(celery_worker: Any) -> None:
    """The request returns at once; a worker process on Redis does the work."""
    client = _token_client("secretariat")
    response = client.post(f"/api/v1/meetings/{SOM28_MID_TERM}/briefing-pack/")
    assert response.status_code == 202
    job_id = response.json()["id"]
    wait_for(
        lambda: Job.objects.get(pk=job_id).state in {"done", "failed"},
        what="the worker to compile the briefing pack",
    )
    job = Job.objects.get(pk=job_id)
    assert job.state == "done", job.error
    assert OutboxMessage.objects.get().dispatched_at is not None
    _assert_pack_holds_every_presenter(job)


# Redis down: the write is kept and the job goes out when the broker is back ---------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_redis(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for(lambda: _answers(port), timeout=10, what="redis-server to start")
    return server


def _answers(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.2).ping())
    except redis.ConnectionError:
        return False


def _use_broker(url: str) -> None:
    celery_app.conf.update(broker_url=url)
    # Celery and kombu keep their connection pools: drop them so the next send uses ``url``.
    # Celery's own are private attributes, which its type stubs leave out.
    kombu_pools.reset()
    vars(celery_app)["_pool"] = None
    vars(celery_app.amqp)["_producer_pool"] = None


@pytest.fixture
def own_broker() -> Iterator[int]:
    """A Redis server of this test's own, which the test stops and starts again."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed: install Debian's redis-server.")
    port = _free_port()
    server = _start_redis(port)
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.task_always_eager = False
    _use_broker(f"redis://127.0.0.1:{port}/0")
    yield port
    server.terminate()
    celery_app.conf.task_always_eager = previous[1]
    _use_broker(previous[0])


def test_broker_down_keeps_the_write_and_sends_the_job_later(
    own_broker: int, live_record: None
) -> None:
    port = own_broker
    client = _token_client("secretariat")
    # The broker stops between two requests: the next write must neither fail nor lose its job.
    subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], check=False)
    wait_for(lambda: not _answers(port), timeout=10, what="redis-server to stop")

    started = time.monotonic()
    response = client.post(f"/api/v1/meetings/{SOM28_MID_TERM}/briefing-pack/")
    assert response.status_code == 202
    assert time.monotonic() - started < 10
    job = Job.objects.get(pk=response.json()["id"])
    assert job.state == "queued"
    message = OutboxMessage.objects.get()
    assert message.dispatched_at is None
    assert message.attempts == 1
    assert message.last_error

    restarted = _start_redis(port)
    try:
        _use_broker(f"redis://127.0.0.1:{port}/0")
        assert outbox.outbox_dispatch(older_than=datetime.timedelta(0)) == 1
        message.refresh_from_db()
        assert message.dispatched_at is not None
        queued = redis.Redis(port=port).lrange(celery_app.conf.task_default_queue, 0, -1)
        assert len(queued) == 1
        assert b"briefing_pack_run" in queued[0]
    finally:
        restarted.terminate()
