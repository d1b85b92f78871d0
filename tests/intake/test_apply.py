"""Applying an intake: through the services of hand entry, in one transaction; drafts only;
twice changes nothing; a loaded record changes nothing; an empty database gets what
``load_emg_record`` gives."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command

from intake.apply import intake_apply
from intake.models import Intake, IntakeItem
from intake.services import choices_needed, intake_upload
from meetings.models import Attendance, Entity, Intervention, Meeting, Person
from tests.factories import UserFactory
from tests.intake.reports import DATA, SOM28_MID_TERM, SOM29_MID_TERM
from workstreams.management.report_loader import reports_load
from workstreams.models import ProgressUpdate, Proposal, Workstream
from workstreams.permissions import ROLES

RECORD_MODELS = (
    Meeting,
    Entity,
    Person,
    Attendance,
    Intervention,
    ProgressUpdate,
    Proposal,
    Workstream,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in RECORD_MODELS}


def _take_in(path: Any, by: User) -> Intake:
    intake = intake_upload(file_name=path.name, data=path.read_bytes(), by=by)
    assert intake.state == Intake.State.READY, intake.error
    return intake


def _accept_everything(intake: Intake, by: User) -> Any:
    """Accept every item, choosing for each match that needs it what a reviewer would: the
    match shown, or its first candidate."""
    choices: dict[int, dict[str, str]] = {}
    for item in intake.items.all():
        for role in choices_needed(item):
            match = item.matches[role]
            choices.setdefault(item.pk, {})[role] = match["key"] or match["candidates"][0]["key"]
    return intake_apply(
        intake=intake, by=by, accept=intake.items.values_list("pk", flat=True), choices=choices
    )


@pytest.mark.usefixtures("record")
class TestOnTheLoadedRecord:
    @pytest.mark.parametrize("report", [SOM28_MID_TERM, SOM29_MID_TERM])
    def test_applying_a_report_the_record_holds_changes_nothing(self, report: Any) -> None:
        secretariat = UserFactory.create(role="secretariat")
        before = _counts()
        applied = _accept_everything(_take_in(report, secretariat), secretariat)
        assert dict(applied.added) == {}
        assert _counts() == before
        assert sum(applied.in_record.values()) > 0

    def test_each_item_says_which_row_it_found(self) -> None:
        secretariat = UserFactory.create(role="secretariat")
        intake = _take_in(SOM28_MID_TERM, secretariat)
        _accept_everything(intake, secretariat)
        item = intake.items.get(section="participants", values__number=47)
        attendance = Attendance.objects.get(pk=item.record_id or 0)
        assert (item.record_model, item.outcome) == ("meetings.attendance", "in_record")
        assert (attendance.person.name, attendance.listed_affiliation) == (
            "Juliane Dziumla",
            "UNU- FLORES",
        )
        assert item.source_text.startswith("47\tJuliane Dziumla\tUNU- FLORES")
        assert item.where == "line " + str(item.first_line)

    def test_an_unseen_report_adds_drafts_and_applying_twice_changes_nothing(self) -> None:
        secretariat = UserFactory.create(role="secretariat")
        intake = _take_in(DATA / "som30-technical-invented.txt", secretariat)
        applied = _accept_everything(intake, secretariat)
        meeting = Meeting.objects.get(som_number=30, segment="technical")
        assert applied.added["participants"] == 9
        assert meeting.participant_count == 9
        updates = ProgressUpdate.objects.filter(meeting=meeting)
        assert updates.count() == 4
        assert set(updates.values_list("state", "summary")) == {("draft", "")}
        # A returning participant is one person: Meriem Bouamrane of UNESCO was at SOM28.
        assert Person.objects.filter(name="Meriem Bouamrane").count() == 1
        biodiversity = updates.get(workstream__slug="img-biodiversity")
        assert getattr(biodiversity.presenter, "name", None) == "Meriem Bouamrane"
        assert biodiversity.source_section == "section 2(b)"
        new = Workstream.objects.get(title="Task Team on Sand and Dust Storms")
        assert (new.kind, new.short_title) == ("task_team", "Sand and Dust Storms")
        report = meeting.documents.get(kind="meeting_report")
        assert report.file.read().startswith(b"UNITED NATIONS")
        before = _counts()
        again = _accept_everything(
            _take_in(DATA / "som30-technical-invented.txt", secretariat), secretariat
        )
        assert dict(again.added) == {}
        assert _counts() == before
        assert intake_apply(intake=intake, by=secretariat).changed is False

    def test_an_item_that_needs_a_choice_is_refused_and_nothing_is_written(self) -> None:
        secretariat = UserFactory.create(role="secretariat")
        intake = _take_in(DATA / "som30-technical-invented.txt", secretariat)
        needing = [item for item in intake.items.all() if choices_needed(item)]
        assert needing, "the invented report has names the record only nearly knows"
        before = _counts()
        with pytest.raises(ValidationError, match="choose its"):
            intake_apply(
                intake=intake, by=secretariat, accept=intake.items.values_list("pk", flat=True)
            )
        assert _counts() == before
        assert not intake.items.filter(decision="accepted").exists()

    def test_a_focal_point_cannot_apply(self) -> None:
        secretariat = UserFactory.create(role="secretariat")
        intake = _take_in(SOM29_MID_TERM, secretariat)
        focal_point = UserFactory.create(role="focal_point", entity="UNESCO")
        with pytest.raises(Exception, match="Only the secretariat"):
            intake_apply(intake=intake, by=focal_point, accept=[intake.items.all()[0].pk])


def _snapshot() -> dict[str, Any]:
    """The SOM28 mid-term meeting, its attendance and its presenters, as a reader sees them."""
    meeting = Meeting.objects.get(som_number=28, segment="mid-term")
    return {
        "meeting": (
            meeting.title,
            meeting.date,
            meeting.start_time,
            meeting.end_time,
            meeting.time_zone,
            meeting.format,
            meeting.venue,
            getattr(meeting.opened_by, "name", None),
        ),
        "attendance": sorted(
            (a.list_number, a.person.name, a.listed_affiliation, a.entity is not None)
            for a in Attendance.objects.filter(meeting=meeting).select_related("person")
        ),
        # Who presented each section of the report (the loader also names the presenter of an
        # agenda item with no section of its own, by the item: not a section's presenter).
        "presenters": sorted(
            {
                (u.presenter.name if u.presenter else "", u.source_section)
                for u in ProgressUpdate.objects.filter(meeting=meeting).select_related("presenter")
                if u.source_section.startswith("section ")
            }
        ),
        "participant_count": meeting.participant_count,
    }


@pytest.mark.django_db(transaction=True)
def test_the_som28_mid_term_into_an_empty_database_gives_what_the_loader_gives() -> None:
    call_command("flush", interactive=False, verbosity=0)
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    assert not Meeting.objects.exists()
    secretariat = UserFactory.create(role="secretariat")
    intake = _take_in(SOM28_MID_TERM, secretariat)
    _accept_everything(intake, secretariat)
    from_the_report = _snapshot()
    assert ProgressUpdate.objects.exclude(state="draft").count() == 0

    call_command("flush", interactive=False, verbosity=0)
    reports_load()
    assert from_the_report == _snapshot()


@pytest.mark.usefixtures("record")
def test_items_are_kept_with_their_source_lines() -> None:
    secretariat = UserFactory.create(role="secretariat")
    intake = _take_in(SOM28_MID_TERM, secretariat)
    opening = intake.items.get(section="meeting")
    assert opening.source_text == "Mid-Term Technical Segment of the 28th Senior Officials Meeting"
    assert opening.first_line == 11  # the line number in the file, blank lines counted
    section = intake.items.get(section="presentations", values__section="2(b)")
    assert section.source_text.startswith(
        "(b) Issue Management Group on Biodiversity (presented by"
    )
    assert section.first_line < section.last_line
    assert IntakeItem.objects.filter(intake=intake, section="participants").count() == 103


@pytest.mark.usefixtures("record")
def test_a_draft_from_the_intake_is_submitted_only_once_its_summary_is_written() -> None:
    from workstreams.services import progress_update_save, progress_update_submit

    secretariat = UserFactory.create(role="secretariat")
    _accept_everything(_take_in(DATA / "som30-technical-invented.txt", secretariat), secretariat)
    draft = ProgressUpdate.objects.get(
        meeting__som_number=30, workstream__title="Network on Circular Procurement"
    )
    with pytest.raises(ValidationError, match="Write the summary before the update is submitted"):
        progress_update_submit(update=draft, by=secretariat)
    draft.refresh_from_db()
    assert draft.state == "draft"
    draft.summary = "Common tender clauses drafted after three meetings."
    progress_update_save(update=draft, by=secretariat)
    assert progress_update_submit(update=draft, by=secretariat).state == "submitted"
