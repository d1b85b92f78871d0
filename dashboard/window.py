"""Which columns the matrix shows: a window of SOM cycles, read from ``?from=som27&to=som29``.

The meetings are few and grow with the years, not with the workstreams: the page reads them all
in one query and picks the window's here. A value the page cannot use gives the default window
(the last three cycles) and a notice saying why, never an error page without the matrix.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from meetings.models import Meeting

DEFAULT_CYCLES = 3
SOM = re.compile(r"(?:som)?\s*(\d{1,4})", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """The SOM cycles ``first`` to ``last`` (both shown), of the ``cycles`` the record has."""

    first: int
    last: int
    cycles: list[int]
    meetings: list[Meeting]
    notices: list[str] = field(default_factory=list)
    is_default: bool = True
    # What else the links keep: ``as-at=<slug>`` when the page is read as at a meeting.
    keep: str = ""

    @property
    def query(self) -> str:
        """The window as a query string, empty for the default window, so that links keep it."""
        window = (
            ""
            if self.is_default
            else urlencode({"from": f"som{self.first}", "to": f"som{self.last}"})
        )
        return "&".join(part for part in (window, self.keep) if part)

    @property
    def is_partial(self) -> bool:
        """Whether cycles of the record lie outside the window."""
        return bool(self.cycles) and (self.first, self.last) != (self.cycles[0], self.cycles[-1])


def _cycle(value: str) -> int | None:
    match = SOM.fullmatch(value.strip())
    return int(match.group(1)) if match else None


def _asked(params: Mapping[str, str], cycles: list[int]) -> tuple[int, int] | str:
    """The cycles asked for, or why they cannot be shown."""
    bounds = []
    for name, missing in (("from", cycles[0]), ("to", cycles[-1])):
        value = params.get(name, "")
        if not value:
            bounds.append(missing)
            continue
        number = _cycle(value)
        if number is None:
            return _("“%(value)s” is not a SOM cycle: write one as som27.") % {"value": value[:40]}
        if number not in cycles:
            return _("The record has no meeting of SOM%(number)s.") % {"number": number}
        bounds.append(number)
    first, last = bounds
    if first > last:
        return _("The window must start at or before the cycle where it ends.")
    return first, last


def window_from(params: Mapping[str, str], meetings: Sequence[Meeting], keep: str = "") -> Window:
    """The window ``params`` ask for, among ``meetings`` (in date order), or the default one
    with a notice when they ask for one the record cannot show; its links keep ``keep``."""
    cycles = sorted({m.som_number for m in meetings})
    if not cycles:
        return Window(0, 0, [], [])
    default = (cycles[-DEFAULT_CYCLES:][0], cycles[-1])
    notices: list[str] = []
    bounds = default
    if params.get("from") or params.get("to"):
        asked = _asked(params, cycles)
        if isinstance(asked, str):
            notices.append(
                asked
                + " "
                + _("Showing SOM%(first)s to SOM%(last)s.")
                % {"first": default[0], "last": default[1]}
            )
        else:
            bounds = asked
    first, last = bounds
    return Window(
        first,
        last,
        cycles,
        [m for m in meetings if first <= m.som_number <= last],
        notices,
        is_default=bounds == default,
        keep=keep,
    )
