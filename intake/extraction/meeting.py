"""The meeting: its title, number, segment, date, times, format, chair and who opened it."""

import datetime
import re
from collections.abc import Sequence

from intake.extraction.facts import MeetingFacts, Section, Source
from intake.extraction.patterns import (
    CHAIRED,
    DATE,
    ENTITY_COUNT,
    MONTHS,
    OPENED,
    SOM,
    TIME_RANGE,
    TIME_ZONES,
    clock,
    plain,
)
from intake.reading import Line


def meeting_facts(
    header: Sequence[Line], sections: Sequence[Section], body: Sequence[Line]
) -> MeetingFacts:
    meeting = MeetingFacts()
    texts = [plain(line.text) for line in header]
    joined = "\n".join(texts)
    for line, text in zip(header, texts, strict=True):
        som = SOM.search(text)
        if som and not meeting.title:
            meeting.title = re.split(r"\s+Date\s*:|\t", text)[0].strip()
            meeting.som_number = int(som.group(1))
            meeting.segment = _segment(meeting.title)
            meeting.source = Source.of([line])
        if re.fullmatch(
            r"(?:Meeting\s+)?Report(?:\s+Summary)?|Summary Report|Meeting Summary", text, re.I
        ):
            meeting.report_title = text
    meeting.date = _first_date(joined)
    _times(meeting, joined)
    venue = re.search(r"Venue\s*:\s*(.+?)(?:\t|\s{2,}|$)", joined, re.M)
    if venue:
        meeting.venue = venue.group(1).strip()
    opening = [line for section in sections[:2] for line in section.lines] or list(body)
    meeting.format = _format(joined) or _format(" ".join(line.text for line in opening))
    intro = " ".join(plain(line.text) for line in opening)
    opened = OPENED.search(intro)
    if opened:
        meeting.opened_by = opened.group(1)
    chaired = CHAIRED.search(intro)
    if chaired:
        meeting.chair = chaired.group(1)
    counted = ENTITY_COUNT.search(intro)
    if counted:
        meeting.reported_entity_count = int(counted.group(1))
    return meeting


def _segment(title: str) -> str:
    lowered = title.casefold()
    if re.search(r"mid-?\s?term", lowered):
        return "mid-term"
    if "technical segment" in lowered:
        return "technical"
    if "senior segment" in lowered:
        return "senior"
    return "meeting"


def _first_date(text: str) -> datetime.date | None:
    for found in DATE.finditer(text):
        day, month, year = (
            (found.group(1), found.group(2), found.group(3))
            if found.group(1)
            else (found.group(5), found.group(4), found.group(6))
        )
        number = MONTHS.get(month.casefold())
        if number is None:
            continue
        try:
            return datetime.date(int(year), number, int(day))
        except ValueError:
            continue
    return None


def _times(meeting: MeetingFacts, text: str) -> None:
    found = TIME_RANGE.search(text)
    if not found:
        return
    end_meridian = found.group(6)
    meeting.start_time = clock(found.group(1), found.group(2), found.group(3) or end_meridian)
    meeting.end_time = clock(found.group(4), found.group(5), end_meridian)
    zone = (found.group(7) or "").strip()
    if zone:
        meeting.time_zone_as_written = zone
        meeting.time_zone = TIME_ZONES.get(zone.upper(), "")


def _format(text: str) -> str:
    lowered = text.casefold()
    if "hybrid" in lowered:
        return "hybrid"
    if re.search(
        r"virtual|video|online|ms teams|microsoft teams|zoom|webex|teleconference", lowered
    ):
        return "virtual"
    if re.search(r"in[- ]person|held (?:at|in) (?:the\s+)?[A-Z]", text):
        return "in_person"
    return ""


def meeting_from_agenda(meeting: MeetingFacts, annex: Sequence[Line]) -> None:
    """What the agenda's own heading adds: the venue (an online room), the date and the times
    when the report's heading lacks them."""
    head = "\n".join(plain(line.text) for line in annex[:8])
    if not meeting.venue:
        platform = re.search(r"\b(MS Teams|Microsoft Teams|Zoom|Webex|Interprefy)\b", head)
        if platform:
            meeting.venue = platform.group(1)
    if meeting.date is None:
        meeting.date = _first_date(head)
    if meeting.start_time is None:
        _times(meeting, head)
