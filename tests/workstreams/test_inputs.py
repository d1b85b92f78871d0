"""Co-lead inputs on the record: the Biodiversity IMG's awareness stream is led by UNDP and
UNESCO. Each focal point drafts and submits its entity's input; the secretariat merges them into
the one progress update, which keeps both as its sources."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import Entity, Meeting
from tests.factories import UserFactory
from workstreams import services
from workstreams.models import ProgressInput, ProgressUpdate, Workstream
from workstreams.permissions import progress_inputs_visible_to

pytestmark = pytest.mark.usefixtures("record")

STREAM = "img-biodiversity-awareness-knowledge"
MEETING = "som29-senior"


def focal_point(acronym: str) -> User:
    return UserFactory.create(role="focal_point", entity=acronym)


def secretariat() -> User:
    return UserFactory.create(role="secretariat")


def draft(by: User, summary: str, **fields: Any) -> ProgressInput:
    return services.progress_input_save(
        progress_input=ProgressInput(
            workstream=Workstream.objects.get(slug=STREAM),
            meeting=Meeting.objects.get(slug=MEETING),
            summary=summary,
            **fields,
        ),
        by=by,
    )


def two_submitted_inputs() -> tuple[ProgressInput, ProgressInput]:
    undp, unesco = focal_point("UNDP"), focal_point("UNESCO")
    first = draft(undp, "UNDP ran two awareness webinars.", status="active")
    second = draft(unesco, "UNESCO published the knowledge kit.", next_steps="Translate it.")
    return (
        services.progress_input_submit(progress_input=first, by=undp),
        services.progress_input_submit(progress_input=second, by=unesco),
    )


def merge(**fields: Any) -> ProgressUpdate:
    return services.progress_inputs_merge(
        workstream=Workstream.objects.get(slug=STREAM),
        meeting=Meeting.objects.get(slug=MEETING),
        summary=fields.pop("summary", "Webinars held and a knowledge kit published."),
        by=fields.pop("by", None) or secretariat(),
        **fields,
    )


def test_a_co_led_update_merges_two_inputs_and_keeps_both_as_sources() -> None:
    first, _second = two_submitted_inputs()
    assert (first.entity.acronym, first.state, first.author is not None) == (
        "UNDP",
        "submitted",
        True,
    )
    assert first.submitted_at is not None

    update = merge(next_steps="Translate the kit.", sources_public=True, submit=True)

    update.refresh_from_db()
    assert (update.state, update.status, update.sources_public) == ("submitted", "active", True)
    assert update.summary == "Webinars held and a knowledge kit published."
    assert sorted(i.entity.acronym for i in update.sources.all()) == ["UNDP", "UNESCO"]
    assert update.published_at is None  # the merge never publishes


def test_a_merged_input_is_locked() -> None:
    first, _second = two_submitted_inputs()
    merge()
    first.summary = "Changed after the merge."
    with pytest.raises(PermissionDenied):
        services.progress_input_save(progress_input=first, by=first.author or secretariat())
    with pytest.raises(PermissionDenied):
        services.progress_input_save(progress_input=first, by=secretariat())
    with pytest.raises(PermissionDenied):  # not even a superuser
        services.progress_input_save(progress_input=first, by=UserFactory.create(is_superuser=True))
    first.refresh_from_db()
    assert first.summary == "UNDP ran two awareness webinars."


def test_merging_again_keeps_the_sources_and_adds_a_late_input() -> None:
    undp, unesco = focal_point("UNDP"), focal_point("UNESCO")
    services.progress_input_submit(progress_input=draft(undp, "UNDP's part."), by=undp)
    update = merge()
    late = draft(unesco, "UNESCO's late part.")
    services.progress_input_submit(progress_input=late, by=unesco)
    again = merge(summary="Both parts, merged.")
    assert again.pk == update.pk
    assert sorted(i.entity.acronym for i in again.sources.all()) == ["UNDP", "UNESCO"]


def test_a_focal_point_writes_only_their_own_entitys_input() -> None:
    undp, unesco = focal_point("UNDP"), focal_point("UNESCO")
    theirs = draft(undp, "UNDP's draft.")
    theirs.summary = "Rewritten by UNESCO."
    with pytest.raises(PermissionDenied):
        services.progress_input_save(progress_input=theirs, by=unesco)
    with pytest.raises(PermissionDenied):
        services.progress_input_submit(progress_input=theirs, by=unesco)
    with pytest.raises(ValidationError, match="their own entity"):
        draft(unesco, "In UNDP's name.", entity=Entity.objects.get(acronym="UNDP"))
    theirs.refresh_from_db()
    assert (theirs.summary, theirs.state) == ("UNDP's draft.", "draft")
    assert ProgressInput.objects.count() == 1


def test_a_focal_point_sees_no_other_entitys_draft_but_its_submitted_input() -> None:
    undp, unesco = focal_point("UNDP"), focal_point("UNESCO")
    undp_input = draft(undp, "UNDP's draft.")
    unesco_input = draft(unesco, "UNESCO's draft.")
    assert list(progress_inputs_visible_to(unesco)) == [unesco_input]
    services.progress_input_submit(progress_input=undp_input, by=undp)
    assert set(progress_inputs_visible_to(unesco)) == {undp_input, unesco_input}
    assert set(progress_inputs_visible_to(secretariat())) == {undp_input, unesco_input}
    assert not progress_inputs_visible_to(focal_point("FAO")).exists()


def test_only_a_lead_entity_gives_an_input() -> None:
    with pytest.raises(ValidationError, match="does not lead this workstream"):
        draft(secretariat(), "FAO's view.", entity=Entity.objects.get(acronym="FAO"))
    with pytest.raises(ValidationError, match="does not lead this workstream"):
        draft(focal_point("FAO"), "FAO's view.")
    assert not ProgressInput.objects.exists()


def test_one_input_per_entity_workstream_and_meeting() -> None:
    undp = focal_point("UNDP")
    draft(undp, "First.")
    with pytest.raises(ValidationError):
        draft(undp, "Second.")
    assert ProgressInput.objects.count() == 1


def test_a_submitted_input_cannot_be_submitted_again() -> None:
    first, _second = two_submitted_inputs()
    with pytest.raises(ValidationError, match="already submitted"):
        services.progress_input_submit(progress_input=first, by=secretariat())


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"summary": "  "}, "cannot be empty"),
        ({"by": "focal point"}, None),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_a_bad_merge_writes_nothing(fields: dict[str, Any], refusal: str | None) -> None:
    two_submitted_inputs()
    if fields.get("by"):
        fields["by"] = focal_point("UNDP")
    with pytest.raises(PermissionDenied if refusal is None else ValidationError, match=refusal):
        merge(**fields)
    assert not ProgressUpdate.objects.filter(workstream__slug=STREAM).exists()
    assert not ProgressInput.objects.filter(merged_into__isnull=False).exists()


def test_nothing_to_merge_without_a_submitted_input() -> None:
    draft(focal_point("UNDP"), "Still a draft.")
    with pytest.raises(ValidationError, match="nothing to merge"):
        merge()
    assert not ProgressUpdate.objects.filter(workstream__slug=STREAM).exists()


def test_no_merge_into_a_published_update() -> None:
    two_submitted_inputs()
    boss = secretariat()
    update = merge(by=boss, submit=True)
    services.progress_update_publish(update=update, by=boss)
    with pytest.raises(ValidationError, match="return it to draft"):
        merge(summary="Rewritten.")
    update.refresh_from_db()
    assert update.summary == "Webinars held and a knowledge kit published."


def test_the_history_names_who_wrote_and_merged() -> None:
    first, _second = two_submitted_inputs()
    merge()
    reasons = [h.history_change_reason for h in first.history.order_by("history_date")]
    assert reasons == [None, "Submitted to the secretariat", "Merged into the progress update"]
    assert first.history.earliest().history_user == first.author
