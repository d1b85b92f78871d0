"""A workstream's mandate bar: its mandate periods drawn across the SOMs, as its page shows it.

Each period runs from the SOM of the decision that opened it to the SOM it ends at (named or
"another year"), or on to the last SOM shown when open-ended; when its end is not stated, the
bar says so and claims nothing after its opening. The decision that renewed or concluded it
marks where it closed. The bar is a table with a word in
every marked cell, so it reads without the shading, aloud and in print.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workstreams.models import MandateTerm
from workstreams.services.mandates import MandatePeriod

MARKS = {
    "opened": _("Opened"),
    "running": _("In mandate"),
    "ends": _("Ends"),
    "renewed": _("Renewed"),
    "concluded": _("Concluded"),
    "lapsed": _("Lapsed"),
    "unknown": _("End not stated"),
}


@dataclass(frozen=True)
class BarCell:
    som: int
    mark: str

    @property
    def label(self) -> str:
        return str(MARKS[self.mark]) if self.mark else ""


@dataclass(frozen=True)
class BarRow:
    period: MandatePeriod
    cells: list[BarCell]

    @property
    def end_text(self) -> str:
        if self.period.ends_at_som is not None:
            return str(_("to SOM%(som)s")) % {"som": self.period.ends_at_som}
        if self.period.term == MandateTerm.OPEN_ENDED:
            return str(_("open-ended"))
        return str(_("end not stated"))


@dataclass(frozen=True)
class MandateBar:
    soms: list[int]
    rows: list[BarRow]


def _mark(period: MandatePeriod, som: int, last: int) -> str:
    start, end = period.starts_at_som, period.ends_at_som
    closed = period.closed_by.meeting.som_number if period.closed_by else None
    if som == start:
        return "opened"
    if closed is not None and som == closed:
        return "concluded" if period.is_concluded else "renewed"
    if closed is not None and som > closed:
        return ""
    if end is not None and som == end:
        return "ends"
    if end is not None and som > end:
        # Past its end with nothing on record to renew it: lapsed, until a later decision.
        return "lapsed" if closed is None or som < closed else ""
    if end is None and period.term != MandateTerm.OPEN_ENDED:
        # The record does not say how long it runs: say so once, and claim nothing after.
        return "unknown" if som == start + 1 else ""
    return "running" if som > start and som <= last else ""


def mandate_bar(periods: list[MandatePeriod], *, last_som: int | None) -> MandateBar | None:
    """The bar over the SOMs from the first period's to ``last_som`` (the next SOM, or the
    record's last) or the last one a period names, whichever is later."""
    if not periods:
        return None
    first = min(p.starts_at_som for p in periods)
    named = [p.ends_at_som for p in periods if p.ends_at_som is not None]
    closed = [p.closed_by.meeting.som_number for p in periods if p.closed_by]
    last = max([first, *named, *closed, *([last_som] if last_som else [])])
    soms = list(range(first, last + 1))
    return MandateBar(
        soms, [BarRow(p, [BarCell(som, _mark(p, som, last)) for som in soms]) for p in periods]
    )
