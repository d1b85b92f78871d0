"""The patterns of the layout: dates, times, headings, speakers, annexes."""

import datetime
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Time zones as reports abbreviate them. The EMG secretariat is in Geneva: its CEST and CET
# are Geneva's, which the IANA database names Europe/Zurich.
TIME_ZONES = {
    "CEST": "Europe/Zurich",
    "CET": "Europe/Zurich",
    "GENEVA TIME": "Europe/Zurich",
    "EAT": "Africa/Nairobi",
    "NAIROBI TIME": "Africa/Nairobi",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "NEW YORK TIME": "America/New_York",
    "GMT": "UTC",
    "UTC": "UTC",
    "BST": "Europe/London",
}
TITLES = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.E)\.?"
NAME_WORD = r"[A-Z](?:[\w'’-]+|\.)"
PERSON = rf"{NAME_WORD}(?:\s+(?:de|da|van|von|del|la|le|bin|al)?\s*{NAME_WORD}){{0,4}}"

DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b"
    r"|\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,\s+(\d{4})\b"
)
TIME_RANGE = re.compile(
    r"\b(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?\s*(?:[-–—]|to)\s*(\d{1,2})[:.](\d{2})\s*"
    r"([ap]\.?m\.?)?(?:\s*\(?(?-i:([A-Z]{3,4}\b|[A-Z][a-z]+(?: [A-Z][a-z]+)? time)))?",
    re.IGNORECASE,
)
SOM = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\s+(?:meeting of the\s+)?Senior Officials", re.I)
SYMBOL = re.compile(r"\bEMG\s?SOM\s?\d{1,3}/[A-Za-z-]+(?:/\d{1,3})?")
# Section headings: "2.", "(b)", "a.".
L1 = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
L2 = re.compile(r"^\(([a-z])\)\s+(\S.*)$")
L3 = re.compile(r"^([a-z])\.\s+(\S.*)$")
BULLET = re.compile(r"^\s*[-•▪◦*]\s+")
PRESENTED = re.compile(r"\s*\(+\s*(?:presented by\s+)?([^()]*)\)+\s*$", re.I)
SPEAKER_VERBS = (
    "thanked|requested|suggested|raised|commented|shared|noted|asked|mentioned|questioned|"
    "welcomed|echoed|supported|strongly supported|proposed|highlighted|responded|added|"
    "clarified|stressed|emphasized|emphasised|underlined|recalled|reported|informed|"
    "expressed|called|encouraged|agreed|invited|pointed out|urged|recommended|"
    "announced|stated|offered|congratulated|appreciated|acknowledged"
)
SPEAKER = re.compile(rf"^(?:The\s+)?(.{{2,120}}?)\s+(?:also\s+)?(?:{SPEAKER_VERBS})\b")
PERSON_SPEAKER = re.compile(rf"^{TITLES}\s+({PERSON})$")
OPENED = re.compile(rf"{TITLES}\s+({PERSON})\s+opened the meeting")
CHAIRED = re.compile(rf"chaired by\b[^.]*?{TITLES}\s+({PERSON})")
ENTITY_COUNT = re.compile(r"\b(\d{1,3})\s+(?:UN\s+)?(?:entities|organi[sz]ations)\s+were\s+present")
ANNEX = re.compile(r"^Annex\b[^:]*:?\s*(.*)$", re.I)
AGENDA_ITEM = re.compile(r"^Item\s+(\d{1,2})\s*[:.]\s*(\S.*)$", re.I)
AGENDA_SUB = re.compile(r"^(?:([a-z])\)|(\d{1,2})\)|([a-z])\.)\s+(\S.*)$")
AGENDA_TIME = re.compile(
    r"^(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?\s*(?:[-–—]\s*(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?)?"
    r"\s*(.*)$",
    re.I,
)
DOCUMENT = re.compile(r"^(\d{2})\.\s+(?:([A-Z])\)\s+)?(\S.*)$")
SUB_DOCUMENT = re.compile(r"^([A-Z])\)\s+(\S.*)$")


def plain(text: str) -> str:
    """A line without the emphasis marks a text export leaves (``**``, ``__``)."""
    return re.sub(r"\*\*|__", "", text).strip()


def clock(hour: str, minute: str, meridian: str | None) -> datetime.time | None:
    h, m = int(hour), int(minute)
    if meridian and meridian.lower().startswith("p") and h < 12:
        h += 12
    if meridian and meridian.lower().startswith("a") and h == 12:
        h = 0
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return datetime.time(h, m)
