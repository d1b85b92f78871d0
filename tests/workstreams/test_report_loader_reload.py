"""Loading the record again never undoes what people did since (issue 11, point 1).

The secretariat's corrections and withdrawals are made through the doors they use (the API and
the admin, which call the services); then the record is loaded again, as a deployment would.
"""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from delivery import interface as webhooks
from meetings.models import AgendaItem, Document, Entity, Intervention, Meeting
from meetings.services import intervention_save
from tests.factories import UserFactory, first
from workstreams import services
from workstreams.management import report_loader
from workstreams.management.report_loader import HISTORY_REASON, reports_load, rows
from workstreams.management.report_loader.report import stored
from workstreams.management.report_loader.rows import ADDED_SINCE_FINGERPRINTS
from workstreams.models import (
    Decision,
    Job,
    LoadedRow,
    OutboxMessage,
    ProgressUpdate,
    TimelineEntry,
    WebhookDelivery,
)

UPDATES = "/api/v1/updates/"
CELL = {"workstream__slug": "img-biodiversity", "meeting__slug": "som28-mid-term"}
CELL_KEY = "meeting=som28-mid-term,workstream=img-biodiversity"


@pytest.fixture(autouse=True)
def subscriber(db: None, settings: Any) -> None:
    """Someone listens to every event, so that an event the loader fires would be a delivery."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    webhooks.webhook_subscription_create(
        owner=UserFactory.create(),
        url="http://127.0.0.1:9/hooks/emg",
        events=["update.published", "status.changed", "meeting.added"],
    )


@pytest.fixture
def secretariat() -> Client:
    client = Client()
    client.force_login(UserFactory.create(username="amina", role="secretariat"))
    return client


def _update() -> ProgressUpdate:
    return ProgressUpdate.objects.get(**CELL)


def _update_untranslated() -> dict[str, Any]:
    """The update's fields but the summary's translations, their status and the version."""
    fields = _update().__dict__
    return {
        name: value
        for name, value in fields.items()
        if not name.startswith(("summary_", "_")) and name not in {"translation_status", "version"}
    }


def _everything() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, history, outbox and deliveries included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed
    }


def _record_says(monkeypatch: pytest.MonkeyPatch, changes: Callable[[str, dict], None]) -> None:
    """The record files as they would read after a correction of the record itself."""
    read = report_loader._read_toml

    def corrected(name: str) -> dict[str, Any]:
        data = read(name)
        changes(name, data)
        return data

    monkeypatch.setattr(report_loader, "_read_toml", corrected)


def _correct_update_summary(name: str, data: dict[str, Any]) -> None:
    if name == "workstreams.toml":
        for row in data["updates"]:
            if (row["workstream"], row["meeting"]) == ("img-biodiversity", "som28-mid-term"):
                row["summary"] = "The record, corrected."


def _edited(note: report_loader.RowNote) -> tuple[str, str]:
    return (note.model, note.key)


@pytest.mark.usefixtures("record")
class TestPeopleWinOverTheRecord:
    def test_a_summary_the_secretariat_corrected_survives_a_reload(
        self, secretariat: Client
    ) -> None:
        update = _update()
        response = secretariat.patch(
            f"{UPDATES}{update.pk}/",
            {"summary": "Corrected by the secretariat.", "version": update.version},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        before = _everything()
        update_before = _update_untranslated()

        report = reports_load()

        # No row, no history, no outbox message, no delivery; only the loader's translations of
        # the summary it no longer has are withdrawn (test_report_loader_translations.py).
        after = _everything()
        for changed in ("workstreams.LoadedRow", "meetings.RecordVersion"):
            del before[changed], after[changed]
        updates = "workstreams.ProgressUpdate"
        before[updates] = [row for row in before[updates] if row[0] != update.pk]
        after[updates] = [row for row in after[updates] if row[0] != update.pk]
        assert after == before
        assert _update_untranslated() == update_before
        assert _update().summary == "Corrected by the secretariat."
        assert (report.created, report.updated) == ({}, {})
        assert report.translations_withdrawn == 5
        assert {(n.key, n.why.partition(" ")[0]) for n in report.stale} == {
            (CELL_KEY, f"summary_{code}") for code in ("ar", "es", "fr", "ru", "zh_hans")
        }
        (note,) = report.left_alone
        assert _edited(note) == ("progress update", CELL_KEY)
        assert note.why.startswith("edited after loading on ")
        assert note.why.endswith(" by amina")
        assert [d.field for d in note.differences] == ["summary"]

    def test_an_update_returned_to_draft_stays_withdrawn(self, secretariat: Client) -> None:
        update = _update()
        response = secretariat.post(
            f"{UPDATES}{update.pk}/return-to-draft/",
            {"reason": "The figures are wrong."},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        cell = TimelineEntry.objects.filter(**CELL).values_list("status", "basis").first()
        status_changes = WebhookDelivery.objects.filter(event="status.changed").count()
        outbox = OutboxMessage.objects.count()

        out = io.StringIO()
        call_command("load_emg_record", stdout=out)

        update = _update()
        assert (update.state, update.published_at) == ("draft", None)
        assert TimelineEntry.objects.filter(**CELL).values_list("status", "basis").first() == cell
        assert WebhookDelivery.objects.filter(event="status.changed").count() == status_changes
        assert OutboxMessage.objects.count() == outbox
        assert f"progress update {CELL_KEY}: edited after loading on " in out.getvalue()
        assert "state: 'draft' -> the record says 'published'" in out.getvalue()
        assert "nothing changed" in out.getvalue()

    def test_an_update_moved_to_another_meeting_is_not_created_again(
        self, secretariat: Client
    ) -> None:
        update = _update()
        response = secretariat.patch(
            f"{UPDATES}{update.pk}/",
            {"meeting": "som28", "version": update.version},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

        report = reports_load()

        assert not ProgressUpdate.objects.filter(**CELL).exists()
        assert ProgressUpdate.objects.get(pk=update.pk).meeting.slug == "som28"
        assert [_edited(n) for n in report.left_alone] == [("progress update", CELL_KEY)]

    def test_a_row_deleted_in_the_admin_is_not_created_again(self, client: Client) -> None:
        client.force_login(User.objects.create_superuser("root", password="x" * 12))
        intervention = first(Intervention.objects.order_by("pk"))
        response = client.post(
            f"/admin/meetings/intervention/{intervention.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 302
        count = Intervention.objects.count()

        report = reports_load()

        assert Intervention.objects.count() == count
        assert not report.changed
        (note,) = report.left_alone
        assert note.model == "intervention"
        assert note.why.startswith("deleted after loading on ")
        assert note.why.endswith(" by root; not created again")

    def test_rows_that_refer_to_a_deleted_row_are_left_alone(self, client: Client) -> None:
        client.force_login(User.objects.create_superuser("root", password="x" * 12))
        item = first(AgendaItem.objects.filter(updates__isnull=False, children__isnull=True))
        update = item.updates.get()
        response = client.post(f"/admin/meetings/agendaitem/{item.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        count = AgendaItem.objects.count()

        report = reports_load()

        assert AgendaItem.objects.count() == count
        update.refresh_from_db()
        assert update.agenda_item is None
        key = f"meeting={item.meeting.slug},position={item.position}"
        notes = {(n.model, n.key): n.why for n in report.left_alone}
        assert notes[("agenda item", key)].endswith(" by root; not created again")
        update_key = f"meeting={update.meeting.slug},workstream={update.workstream.slug}"
        assert notes[("progress update", update_key)] == (
            f"refers to agenda item {key}, which was deleted after loading"
        )

    def test_dry_run_prints_what_it_would_do_and_changes_nothing(
        self, secretariat: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        withdrawn = _update()
        response = secretariat.post(
            f"{UPDATES}{withdrawn.pk}/return-to-draft/",
            {"reason": "The figures are wrong."},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

        def corrections(name: str, data: dict[str, Any]) -> None:
            if name == "entities.toml":
                for row in data["entities"]:
                    if row["slug"] == "unep":
                        row["name"] = "UN Environment Programme"
            _correct_update_summary(name, data)

        _record_says(monkeypatch, corrections)
        before = _everything()

        out = io.StringIO()
        call_command("load_emg_record", "--dry-run", stdout=out)

        assert _everything() == before
        printed = out.getvalue()
        assert "Corrected from the record (would be updated):" in printed
        assert (
            "  entity unep\n"
            "      name: 'United Nations Environment Programme' -> the record says "
            "'UN Environment Programme'"
        ) in printed
        assert f"  progress update {CELL_KEY}: edited after loading on " in printed
        assert "summary: " in printed
        assert "the record says 'The record, corrected.'" in printed
        assert "state: 'draft' -> the record says 'published'" in printed
        assert "entities: 0 created, 1 updated" in printed
        assert "Dry run: nothing was written." in printed


@pytest.mark.usefixtures("record")
class TestTheRecordStillCorrectsWhatNobodyTouched:
    def test_a_record_correction_to_an_untouched_row_is_applied(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        version = _update().version
        outbox = OutboxMessage.objects.count()
        _record_says(monkeypatch, _correct_update_summary)

        report = reports_load()

        update = _update()
        assert (update.summary, update.state, update.version) == (
            "The record, corrected.",
            "published",
            version + 1,
        )
        assert update.history.first().history_change_reason == HISTORY_REASON
        (note,) = report.corrected
        assert _edited(note) == ("progress update", CELL_KEY)
        assert not report.left_alone
        # The status did not change: no event.
        assert OutboxMessage.objects.count() == outbox
        assert not reports_load().changed

    def test_a_record_correction_supersedes_the_packs_holding_the_old_text(
        self, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
    ) -> None:
        meeting = _update().meeting
        with django_capture_on_commit_callbacks(execute=True):
            pack = services.briefing_pack_request(
                meeting=meeting, by=UserFactory.create(role="secretariat")
            )
        old = set(Job.objects.get(pk=pack.pk).documents.values_list("pk", flat=True))
        assert len(old) == 3
        _record_says(monkeypatch, _correct_update_summary)

        with django_capture_on_commit_callbacks(execute=True):
            reports_load()

        superseded = Document.objects.filter(pk__in=old)
        assert {d.superseded_at is not None for d in superseded} == {True}
        assert "corrected from the EMG record" in first(superseded).superseded_reason
        current = Document.objects.current().filter(meeting=meeting, file__gt="")
        assert len(current) == 3
        assert not old & {d.pk for d in current}

    def test_a_record_correction_follows_a_person_who_made_it_first(
        self, secretariat: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        update = _update()
        original = update.summary
        response = secretariat.patch(
            f"{UPDATES}{update.pk}/",
            {"summary": "The record, corrected.", "version": update.version},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        _record_says(monkeypatch, _correct_update_summary)
        assert not reports_load().left_alone

        # The row agrees with the record again, so the record's next correction applies.
        def back(name: str, data: dict[str, Any]) -> None:
            if name == "workstreams.toml":
                for row in data["updates"]:
                    if row["summary"] == "The record, corrected.":
                        row["summary"] = original

        _record_says(monkeypatch, back)
        report = reports_load()
        assert [_edited(n) for n in report.corrected] == [("progress update", CELL_KEY)]
        assert _update().summary == original

    def test_a_database_loaded_before_fingerprints_is_treated_conservatively(
        self, secretariat: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        update = _update()
        secretariat.patch(
            f"{UPDATES}{update.pk}/",
            {"summary": "Corrected by the secretariat.", "version": update.version},
            content_type="application/json",
        )
        rows = LoadedRow.objects.count()
        LoadedRow.objects.all().delete()

        def corrections(name: str, data: dict[str, Any]) -> None:
            if name == "meetings.toml":
                for row in data["meetings"]:
                    if row["slug"] == "som27":
                        row["venue"] = "Nairobi, corrected"  # only the loader wrote it
                    if row["slug"] == "som28":
                        row["summary"] = "Corrected."
            if name == "entities.toml":
                for row in data["entities"]:
                    if row["slug"] == "unep":
                        row["name"] = "UN Environment Programme"  # no history: unknown

        Meeting.objects.filter(slug="som28").update(summary="Typed in, round the history.")
        _record_says(monkeypatch, corrections)

        report = reports_load()

        assert Meeting.objects.get(slug="som27").venue == "Nairobi, corrected"
        assert Meeting.objects.get(slug="som28").summary == "Typed in, round the history."
        assert Entity.objects.get(slug="unep").name == "United Nations Environment Programme"
        assert _update().summary == "Corrected by the secretariat."
        assert [_edited(n) for n in report.corrected] == [("meeting", "som27")]
        assert sorted(_edited(n) for n in report.left_alone) == [
            ("entity", "unep"),
            ("meeting", "som28"),
            ("progress update", CELL_KEY),
        ]
        assert all("before the loader kept fingerprints" in n.why for n in report.left_alone)
        # Every row that agrees with the record, or took its correction, is fingerprinted.
        assert LoadedRow.objects.count() == rows - 3


def _as_loaded_before_issue_14(decision: Decision) -> None:
    """The decision as the loader wrote it before it wrote evidence and terms, and its
    fingerprint as that loader made it (the digest of the fields it wrote then)."""
    Decision.objects.filter(pk=decision.pk).update(
        evidence="stated", evidence_reason="", term="", until_som=None
    )
    decision.refresh_from_db()
    written = [*DECISION_FIELDS, *ADDED_SINCE_FINGERPRINTS.keys() & {f.name for f in FIELDS}]
    LoadedRow.objects.filter(model="workstreams.decision", object_id=decision.pk).update(
        digest=rows.digest(stored(decision, sorted(DECISION_FIELDS)))
    )
    assert rows.digest(stored(decision, sorted(written))) == rows.digest(
        stored(decision, sorted(DECISION_FIELDS))
    )


DECISION_FIELDS = [
    "meeting",
    "workstream",
    "kind",
    "text",
    "source",
    "source_section",
    "source_quote",
]
FIELDS = Decision._meta.get_fields()


@pytest.mark.usefixtures("record")
def test_a_database_loaded_before_issue_14_takes_its_corrections_but_not_over_an_edit(
    secretariat: Client,
) -> None:
    """Rows loaded before the loader wrote evidence and terms are still known as the loader's
    (rows.ADDED_SINCE_FINGERPRINTS): they take the record's corrections; a person's edit stays."""
    human_rights = Decision.objects.get(
        meeting__slug="som27", workstream__slug="img-human-rights-environment", kind="extend"
    )
    _as_loaded_before_issue_14(human_rights)
    update = _update()
    response = secretariat.patch(
        f"{UPDATES}{update.pk}/",
        {"summary": "Corrected by the secretariat.", "version": update.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content

    report = reports_load()

    human_rights.refresh_from_db()
    assert (human_rights.evidence, human_rights.term, human_rights.until_som) == (
        "inferred",
        "until_som",
        28,
    )
    assert human_rights.evidence_reason
    assert ("decision", f"kind=extend,meeting=som27,workstream={human_rights.workstream.slug}") in [
        _edited(n) for n in report.corrected
    ]
    assert _update().summary == "Corrected by the secretariat."
    assert [_edited(n) for n in report.left_alone] == [("progress update", CELL_KEY)]
    assert not reports_load().corrected


def _without_responses(name: str, data: dict[str, Any]) -> None:
    """The record as it read before the secretariat's responses were added (issue 14)."""
    if name == "workstreams.toml":
        data["interventions"] = [r for r in data["interventions"] if r.get("kind") != "response"]


@pytest.mark.usefixtures("record")
def test_the_responses_correct_the_loaders_interventions_position_by_position(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database loaded before the responses: a second load corrects the loader's own
    interventions position by position and creates the rest; a person's edit is left alone."""
    meeting = Meeting.objects.get(slug="som28-mid-term")
    Intervention.objects.filter(meeting=meeting).delete()
    LoadedRow.objects.filter(model="meetings.intervention").delete()
    with monkeypatch.context() as before:
        _record_says(before, _without_responses)
        assert reports_load().created["interventions"] == 21
    edited = Intervention.objects.get(meeting=meeting, position=10)
    edited.summary = "Corrected by the secretariat."
    intervention_save(intervention=edited, by=UserFactory.create(role="secretariat"))

    report = reports_load()

    assert report.created["interventions"] == 10
    assert Intervention.objects.filter(meeting=meeting).count() == 31
    edited.refresh_from_db()
    assert edited.summary == "Corrected by the secretariat."
    assert [_edited(n) for n in report.left_alone] == [
        ("intervention", "meeting=som28-mid-term,position=10")
    ]
    corrected = {_edited(n)[1] for n in report.corrected if n.model == "intervention"}
    assert "meeting=som28-mid-term,position=4" in corrected
    assert Intervention.objects.get(meeting=meeting, position=4).kind == "response"
    assert Intervention.objects.filter(meeting=meeting, kind="response").count() == 9
    assert not reports_load().changed


@pytest.mark.django_db(transaction=True)
def test_a_fresh_database_loads_everything_and_a_second_load_changes_nothing() -> None:
    call_command("flush", "--noinput", verbosity=0)
    assert not Meeting.objects.exists()
    assert not LoadedRow.objects.exists()

    first = reports_load()

    assert first.created["meetings"] == 6
    assert first.created["progress updates"] == 21
    assert first.created["workstreams"] == 21
    assert first.created["workstream events"] == 15
    # A fingerprint a row, and one a translated column.
    assert LoadedRow.objects.count() == sum(first.created.values()) + first.translations_set
    assert not first.updated
    assert not first.left_alone
    assert ProgressUpdate.objects.filter(state="published").count() == 21

    before = _everything()
    second = reports_load()
    assert not second.changed
    assert not second.corrected
    assert not second.left_alone
    assert _everything() == before
