"""Calls for input, reminders and the secretariat's digest around a meeting's submission
deadline: each e-mail lands in the outbox exactly once, however often beat fires."""

import datetime
import threading
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from delivery.notices import REMINDER_CATCH_UP_DAYS, NoticeReport, notices_send
from emgtracker.celery import app as celery_app
from tests.factories import MeetingFactory, ProgressUpdateFactory, UserFactory
from workstreams.models import RUNNING_STATUSES, Notice, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

DAYS = 14
DEADLINE = datetime.date(2026, 12, 12)
BIODIVERSITY = "Issue Management Group on Biodiversity"  # led by UNESCO
POLLUTION = "Consultative Process on a Pollution-Free Planet"  # led by UNEP, running
PLASTIC = "Core Working Group on Plastic Pollution"  # led by UNEP, running
MINERALS = "Nexus Dialogue on Environmental Aspects of Minerals and Metals"  # UNEP, proposed


def _running(acronym: str | None = None) -> set[str]:
    # The status now (with_current_status() names status_now current_status).
    running = Workstream.objects.filter(status_now__in=RUNNING_STATUSES)
    if acronym:
        running = running.filter(leads__entity__acronym=acronym)
    return set(running.values_list("title", flat=True))


def _to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


def _run_task() -> None:
    celery_app.tasks["workstreams.notices_send"].delay()


@pytest.fixture(autouse=True)
def days_before(settings: Any) -> None:
    settings.CALL_FOR_INPUT_DAYS_BEFORE = DAYS
    settings.SITE_URL = "https://emg.example.org"


@pytest.fixture
def people(record: None) -> dict[str, Any]:
    return {
        "unesco": UserFactory.create(
            role="focal_point", entity="UNESCO", email="unesco@example.org"
        ),
        "unep": UserFactory.create(role="focal_point", entity="UNEP", email="unep@example.org"),
        "fao": UserFactory.create(role="focal_point", entity="FAO", email="fao@example.org"),
        "secretariat": UserFactory.create(role="secretariat", email="emg@example.org"),
    }


@pytest.fixture
def meeting(record: None) -> Any:
    return MeetingFactory.create(
        date=DEADLINE + datetime.timedelta(days=20), submission_deadline=DEADLINE
    )


def _update(meeting: Any, title: str, state: str) -> ProgressUpdate:
    published_at = timezone.now() if state == ProgressUpdate.State.PUBLISHED else None
    workstream = Workstream.objects.get(title=title)
    lead = workstream.leads.first()
    return ProgressUpdateFactory.create(
        workstream=workstream,
        meeting=meeting,
        entity=lead.entity if lead else None,
        state=state,
        published_at=published_at,
    )


# Calls for input ----------------------------------------------------------------------------


@pytest.mark.usefixtures("people")
def test_call_for_input_goes_to_each_lead_entity_once_across_two_runs(meeting: Any) -> None:
    first_day = DEADLINE - datetime.timedelta(days=DAYS)
    report = notices_send(today=first_day)
    again = notices_send(today=first_day)
    next_day = notices_send(today=first_day + datetime.timedelta(days=1))

    assert sorted(m.to[0] for m in mail.outbox) == ["unep@example.org", "unesco@example.org"]
    assert report.sent == {"call_for_input": 2}
    assert (again.total_sent, again.already_sent) == (0, 2)
    assert (next_day.total_sent, next_day.already_sent) == (0, 2)

    [unesco] = _to("unesco@example.org")
    assert unesco.subject == "[EMG] Progress update for SOM30 senior due 12 December 2026"
    assert unesco.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert "SOM30 senior" in unesco.body
    assert "12 December 2026" in unesco.body
    assert BIODIVERSITY in unesco.body
    assert POLLUTION not in unesco.body
    assert (
        "https://emg.example.org/admin/workstreams/progressupdate/add/?workstream=" in unesco.body
    )
    assert "&amp;" not in unesco.body

    [unep] = _to("unep@example.org")
    for title in _running("UNEP"):
        assert title in unep.body
    assert POLLUTION in unep.body
    assert MINERALS not in unep.body  # proposed, not running
    notice = Notice.objects.get(kind="call_for_input", recipient="unep@example.org")
    assert set(notice.workstreams.values_list("title", flat=True)) == _running("UNEP")


@pytest.mark.usefixtures("people")
def test_the_celery_task_run_twice_sends_each_call_once() -> None:
    MeetingFactory.create(submission_deadline=timezone.localdate() + datetime.timedelta(days=DAYS))
    _run_task()
    _run_task()
    assert sorted(m.to[0] for m in mail.outbox) == ["unep@example.org", "unesco@example.org"]
    assert Notice.objects.count() == 2


@pytest.mark.usefixtures("people")
def test_no_call_before_the_window_and_a_missed_day_still_sends(meeting: Any) -> None:
    assert notices_send(today=DEADLINE - datetime.timedelta(days=DAYS + 1)).total_sent == 0
    assert mail.outbox == []
    # Beat was down for the first days of the window: the first run inside it sends.
    assert notices_send(today=DEADLINE - datetime.timedelta(days=3)).total_sent == 2
    assert notices_send(today=DEADLINE - datetime.timedelta(days=1)).total_sent == 0
    assert len(mail.outbox) == 2
    assert Notice.objects.filter(kind="reminder").count() == 0


@pytest.mark.usefixtures("people")
def test_no_notice_for_a_meeting_without_deadline() -> None:
    MeetingFactory.create(date=DEADLINE)
    for days in range(-DAYS - 1, REMINDER_CATCH_UP_DAYS + 2):
        notices_send(today=DEADLINE + datetime.timedelta(days=days))
    assert mail.outbox == []
    assert not Notice.objects.exists()


@pytest.mark.usefixtures("people")
def test_a_call_lists_where_each_update_stands(meeting: Any) -> None:
    draft = _update(meeting, POLLUTION, ProgressUpdate.State.DRAFT)
    notices_send(today=DEADLINE - datetime.timedelta(days=2))
    [unep] = _to("unep@example.org")
    assert f"{POLLUTION} (update: draft)" in unep.body
    assert f"/admin/workstreams/progressupdate/{draft.pk}/change/" in unep.body
    assert f"{PLASTIC} (update: not started)" in unep.body


def test_skips_users_without_email_inactive_users_and_logins_without_the_role(
    meeting: Any,
) -> None:
    UserFactory.create(role="focal_point", entity="UNESCO", email="")
    UserFactory.create(role="focal_point", entity="UNEP", email="gone@example.org", is_active=False)
    UserFactory.create(entity="UNEP", email="norole@example.org")
    UserFactory.create(role="secretariat", email="")
    report = notices_send(today=DEADLINE - datetime.timedelta(days=1))
    assert mail.outbox == []
    assert report.without_email == 1
    report = notices_send(today=DEADLINE)
    assert mail.outbox == []
    assert report.without_email == 2  # the UNESCO focal point's reminder, the digest


def test_one_address_for_two_entities_gets_one_call_listing_both(meeting: Any) -> None:
    UserFactory.create(role="focal_point", entity="UNESCO", email="Shared@example.org")
    UserFactory.create(role="focal_point", entity="UNEP", email="shared@example.org")
    notices_send(today=DEADLINE - datetime.timedelta(days=1))
    [message] = mail.outbox
    assert BIODIVERSITY in message.body
    assert POLLUTION in message.body


@pytest.mark.usefixtures("people")
def test_a_second_meeting_gets_its_own_notices(meeting: Any) -> None:
    MeetingFactory.create(
        slug="som31",
        som_number=31,
        segment="meeting",
        title="31st Senior Officials Meeting",
        date=DEADLINE + datetime.timedelta(days=60),
        submission_deadline=DEADLINE + datetime.timedelta(days=5),
    )
    notices_send(today=DEADLINE - datetime.timedelta(days=1))
    notices_send(today=DEADLINE - datetime.timedelta(days=1))
    subjects = sorted(m.subject for m in _to("unesco@example.org"))
    assert subjects == [
        "[EMG] Progress update for SOM30 senior due 12 December 2026",
        "[EMG] Progress update for SOM31 due 17 December 2026",
    ]
    assert Notice.objects.filter(kind="call_for_input").count() == 4


# On the deadline: reminders and the digest ---------------------------------------------------


@pytest.mark.usefixtures("people")
def test_reminders_go_only_to_those_missing_an_update_and_the_digest_lists_them(
    meeting: Any,
) -> None:
    _update(meeting, BIODIVERSITY, ProgressUpdate.State.SUBMITTED)
    _update(meeting, PLASTIC, ProgressUpdate.State.PUBLISHED)
    _update(meeting, POLLUTION, ProgressUpdate.State.DRAFT)  # a draft is not in

    report = notices_send(today=DEADLINE)
    again = notices_send(today=DEADLINE)

    assert sorted(m.to[0] for m in mail.outbox) == ["emg@example.org", "unep@example.org"]
    assert report.sent == {"reminder": 1, "digest": 1}
    assert (again.total_sent, again.already_sent) == (0, 2)

    missing = _running() - {BIODIVERSITY, PLASTIC}
    [reminder] = _to("unep@example.org")
    assert (
        reminder.subject == "[EMG] Reminder: progress update for SOM30 senior due 12 December 2026"
    )
    for title in _running("UNEP") - {PLASTIC}:
        assert title in reminder.body
    assert f"{POLLUTION} (update: draft)" in reminder.body
    assert PLASTIC not in reminder.body
    assert "12 December 2026" in reminder.body

    [digest] = _to("emg@example.org")
    assert digest.subject == (
        f"[EMG] {len(missing)} progress updates missing for SOM30 senior (due 12 December 2026)"
    )
    for title in missing:
        assert title in digest.body
    assert BIODIVERSITY not in digest.body
    assert PLASTIC not in digest.body
    assert "SOM30 senior" in digest.body
    assert "UNDP" in digest.body.split("no focal point to remind")[1]  # nobody speaks for it
    notice = Notice.objects.get(kind="digest")
    assert set(notice.workstreams.values_list("title", flat=True)) == missing


@pytest.mark.usefixtures("people")
def test_the_celery_task_on_the_deadline_day_sends_once() -> None:
    MeetingFactory.create(submission_deadline=timezone.localdate())
    _run_task()
    _run_task()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "emg@example.org",
        "unep@example.org",
        "unesco@example.org",
    ]


@pytest.mark.usefixtures("people")
def test_a_missed_deadline_day_is_caught_up_within_the_week(meeting: Any) -> None:
    late = DEADLINE + datetime.timedelta(days=REMINDER_CATCH_UP_DAYS + 1)
    assert notices_send(today=late).total_sent == 0
    assert notices_send(today=DEADLINE + datetime.timedelta(days=3)).total_sent == 3
    assert notices_send(today=DEADLINE + datetime.timedelta(days=4)).total_sent == 0
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("people")
def test_no_notices_once_the_meeting_has_been_held() -> None:
    MeetingFactory.create(date=DEADLINE, submission_deadline=DEADLINE - datetime.timedelta(days=2))
    assert notices_send(today=DEADLINE + datetime.timedelta(days=1)).total_sent == 0


@pytest.mark.usefixtures("people")
def test_the_digest_goes_even_when_everything_is_in(meeting: Any) -> None:
    for title in _running():
        _update(meeting, title, ProgressUpdate.State.SUBMITTED)
    notices_send(today=DEADLINE)
    [digest] = mail.outbox
    assert digest.to == ["emg@example.org"]
    assert (
        digest.subject
        == "[EMG] All progress updates are in for SOM30 senior (due 12 December 2026)"
    )
    assert f"All {len(_running())} running workstreams have a submitted" in digest.body


# Failures ----------------------------------------------------------------------------------


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("no mail server")


@pytest.mark.usefixtures("people")
def test_a_failed_send_is_not_recorded_and_the_next_run_sends_it(
    meeting: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    report = notices_send(today=DEADLINE - datetime.timedelta(days=2))
    assert (report.failed, report.stopped, report.total_sent) == (1, True, 0)
    assert not Notice.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send(today=DEADLINE - datetime.timedelta(days=1)).total_sent == 2
    assert len(mail.outbox) == 2


@pytest.mark.usefixtures("people", "meeting")
def test_refuses_to_run_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        notices_send(today=DEADLINE - datetime.timedelta(days=1))
    assert mail.outbox == []


@pytest.mark.usefixtures("people")
def test_a_run_starting_while_another_is_sending_skips_what_it_claimed(
    meeting: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notice is recorded, and committed, before its e-mail goes."""
    today = DEADLINE - datetime.timedelta(days=1)
    send = EmailMessage.send
    overlapping: list[NoticeReport] = []
    started = False

    def send_and_overlap(message: EmailMessage, fail_silently: bool = False) -> int:
        nonlocal started
        if not started:
            started = True
            overlapping.append(notices_send(today=today))
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", send_and_overlap)
    first = notices_send(today=today)
    # The overlapping run found the first notice claimed and sent the other one.
    assert (overlapping[0].total_sent, overlapping[0].already_sent) == (1, 1)
    assert (first.total_sent, first.already_sent) == (1, 1)
    assert sorted(m.to[0] for m in mail.outbox) == ["unep@example.org", "unesco@example.org"]


@pytest.mark.usefixtures("live_record")
def test_two_runs_at_once_send_each_notice_once() -> None:
    """Beat fires twice and two workers take the task at the same moment (PostgreSQL only:
    SQLite serialises writers, so there is no race to lose)."""
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent runs need PostgreSQL (DATABASE_URL).")
    UserFactory.create(role="focal_point", entity="UNESCO", email="unesco@example.org")
    UserFactory.create(role="focal_point", entity="UNEP", email="unep@example.org")
    UserFactory.create(role="secretariat", email="emg@example.org")
    MeetingFactory.create(date=DEADLINE + datetime.timedelta(days=20), submission_deadline=DEADLINE)
    start = threading.Barrier(4)
    reports: list[NoticeReport] = []

    def run() -> None:
        try:
            start.wait()
            reports.append(notices_send(today=DEADLINE))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 4
    assert sum(r.total_sent for r in reports) == 3
    assert sum(r.already_sent for r in reports) == 9
    assert sorted(m.to[0] for m in mail.outbox) == [
        "emg@example.org",
        "unep@example.org",
        "unesco@example.org",
    ]


# Wiring -------------------------------------------------------------------------------------


def test_beat_runs_the_task_daily_and_celery_knows_it() -> None:
    schedule = django_settings.CELERY_BEAT_SCHEDULE["notices-send"]
    assert schedule["task"] == "workstreams.notices_send"
    assert "workstreams.notices_send" in celery_app.tasks


def test_the_secretariat_sets_the_deadline_in_the_admin(client: Any) -> None:
    meeting = MeetingFactory.create()
    client.force_login(UserFactory.create(role="secretariat"))
    page = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
    assert 'name="submission_deadline"' in page


def test_notices_are_only_read_and_deleted_in_the_admin(client: Any) -> None:
    notice = Notice.objects.create(
        kind="reminder", meeting=MeetingFactory.create(), recipient="unep@example.org"
    )
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    assert client.get("/admin/workstreams/notice/add/").status_code == 403
    page = client.get(f"/admin/workstreams/notice/{notice.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    client.force_login(UserFactory.create(role="secretariat"))
    response = client.post(f"/admin/workstreams/notice/{notice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Notice.objects.exists()
