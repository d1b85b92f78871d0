"""The briefing pack's "Since the last meeting": the changes from the meeting before, read by the
same code as the changes page and API, the same in the PDF and the DOCX."""

import pytest

from meetings.models import Meeting
from tests.record.test_record_facts import LISTED_AT_SOM29_MIDTERM
from tests.workstreams.test_briefing import _build, _docx, _docx_text, _pdf_text
from workstreams.briefing_since import since_last_meeting
from workstreams.changes import Category, changes_between
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("record")

CONTINUING = LISTED_AT_SOM29_MIDTERM


def test_the_som29_midterm_pack_says_what_changed_since_som28() -> None:
    pack = _build("som29-mid-term")
    titles = dict(Workstream.objects.values_list("slug", "title"))
    for text in (_pdf_text(pack.pdf), _docx_text(pack)):
        since = text[text.index("Since the last meeting") : text.index("Progress by workstream")]
        since = since.replace("- ", "-")  # a line broken after a hyphen
        assert "What changed from SOM28 to SOM29 mid-term" in since
        for label in [
            "Workstreams continued",
            "Workstreams fallen silent",
            "Proposals taken forward",
        ]:
            assert label in since
        for slug in CONTINUING:
            assert f"{titles[slug]}: Active at SOM29 mid-term." in since
        assert (
            "“Strengthening UN System-wide Support to RCOs/UNCTs for Triple Planetary Crisis "
            "Responses” (SOM28 mid-term) became this workstream: Active at SOM29 mid-term."
        ) in since
        assert (
            "Evidence: Proposal, SOM28 mid-term Meeting Report, section 3(a). (inferred:" in since
        )
        assert "Last on record at SOM28 mid-term; no record of it since." in since
        # Kinds with no change are left out.
        assert "Workstreams concluded" not in since


def test_the_section_holds_what_the_changes_page_lists() -> None:
    meeting = Meeting.objects.get(slug="som29-mid-term")
    since = since_last_meeting(meeting)
    assert since.previous is not None
    changes = changes_between(since.previous, meeting)
    assert [(g.label, len(g.lines)) for g in since.groups] == [
        (g.label, len(g.changes)) for g in changes.groups if g.changes
    ]
    assert len(changes.of(Category.CONTINUED)) == 7


def test_the_first_meetings_pack_says_there_is_none_before() -> None:
    pack = _build("som27")
    first = "The first meeting on record: there is no earlier meeting to compare."
    for text in (_pdf_text(pack.pdf), _docx_text(pack)):
        assert first in text
    # A label of the section, not a workstream's section heading.
    headings = [p.text for p in _docx(pack).paragraphs if p.style.name == "Heading 1"]
    assert "Since the last meeting" in headings
