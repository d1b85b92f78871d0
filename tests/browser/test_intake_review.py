"""The secretariat takes in a meeting report in a real browser: uploads it in the admin, reviews
each extracted item beside the lines it came from, accepts a section, accepts and rejects single
items, applies them, and finds in the record exactly what it accepted; the review page is clean
under axe."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from intake.models import IntakeItem
from meetings.models import Attendance, Document, Intervention, Meeting
from tests.browser.conftest import log_in
from tests.browser.test_public_pages import _serious_violations
from tests.factories import PASSWORD, UserFactory
from workstreams.models import ProgressUpdate

pytestmark = pytest.mark.usefixtures("live_record")

# A short mid-term report in the EMG's layout, of a meeting the record does not have. Meriem
# Bouamrane (UNESCO), Hossein Fadaei (EMG) and UNDP are in the record; New Person Example is not.
REPORT = """\
UNITED NATIONS

ENVIRONMENT MANAGEMENT GROUP

EMG

Mid-Term Technical Segment of the 31st Senior Officials Meeting

12 May 2026

Video-audio conference

14:00-16:00 CEST

Meeting Report

1. Opening of the meeting

EMG Head of Secretariat Mr. Hossein Fadaei opened the meeting.

2. Overview of progress made by EMG Issue Management Groups

(a) Issue Management Group on Biodiversity (presented by Meriem Bouamrane, UNESCO)

Ms. Bouamrane shared that the IMG has finished its inventory of knowledge products and will \
present the monitoring framework to the senior officials.

UNDP noted that the framework should build on the reporting the agencies already do.

Annex 1: List of participants

1\tMeriem Bouamrane\tUNESCO\t3\tHossein Fadaei\tEMG
2\tNew Person Example\tUNDP
"""
FILE_NAME = "som31-mid-term-report.txt"
MEETING_TITLE = "Mid-Term Technical Segment of the 31st Senior Officials Meeting"
BIODIVERSITY = "Issue Management Group on Biodiversity"


def _line_of(start: str) -> int:
    """The report's line number (from 1) of the line that starts with ``start``."""
    return next(n for n, line in enumerate(REPORT.splitlines(), 1) if line.startswith(start))


def _row_line(number: int, name: str) -> int:
    """The line of the list of participants that starts with ``number`` and ``name``."""
    return _line_of(f"{number}\t{name}")


def _upload_report(page: Page, tmp_path: Path) -> None:
    report = tmp_path / FILE_NAME
    report.write_text(REPORT, encoding="utf-8")
    page.get_by_role("link", name="Report intakes").first.click()
    page.get_by_role("link", name=re.compile("Add report intake")).click()
    expect(page).to_have_url(re.compile(r"/admin/intake/intake/add/$"))
    page.get_by_label("Report").set_input_files(report)
    page.get_by_role("button", name="Read the report").click()
    expect(page).to_have_url(re.compile(r"/admin/intake/intake/\d+/change/$"))


def _item(page: Page, section: str, label: str) -> Locator:
    """An extracted item of the review page: its source beside its values, matches, decision."""
    return page.locator(f"#section-{section}").get_by_role("article", name=label, exact=True)


def _decide(item: Locator, button: str, shown: str) -> None:
    item.get_by_role("button", name=button, exact=True).click()
    expect(item.locator(".intake-decision")).to_contain_text(shown)


def _match(item: Locator, role: str, written: str) -> Locator:
    """The select of one of an item's matches, named by its label: role, as written, status."""
    return item.get_by_label(f"{role} “{written}”")


def test_secretariat_reviews_a_report_and_applies_what_it_accepted(
    page: Page, tmp_path: Path
) -> None:
    UserFactory.create(username="geneva", role="secretariat")
    log_in(page, "geneva", PASSWORD)
    _upload_report(page, tmp_path)

    # What reading the report gave: a section for each part, each item beside its source.
    expect(page.locator("#content")).to_contain_text(f"{FILE_NAME}: ")
    expect(page.locator("#content")).to_contain_text("Read, ready for review.")
    sections = page.get_by_role("navigation", name="Sections")
    for link in [
        "Meeting (1)",
        "Documents (1)",
        "Agenda (2)",
        "Participants (3)",
        "Presentations (1)",
        "Interventions (1)",
    ]:
        expect(sections.get_by_role("link", name=link)).to_be_visible()
    expect(sections.get_by_role("link", name=re.compile("Proposals"))).to_have_count(0)

    meeting = _item(page, "meeting", MEETING_TITLE)
    expect(meeting.locator(".intake-where")).to_have_text(f"line {_line_of(MEETING_TITLE)}")
    expect(meeting.get_by_label("date")).to_have_value("2026-05-12")
    expect(meeting.get_by_label("start")).to_have_value("14:00")
    expect(_match(meeting, "meeting", MEETING_TITLE)).to_contain_text("Add it to the record as new")

    newcomer = _item(page, "participants", "New Person Example")
    expect(newcomer.locator(".intake-where")).to_have_text(
        f"line {_row_line(2, 'New Person Example')}"
    )
    expect(newcomer.locator(".intake-source pre")).to_contain_text("New Person Example")
    expect(newcomer.locator(".intake-match", has_text="person")).to_contain_text(
        ": not in the record"
    )
    expect(newcomer.locator(".intake-match", has_text="entity")).to_contain_text(": exact")
    known = _item(page, "participants", "Meriem Bouamrane")
    expect(known.locator(".intake-where")).to_have_text(f"line {_row_line(1, 'Meriem Bouamrane')}")
    expect(known.locator(".intake-match", has_text="person")).to_contain_text(": exact (1.0)")
    expect(_match(known, "person", "Meriem Bouamrane").locator("option:checked")).to_have_text(
        "Meriem Bouamrane (UNESCO)"
    )

    presentation = _item(page, "presentations", BIODIVERSITY)
    expect(presentation.locator(".intake-source pre")).to_contain_text(
        "(presented by Meriem Bouamrane, UNESCO)"
    )
    expect(presentation.get_by_label("summary")).to_have_value("")
    intervention = _item(page, "interventions", "UNDP")
    expect(intervention.locator(".intake-source pre")).to_have_text(
        "UNDP noted that the framework should build on the reporting the agencies already do."
    )
    assert _serious_violations(page) == []

    # Accept the participants at once, the meeting and the presentation one by one; reject the
    # intervention.
    page.get_by_role("button", name="Accept all of Participants that need no choice").click()
    expect(page.locator(".messagelist")).to_contain_text("3 items accepted.")
    for name in ["Meriem Bouamrane", "New Person Example", "Hossein Fadaei"]:
        expect(_item(page, "participants", name).locator(".intake-decision")).to_contain_text(
            "Accepted"
        )
    _decide(_item(page, "meeting", MEETING_TITLE), "Accept", "Accepted")
    _decide(_item(page, "presentations", BIODIVERSITY), "Accept", "Accepted")
    _decide(_item(page, "interventions", "UNDP"), "Reject", "Rejected")
    expect(page.locator(".intake-apply")).to_contain_text("5 accepted items wait to be applied.")
    assert not Meeting.objects.filter(som_number=31).exists(), "written before it was applied"

    page.get_by_role("button", name="Apply the accepted items").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Applied: 5 added to the record, 0 already in it."
    )
    expect(_item(page, "presentations", BIODIVERSITY).locator(".intake-decision")).to_have_text(
        "Added to the record"
    )
    expect(_item(page, "interventions", "UNDP").locator(".intake-decision")).to_contain_text(
        "Rejected"
    )
    expect(page.locator(".intake-apply")).to_contain_text("0 accepted items wait to be applied.")
    assert _serious_violations(page) == []

    # The record has what was accepted, and nothing of what was rejected or left pending.
    som31 = Meeting.objects.get(som_number=31, segment="mid-term")
    assert som31.title == MEETING_TITLE
    assert str(som31.date) == "2026-05-12"
    assert som31.opened_by is not None
    assert som31.opened_by.name == "Hossein Fadaei"
    attending = Attendance.objects.filter(meeting=som31).order_by("list_number")
    assert [
        (a.list_number, a.person.name, getattr(a.entity, "acronym", None)) for a in attending
    ] == [
        (1, "Meriem Bouamrane", "UNESCO"),
        (2, "New Person Example", "UNDP"),
        (3, "Hossein Fadaei", "EMG"),
    ]
    update = ProgressUpdate.objects.get(meeting=som31)
    assert update.workstream.slug == "img-biodiversity"
    assert update.state == "draft"
    assert update.summary == ""
    assert not Intervention.objects.filter(meeting=som31).exists()
    rejected = IntakeItem.objects.get(section="interventions", intake__file_name=FILE_NAME)
    assert (rejected.outcome, rejected.record_id, rejected.applied_at) == ("", None, None)
    assert not Document.objects.filter(meeting=som31).exists()  # left pending
