"""The editorial workflow in the admin: draft → submitted → published, back to draft with a reason,
refused stale saves, and the history of who did what."""

from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import NO_TAGS, MeetingFactory, ProgressUpdateFactory, UserFactory
from workstreams import services
from workstreams.models import ProgressUpdate, TimelineEntry, Workstream

pytestmark = pytest.mark.usefixtures("record")

CHANGELIST = reverse("admin:workstreams_progressupdate_changelist")
ADD = reverse("admin:workstreams_progressupdate_add")


def _login(client: Client, **kwargs: Any) -> Any:
    user = UserFactory.create(**kwargs)
    client.force_login(user)
    return user


def _action(client: Client, action: str, *updates: ProgressUpdate, **extra: str) -> Any:
    data = {"action": action, ACTION_CHECKBOX_NAME: [u.pk for u in updates], **extra}
    return client.post(CHANGELIST, data, follow=True)


def _form(update: ProgressUpdate, **changes: Any) -> dict[str, Any]:
    data = {
        "workstream": update.workstream_id,
        "meeting": update.meeting_id,
        "entity": update.entity_id or "",
        "presenter": update.presenter_id or "",
        "status": update.status,
        "summary_en": update.summary,
        "next_steps_en": update.next_steps,
        "expected_to_continue_in": update.expected_to_continue_in or "",
        # The secretariat's form has the provenance fields; a focal point's has none.
        "evidence": update.evidence,
        "version": update.version,
        **NO_TAGS,
    }
    # The form edits the English original beside its translations (docs/languages.md).
    return {**data, **{_ORIGINAL.get(name, name): value for name, value in changes.items()}}


_ORIGINAL = {"summary": "summary_en", "next_steps": "next_steps_en"}


def _cell(workstream: str, meeting: str) -> TimelineEntry | None:
    return TimelineEntry.objects.filter(workstream__slug=workstream, meeting__slug=meeting).first()


def test_secretariat_adds_submits_and_publishes_and_the_public_page_shows_it(
    client: Client,
) -> None:
    sec = _login(client, role="secretariat")
    biodiversity = Workstream.objects.get(slug="img-biodiversity")
    senior = Meeting.objects.get(slug="som29-senior")
    response = client.post(
        ADD,
        {
            "workstream": biodiversity.pk,
            "meeting": senior.pk,
            "status": "active",
            "summary_en": "Nature-positive guidance drafted with twelve entities.",
            "next_steps_en": "Circulate the guidance for comment.",
            "evidence": "stated",
            "version": 1,
        },
        follow=True,
    )
    assert response.status_code == 200
    update = ProgressUpdate.objects.get(workstream=biodiversity, meeting=senior)
    assert update.state == "draft"
    assert _cell("img-biodiversity", "som29-senior") is None

    _action(client, "submit", update)
    update.refresh_from_db()
    assert update.state == "submitted"

    response = _action(client, "publish", update)
    assert "1 update published." in response.content.decode()
    update.refresh_from_db()
    assert update.state == "published"
    assert update.published_at is not None
    cell = _cell("img-biodiversity", "som29-senior")
    assert cell is not None
    assert (cell.status, cell.basis, cell.update_id) == ("active", "update", update.pk)
    assert [h.history_user for h in update.history.order_by("history_id")] == [sec, sec, sec]

    page = Client().get("/en/").content.decode()
    assert "Nature-positive guidance drafted" in page or "Active" in page


def test_focal_point_drafts_and_submits_but_cannot_publish(client: Client) -> None:
    _login(client, role="focal_point", entity="UNESCO")
    response = client.get(ADD)
    page = response.content.decode()
    assert "Biodiversity" in page
    assert "Human Rights" not in page
    # The presenting entity is theirs, filled in by the service (test_presenting_entity.py).
    assert "entity" not in response.context["adminform"].form.fields
    client.post(
        ADD,
        {
            "workstream": Workstream.objects.get(slug="img-biodiversity").pk,
            "meeting": Meeting.objects.get(slug="som29-senior").pk,
            "status": "active",
            "summary_en": "Draft from UNESCO.",
            "version": 1,
        },
    )
    update = ProgressUpdate.objects.get(summary="Draft from UNESCO.")
    assert update.entity is not None
    assert update.entity.acronym == "UNESCO"

    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["submit"]
    _action(client, "submit", update)
    update.refresh_from_db()
    assert update.state == "submitted"
    _action(client, "publish", update)
    update.refresh_from_db()
    assert update.state == "submitted"


def test_focal_point_cannot_write_for_a_workstream_its_entity_does_not_lead(client: Client) -> None:
    _login(client, role="focal_point", entity="UNESCO")
    response = client.post(
        ADD,
        {
            "workstream": Workstream.objects.get(slug="img-human-rights-environment").pk,
            "meeting": Meeting.objects.get(slug="som29-senior").pk,
            "status": "active",
            "summary_en": "Not ours to write.",
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ProgressUpdate.objects.filter(summary="Not ours to write.").exists()


def test_focal_point_cannot_open_another_entitys_update(client: Client) -> None:
    theirs = ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"),
        summary="UNEP's confidential draft.",
    )
    _login(client, role="focal_point", entity="UNESCO")
    response = client.get(
        reverse("admin:workstreams_progressupdate_change", args=[theirs.pk]), follow=True
    )
    assert "UNEP's confidential draft." not in response.content.decode()
    assert "doesn’t exist" in response.content.decode()
    listed = client.get(CHANGELIST).content.decode()
    assert "Human Rights" not in listed


def test_focal_point_cannot_edit_a_published_update(client: Client) -> None:
    update = ProgressUpdateFactory.create(state="published", published_at=timezone.now())
    _login(client, role="focal_point", entity="UNESCO")
    url = reverse("admin:workstreams_progressupdate_change", args=[update.pk])
    client.post(url, _form(update, summary="Rewritten after publication."))
    update.refresh_from_db()
    assert update.summary != "Rewritten after publication."


def test_publishing_is_all_or_nothing(client: Client) -> None:
    _login(client, role="secretariat")
    submitted = ProgressUpdateFactory.create(state="submitted")
    draft = ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment")
    )
    response = _action(client, "publish", submitted, draft)
    assert "Nothing was changed." in response.content.decode()
    assert "only a submitted update can be published" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_return_to_draft_asks_for_a_reason_and_takes_the_update_off_the_timeline(
    client: Client,
) -> None:
    _login(client, role="secretariat")
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som29-mid-term"
    )
    assert _cell("img-biodiversity", "som29-mid-term") is not None

    page = _action(client, "return_to_draft", update)
    assert "Why does it go back to draft?" in page.content.decode()
    page = _action(client, "return_to_draft", update, reason="   ")
    assert "This field is required." in page.content.decode()
    update.refresh_from_db()
    assert update.state == "published"

    response = _action(client, "return_to_draft", update, reason="Please add the COP15 outcome.")
    assert "1 update returned to draft." in response.content.decode()
    update.refresh_from_db()
    assert (update.state, update.published_at) == ("draft", None)
    assert update.returned_reason == "Please add the COP15 outcome."
    assert _cell("img-biodiversity", "som29-mid-term") is None
    latest = update.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == "Returned to draft: Please add the COP15 outcome."


def test_second_of_two_concurrent_saves_is_refused_naming_what_changed(client: Client) -> None:
    update = ProgressUpdateFactory.create(summary="First wording.", next_steps="Meet in June.")
    url = reverse("admin:workstreams_progressupdate_change", args=[update.pk])
    alice, bob = Client(), Client()
    alice.force_login(UserFactory.create(username="alice", role="secretariat"))
    bob.force_login(UserFactory.create(username="bob", role="secretariat"))
    # Both open the form at the same version.
    assert alice.get(url).context["adminform"].form["version"].value() == update.version
    assert bob.get(url).context["adminform"].form["version"].value() == update.version

    saved = alice.post(url, _form(update, summary="Alice's wording.", next_steps="Meet in July."))
    assert saved.status_code == 302
    refused = bob.post(url, _form(update, summary="Bob's wording."))

    assert refused.status_code == 200
    message = refused.context["adminform"].form.non_field_errors()[0]
    assert "alice changed summary and next steps" in message
    assert "Your changes were not saved" in message
    update.refresh_from_db()
    assert (update.summary, update.version) == ("Alice's wording.", 2)


def test_a_service_save_on_a_stale_copy_is_refused() -> None:
    sec = UserFactory.create(role="secretariat")
    update = ProgressUpdateFactory.create()
    stale = ProgressUpdate.objects.get(pk=update.pk)
    update.summary = "Saved first."
    services.progress_update_save(update=update, by=sec)
    stale.summary = "Saved second."
    with pytest.raises(services.StaleUpdate):
        services.progress_update_save(update=stale, by=sec)
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "Saved first."


def test_history_page_lists_each_revision_with_who(client: Client) -> None:
    _login(client, username="carla", role="secretariat")
    update = ProgressUpdateFactory.create()
    url = reverse("admin:workstreams_progressupdate_change", args=[update.pk])
    client.post(url, _form(update, summary="Revised by Carla."))
    _action(client, "submit", update)
    page = client.get(
        reverse("admin:workstreams_progressupdate_history", args=[update.pk])
    ).content.decode()
    assert page.count("carla") >= 2
    assert "Submitted for review" in page


def test_landing_panel_shows_what_awaits_review_and_who_owes_an_update(client: Client) -> None:
    MeetingFactory.create()
    awaiting = ProgressUpdateFactory.create(state="submitted")
    _login(client, role="secretariat")
    page = client.get(reverse("admin:index")).content.decode()
    assert "Updates awaiting review" in page
    assert reverse("admin:workstreams_progressupdate_change", args=[awaiting.pk]) in page
    assert "No update yet for SOM30 senior" in page
    # The IMG on Biodiversity reported at SOM29 midterm and has no update for SOM30 yet.
    assert "Issue Management Group on Biodiversity" in page or "Biodiversity" in page


def test_landing_panel_says_when_no_meeting_is_scheduled(client: Client) -> None:
    _login(client, role="secretariat")
    page = client.get(reverse("admin:index")).content.decode()
    assert "No meeting is scheduled from today on." in page


def test_focal_point_landing_shows_only_its_own_and_only_its_admin(client: Client) -> None:
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"), state="submitted"
    )
    _login(client, role="focal_point", entity="UNESCO")
    page = client.get(reverse("admin:index")).content.decode()
    assert "Nothing awaits review." in page
    assert "Progress updates" in page
    assert "Meetings" not in page
    assert "Decisions" not in page


@pytest.mark.parametrize("extra", [2, 20])
def test_update_changelist_query_count_is_flat(
    client: Client, django_assert_num_queries: Any, extra: int
) -> None:
    for workstream in Workstream.objects.all()[:extra]:
        ProgressUpdateFactory.create(workstream=workstream, entity=None)
    _login(client, role="secretariat")
    # session, user, its groups (asked once by the rules), the meeting and entity filters,
    # count, total count, the user's and its groups' table permissions (the model backend,
    # asked once where a rule says no), and the page of updates with workstream, meeting,
    # entity and presenter joined.
    with django_assert_num_queries(10):
        client.get(CHANGELIST)


def test_status_now_follows_the_latest_meeting_with_a_record() -> None:
    biodiversity = Workstream.objects.get(slug="img-biodiversity")
    assert biodiversity.status_now == "active"  # SOM29 mid-term, the latest cell
    som27 = Meeting.objects.get(slug="som27")  # where it was established
    som27.date = som27.date.replace(year=2030)
    som27.save()
    services.workstream_status_now_refresh(
        workstreams=Workstream.objects.filter(pk=biodiversity.pk)
    )
    biodiversity.refresh_from_db()
    assert biodiversity.status_now == "established"
    # A published update at the newest meeting moves it on at once.
    som27.date = som27.date.replace(year=2021)
    som27.save()
    update = ProgressUpdateFactory.create(state="submitted", status="extended")
    services.progress_update_publish(update=update, by=UserFactory.create(role="secretariat"))
    assert Workstream.objects.get(pk=biodiversity.pk).status_now == "extended"


def test_the_pages_and_the_api_agree_on_status_now() -> None:
    """The pages read status now from the prefetched timeline, the API and the filters from the
    stored column: the same answer for every workstream, before and after a publish."""

    def both() -> dict[str, tuple[str | None, str | None]]:
        return {
            w.slug: (w.current_entry.status if w.current_entry else None, w.status_now)
            for w in Workstream.objects.with_timeline()
        }

    assert all(shown == stored for shown, stored in both().values())
    assert {stored for _, stored in both().values()} >= {"active", "proposed"}
    update = ProgressUpdateFactory.create(state="submitted", status="extended")
    services.progress_update_publish(update=update, by=UserFactory.create(role="secretariat"))
    after = both()
    assert after[update.workstream.slug] == ("extended", "extended")
    assert all(shown == stored for shown, stored in after.values())
