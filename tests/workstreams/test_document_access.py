"""Generated documents are served under the rules of what they hold (issue 11, point 2).

A briefing pack holding an update that later leaves the public record is superseded, hidden
from the public (a 404, as for an address that never existed) and compiled again without it.
Download addresses are random tokens, never the sequential id.
"""

import io
import subprocess
from typing import Any

import docx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import Document, Meeting
from tests.factories import ProgressUpdateFactory, UserFactory, api_token
from workstreams import services
from workstreams.models import Job, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

SLUG = "som28-mid-term"
# Written into one published update before the pack is compiled: the text to be withdrawn.
MARKER = "Zanzibar cobalt pelican remark"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return _flat(result.stdout.decode())


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return _flat(" ".join([p.text for p in document.paragraphs] + cells))


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _address(document: Document) -> str:
    return f"/en/meetings/{document.meeting.slug}/documents/{document.token}/"


def _api(role: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(UserFactory.create(role=role))}")


def _logged_in(role: str) -> Client:
    client = Client()
    client.force_login(UserFactory.create(role=role))
    return client


def _pack(job: Job) -> dict[str, Document]:
    """The job's documents by file extension."""
    return {
        (d.file.name or "").rsplit(".", 1)[-1]: d
        for d in Job.objects.get(pk=job.pk).documents.all()
    }


@pytest.fixture
def withdrawn(django_capture_on_commit_callbacks: Any) -> ProgressUpdate:
    """A published update of SOM28 mid-term, carrying the marker in its summary."""
    update = (
        ProgressUpdate.objects.published()
        .filter(meeting__slug=SLUG)
        .select_related("workstream", "meeting")
        .order_by("workstream__title")
        .first()
    )
    assert update is not None
    update.summary = f"{MARKER}. {update.summary}"
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_update_save(update=update, by=UserFactory.create(role="secretariat"))
    return update


@pytest.fixture
def first_pack(withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any) -> Job:
    """The pack compiled through the API while the update is public."""
    client = _api("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/meetings/{SLUG}/briefing-pack/")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.state == "done", job.error
    return job


def _return_to_draft(update: ProgressUpdate, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _api("secretariat").post(
            f"/api/v1/updates/{update.pk}/return-to-draft/",
            {"reason": "The figures were not cleared."},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content


def test_a_current_pack_downloads_publicly_with_its_text(first_pack: Job) -> None:
    """The twin: a pack of published updates only is public, and holds what it should."""
    files = _pack(first_pack)
    pdf = Client().get(_address(files["pdf"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="som28-mid-term-briefing')
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert pdf["Cache-Control"] == "no-cache"
    assert MARKER in _pdf_text(_body(pdf))

    word = Client().get(_address(files["docx"]))
    assert word["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert MARKER in _docx_text(_body(word))
    statuses = Client().get(_address(files["csv"]))
    assert statuses["Content-Type"] == "text/csv; charset=utf-8"
    assert _body(statuses).startswith(b"workstream,title,")

    page = Client().get(f"/en/meetings/{SLUG}/").content.decode()
    assert _address(files["pdf"]) in page
    listed = Client().get(f"/api/v1/meetings/{SLUG}/").json()["documents"]
    assert f"http://testserver{_address(files['pdf'])}" in [d["url"] for d in listed]


def test_a_withdrawn_update_supersedes_the_pack_and_a_new_one_is_compiled(
    first_pack: Job, withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any
) -> None:
    old = _pack(first_pack)
    assert Client().get(_address(old["pdf"])).status_code == 200

    _return_to_draft(withdrawn, django_capture_on_commit_callbacks)

    # The public is told nothing: the address answers as one that never existed.
    for document in old.values():
        document.refresh_from_db()
        response = Client().get(_address(document))
        assert response.status_code == 404
        assert b"briefing" not in response.content.lower()
        assert document.superseded_at is not None
        assert document.superseded_reason == (f"The update “{withdrawn}” was returned to draft.")
    # A viewer reads everything in the workspace, but a superseded pack is the secretariat's.
    assert _logged_in("viewer").get(_address(old["pdf"])).status_code == 404

    secretariat = _logged_in("secretariat")
    kept = secretariat.get(_address(old["pdf"]))
    assert kept.status_code == 200
    assert kept["Cache-Control"] == "private, no-store"
    assert kept["X-Content-Type-Options"] == "nosniff"
    assert MARKER in _pdf_text(_body(kept))
    admin = secretariat.get(f"/admin/meetings/document/{old['pdf'].pk}/change/").content.decode()
    assert "The update “" in admin
    assert "was returned to draft." in admin
    jobs = secretariat.get(f"/admin/workstreams/job/{first_pack.pk}/change/").content.decode()
    assert "(superseded: The update" in jobs

    # A new pack, compiled on commit, without the withdrawn text.
    new_job = Job.objects.exclude(pk=first_pack.pk).get(meeting__slug=SLUG)
    assert new_job.state == "done", new_job.error
    assert (new_job.done, new_job.total) == (13, 13)
    assert str(withdrawn.pk) not in new_job.contents
    new = _pack(new_job)
    assert not any(d.is_superseded for d in new.values())
    pdf = Client().get(_address(new["pdf"]))
    assert pdf.status_code == 200
    pdf_text = _pdf_text(_body(pdf))
    assert MARKER not in pdf_text
    assert "Progress by workstream" in pdf_text
    word = _docx_text(_body(Client().get(_address(new["docx"]))))
    assert MARKER not in word
    assert "Progress by workstream" in word
    statuses = _body(Client().get(_address(new["csv"]))).decode()
    assert f"\n{withdrawn.workstream.slug}," not in statuses

    # Listed for the public: the new pack, never the superseded one.
    page = Client().get(f"/en/meetings/{SLUG}/").content.decode()
    assert _address(new["pdf"]) in page
    assert old["pdf"].token not in page
    listed = Client().get(f"/api/v1/meetings/{SLUG}/").json()["documents"]
    urls = " ".join(str(d["url"]) for d in listed)
    assert new["pdf"].token in urls
    assert not any(d.token in urls for d in old.values())
    assert [d["title"] for d in listed].count("Briefing pack (PDF)") == 1

    # The secretariat's job API says the old pack is superseded, and why.
    state = _api("secretariat").get(f"/api/v1/jobs/{first_pack.pk}/").json()
    assert {d["superseded_reason"] for d in state["documents"]} == {
        f"The update “{withdrawn}” was returned to draft."
    }
    assert all(d["superseded_at"] for d in state["documents"])


def test_an_update_returned_to_draft_that_no_pack_holds_changes_no_pack(
    first_pack: Job, django_capture_on_commit_callbacks: Any
) -> None:
    """The twin of withdrawal: a submitted update was never public, so no pack held it."""
    meeting = Meeting.objects.get(slug=SLUG)
    workstream = Workstream.objects.exclude(updates__meeting=meeting).first()
    submitted = ProgressUpdateFactory.create(
        workstream=workstream, meeting=meeting, state="submitted"
    )
    _return_to_draft(submitted, django_capture_on_commit_callbacks)
    assert ProgressUpdate.objects.get(pk=submitted.pk).state == "draft"
    assert Job.objects.count() == 1
    pack = _pack(first_pack)
    assert not any(d.is_superseded for d in pack.values())
    assert Client().get(_address(pack["pdf"])).status_code == 200


def test_the_integer_address_and_a_wrong_token_are_404(first_pack: Job) -> None:
    pdf = _pack(first_pack)["pdf"]
    secretariat = _logged_in("secretariat")
    for client in (Client(), secretariat):
        assert client.get(f"/en/meetings/{SLUG}/documents/{pdf.pk}/").status_code == 404
        assert client.get(f"/en/meetings/{SLUG}/documents/{pdf.token[:-1]}x/").status_code == 404
        # The right token under another meeting's address names no document either.
        assert client.get(f"/en/meetings/som29-senior/documents/{pdf.token}/").status_code == 404
        assert client.get(_address(pdf)).status_code == 200
        # Hostile addresses are a 404 too, before the database is asked.
        for bad in ("a%00b", "x" * 65, "%C3%A9t%C3%A9", "..%2F..%2Fsettings.py"):
            assert client.get(f"/en/meetings/{SLUG}/documents/{bad}/").status_code == 404
    assert len(pdf.token) >= 43
    tokens = set(Document.objects.values_list("token", flat=True))
    assert len(tokens) == Document.objects.count()


def test_deleting_the_update_in_the_admin_supersedes_the_pack(
    first_pack: Job, withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any
) -> None:
    secretariat = _logged_in("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(
            f"/admin/workstreams/progressupdate/{withdrawn.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not ProgressUpdate.objects.filter(pk=withdrawn.pk).exists()
    old = _pack(first_pack)["pdf"]
    old.refresh_from_db()
    assert old.superseded_reason == f"The update “{withdrawn}” was deleted."
    assert Client().get(_address(old)).status_code == 404
    new_job = Job.objects.exclude(pk=first_pack.pk).get()
    assert MARKER not in _pdf_text(_body(Client().get(_address(_pack(new_job)["pdf"]))))


def test_deleting_a_workstream_supersedes_the_pack(
    first_pack: Job, withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any
) -> None:
    """Its updates go with it. (The admin offers this to no one while the workstream has
    timeline cells, which no one may delete by hand; the service is what a shell would call.)"""
    workstream = Workstream.objects.get(pk=withdrawn.workstream_id)
    Workstream.objects.filter(parent=workstream).update(parent=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.workstream_delete(workstream=workstream, by=UserFactory.create(role="secretariat"))
    assert not Workstream.objects.filter(pk=workstream.pk).exists()
    old = _pack(first_pack)["pdf"]
    old.refresh_from_db()
    assert old.superseded_reason == f"The update “{withdrawn}” was deleted with its workstream."
    assert Client().get(_address(old)).status_code == 404
    assert Job.objects.exclude(pk=first_pack.pk).get().state == "done"


def test_changing_a_published_summary_supersedes_the_pack(
    first_pack: Job, withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any
) -> None:
    """A correction withdraws the old text: the pack is compiled again with the new one."""
    withdrawn.summary = "The corrected summary."
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_update_save(update=withdrawn, by=UserFactory.create(role="secretariat"))
    assert Client().get(_address(_pack(first_pack)["pdf"])).status_code == 404
    new_job = Job.objects.exclude(pk=first_pack.pk).get()
    text = _pdf_text(_body(Client().get(_address(_pack(new_job)["pdf"]))))
    assert MARKER not in text
    assert "The corrected summary." in text


def test_saving_a_published_update_unchanged_keeps_the_pack(
    first_pack: Job, withdrawn: ProgressUpdate, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.progress_update_save(update=withdrawn, by=UserFactory.create(role="secretariat"))
    assert Client().get(_address(_pack(first_pack)["pdf"])).status_code == 200
    assert Job.objects.count() == 1


def test_an_update_withdrawn_while_the_pack_compiles_never_goes_public(
    withdrawn: ProgressUpdate, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The race: the pack read the update while it was public, and is kept after it was not."""
    from workstreams import briefing

    build = briefing.briefing_pack_build
    secretariat = UserFactory.create(role="secretariat")

    def build_then_withdraw(**kwargs: Any) -> Any:
        pack = build(**kwargs)
        if ProgressUpdate.objects.filter(pk=withdrawn.pk, state="published").exists():
            fresh = ProgressUpdate.objects.get(pk=withdrawn.pk)
            services.progress_update_return_to_draft(update=fresh, by=secretariat, reason="Late.")
        return pack

    monkeypatch.setattr(briefing, "briefing_pack_build", build_then_withdraw)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.briefing_pack_request(
            meeting=Meeting.objects.get(slug=SLUG), by=secretariat
        )
    born_stale = _pack(first)["pdf"]
    assert born_stale.superseded_reason == "An update it holds changed while it was compiled."
    assert Client().get(_address(born_stale)).status_code == 404
    again = Job.objects.exclude(pk=first.pk).get()
    assert again.state == "done"
    assert str(withdrawn.pk) not in again.contents
    assert Client().get(_address(_pack(again)["pdf"])).status_code == 200


def test_a_pack_whose_update_left_unnoticed_is_not_public(first_pack: Job) -> None:
    """The download rule checks the pack's updates again, whatever path withdrew one."""
    held = int(next(iter(first_pack.contents)))
    ProgressUpdate.objects.filter(pk=held).update(state="draft", published_at=None)
    pdf = _pack(first_pack)["pdf"]
    assert not pdf.is_superseded
    assert Client().get(_address(pdf)).status_code == 404
    assert _logged_in("secretariat").get(_address(pdf)).status_code == 200


# Query counts of what lists documents: the same with one pack and with many superseded ------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_meeting_page_and_api_list_documents_in_flat_queries(
    first_pack: Job, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    # meeting, agenda, documents, the attendance counts, a page of participants; a count and
    # a page of each of updates, proposals, decisions and interventions; the meeting before
    # (its "since the previous meeting" link)
    assert _queries(client, f"/en/meetings/{SLUG}/") == 13
    # meeting with counts and chair, its current documents
    assert _queries(client, f"/api/v1/meetings/{SLUG}/") == 2
    secretariat = UserFactory.create(role="secretariat")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.briefing_pack_request(meeting=Meeting.objects.get(slug=SLUG), by=secretariat)
    assert Document.objects.filter(superseded_at__isnull=False).count() == 9
    assert _queries(client, f"/en/meetings/{SLUG}/") == 13
    assert _queries(client, f"/api/v1/meetings/{SLUG}/") == 2
