"""Following a workstream by e-mail: exactly one message per event, none before confirmation or
after a stop, RFC 8058's headers (docs/notices.md#following-a-workstream)."""

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from delivery import interface
from delivery.following.mail import follow_message_send
from delivery.tasks import follow_message_send as follow_message_send_task
from meetings.models import AgendaItem, Meeting
from tests.conftest import wait_for
from tests.factories import MeetingFactory, ProgressUpdateFactory, UserFactory
from workstreams import services
from workstreams.models import Follower, FollowMessage, ProgressUpdate, Workstream

pytestmark = pytest.mark.django_db

ADDRESS = "Reader@Example.org"


def follower(
    address: str = ADDRESS, slug: str = "img-biodiversity", language: str = "en"
) -> Follower:
    """A confirmed follower of ``slug``, as after the confirmation link."""
    workstream = Workstream.objects.get(slug=slug)
    asked = interface.follower_request(address=address, workstreams=[workstream], language=language)
    assert asked is not None
    return interface.follower_confirm(follower=asked)


def publish(**fields: Any) -> ProgressUpdate:
    update = ProgressUpdateFactory.create(state="submitted", **fields)
    return services.progress_update_publish(
        update=update, by=UserFactory.create(role="secretariat")
    )


def som30_publish() -> ProgressUpdate:
    return publish(meeting=MeetingFactory.create(slug="som30", segment="meeting"))


def follow_mails() -> list[Any]:
    return [m for m in mail.outbox if "Confirm that" not in m.subject]


def test_a_follower_gets_exactly_one_e_mail_per_publish(
    django_capture_on_commit_callbacks: Any,
) -> None:
    reader = follower()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update = som30_publish()
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert message.subject == "[EMG] IMG on Biodiversity: progress update published for SOM30"
    unsubscribe = re.search(
        r"<(http://[^/]+/en/follow/unsubscribe/[^/]+/)>",
        message.extra_headers["List-Unsubscribe"],
    )
    assert unsubscribe is not None
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/en/workstreams/img-biodiversity/#som30" in message.body
    assert "/en/follow/manage/" in message.body
    assert unsubscribe.group(1) in message.body
    # The publish changed the status as well: said in the same e-mail, not in a second one.
    assert "Status at SOM30: Active." in message.body
    # The task again, as a redelivery would, and a second worker: nothing more is sent.
    (row,) = FollowMessage.objects.filter(follower=reader, event="update.published")
    assert follow_message_send(message_id=row.pk) == "skipped"
    assert interface.follow_update_published(update=update) == []
    assert len(mail.outbox) == 1
    assert FollowMessage.objects.get(pk=row.pk).state == "sent"


def test_nothing_is_sent_before_confirmation(django_capture_on_commit_callbacks: Any) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    with django_capture_on_commit_callbacks(execute=True):
        interface.follower_request(address=ADDRESS, workstreams=[workstream], language="fr")
    (confirmation,) = mail.outbox
    assert confirmation.subject  # in French: the page's language
    assert "/fr/follow/confirm/" in confirmation.body
    with django_capture_on_commit_callbacks(execute=True):
        som30_publish()
    assert len(mail.outbox) == 1
    assert not FollowMessage.objects.exists()


def test_messages_are_in_the_followers_language(django_capture_on_commit_callbacks: Any) -> None:
    follower(language="fr")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        som30_publish()
    (message,) = mail.outbox
    assert "/fr/workstreams/img-biodiversity/" in message.body
    assert "/fr/follow/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_one_confirmation_per_address_every_few_minutes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    biodiversity = Workstream.objects.get(slug="img-biodiversity")
    other = Workstream.objects.exclude(pk=biodiversity.pk).first()
    assert other is not None
    with django_capture_on_commit_callbacks(execute=True):
        interface.follower_request(address=ADDRESS, workstreams=[biodiversity], language="en")
        interface.follower_request(address=ADDRESS.upper(), workstreams=[other], language="en")
    assert len(mail.outbox) == 1
    (one,) = Follower.objects.all()
    assert set(one.workstreams.all()) == {biodiversity, other}
    Follower.objects.update(mailed_at=timezone.now() - datetime.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        interface.follower_request(address=ADDRESS, workstreams=[other], language="en")
    assert len(mail.outbox) == 2


def test_a_bounce_stops_it(django_capture_on_commit_callbacks: Any) -> None:
    follower()
    assert interface.follower_stop(address=" READER@example.org", reason="bounce") is not None
    with django_capture_on_commit_callbacks(execute=True):
        som30_publish()
    assert follow_mails() == []
    stopped = Follower.objects.get()
    assert (stopped.stopped_reason, list(stopped.workstreams.all())) == ("bounce", [])
    assert interface.follower_stop(address="nobody@example.org", reason="bounce") is None


def test_a_stop_cancels_a_message_not_yet_sent(django_capture_on_commit_callbacks: Any) -> None:
    reader = follower()
    update = som30_publish()  # its commit never comes: the message waits, pending
    (row,) = FollowMessage.objects.filter(follower=reader, state="pending")
    interface.follower_stop(follower=reader, reason="complaint")
    assert follow_message_send(message_id=row.pk) == "skipped"
    assert interface.follow_update_published(update=update) == []
    assert follow_mails() == []


def test_a_status_change_alone_is_one_message(django_capture_on_commit_callbacks: Any) -> None:
    follower()
    meeting = Meeting.objects.get(slug="som29-senior")
    workstream = Workstream.objects.get(slug="img-biodiversity")
    with django_capture_on_commit_callbacks(execute=True):
        interface.follow_status_changed(
            workstream=workstream, meeting=meeting, previous="active", status="extended"
        )
        interface.follow_status_changed(
            workstream=workstream, meeting=meeting, previous="active", status="extended"
        )
        interface.follow_status_changed(
            workstream=workstream, meeting=meeting, previous="active", status="active"
        )
    (message,) = follow_mails()
    assert message.subject == "[EMG] IMG on Biodiversity: status at SOM29 senior is now Extended"


def test_on_the_agenda_of_a_coming_meeting_once(django_capture_on_commit_callbacks: Any) -> None:
    follower()
    som30 = MeetingFactory.create(slug="som30", segment="meeting")
    item = AgendaItem.objects.create(meeting=som30, position=3, number="3(b)", title="Biodiversity")
    ProgressUpdateFactory.create(meeting=som30, agenda_item=item)  # a draft: on the agenda
    for _ in range(2):  # beat twice
        with django_capture_on_commit_callbacks(execute=True):
            interface.follow_agenda_run(today=timezone.localdate())
    (message,) = follow_mails()
    assert message.subject == "[EMG] IMG on Biodiversity: on the agenda of SOM30"
    # A meeting already held is not "coming".
    with django_capture_on_commit_callbacks(execute=True):
        interface.follow_agenda_run(today=som30.date + datetime.timedelta(days=1))
    assert len(follow_mails()) == 1


def test_the_daily_run_forgets_requests_never_confirmed() -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    interface.follower_request(address="late@example.org", workstreams=[workstream], language="en")
    follower()
    long_ago = timezone.now() - datetime.timedelta(days=8)
    Follower.objects.update(created_at=long_ago, mailed_at=long_ago)
    interface.follow_agenda_run(today=timezone.localdate())
    assert list(Follower.objects.values_list("address", flat=True)) == ["reader@example.org"]


def test_one_click_unsubscribe_by_post(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    reader = follower()
    token = interface.follow_token(reader, "unsubscribe")
    url = f"/en/follow/unsubscribe/{token}/"
    client = Client(enforce_csrf_checks=True)
    # A GET, as a mail scanner's, changes nothing.
    assert client.get(url).status_code == 200
    assert Follower.objects.get().is_receiving
    answer = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert Follower.objects.get().stopped_reason == "unsubscribed"
    with django_capture_on_commit_callbacks(execute=True):
        som30_publish()
    assert follow_mails() == []


@pytest.fixture
def console_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's e-mails to its log, where the test counts them."""
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")


@pytest.fixture
def mail_worker(console_mail: None, celery_worker: Path) -> Path:
    return celery_worker


def test_a_real_worker_sends_one_e_mail_per_publish(mail_worker: Path) -> None:
    reader = follower()
    som30_publish()
    wait_for(
        lambda: FollowMessage.objects.filter(follower=reader, state="sent").exists(),
        timeout=30,
        what="the worker to send the follower's message",
    )
    (row,) = FollowMessage.objects.filter(follower=reader, event="update.published")
    # Sent again, as a redelivered task would be: the worker skips it.
    follow_message_send_task.delay(row.pk)

    def runs() -> int:
        return len(re.findall(r"follow_message_send\[[^\]]+\] succeeded", mail_worker.read_text()))

    # The status message (cancelled: the update's says it), the update's, the redelivered one.
    wait_for(lambda: runs() == 3, timeout=30, what="the worker to run the task again")
    log = mail_worker.read_text()
    subject = "Subject: [EMG] IMG on Biodiversity: progress update published for SOM30"
    assert log.count(subject) == 1, log[-3000:]
    assert "'skipped'" in log
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in log
