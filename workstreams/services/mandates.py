"""Mandates: the periods a workstream's decisions open, renew and close, derived in one place.

A decision that establishes, extends or continues a workstream opens a mandate period; its
``term`` says how long the period runs ("until the 2022 SOM", "another year", open-ended, or
not stated). The next such decision renews it (closing the period before), and a decision to
conclude closes it. The periods are read from the decisions whenever they are shown; the
workstream keeps only the state of its last period (``mandate``, ``mandate_until``), so that
the lists and the API filter on it with an index.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction

from workstreams.models import MANDATE_KINDS, Decision, MandateState, MandateTerm, Workstream


@dataclass(frozen=True)
class MandatePeriod:
    """One period of a workstream's mandate, and the decisions that opened and closed it."""

    opened_by: Decision
    # The SOM the period runs to; None: open-ended or not stated (``term`` says which).
    ends_at_som: int | None
    # The decision that renewed it (a later establish, extend or continue) or concluded it.
    closed_by: Decision | None = None

    @property
    def term(self) -> str:
        return self.opened_by.term

    @property
    def starts_at_som(self) -> int:
        return self.opened_by.meeting.som_number

    @property
    def is_renewed(self) -> bool:
        return self.closed_by is not None and self.closed_by.kind in MANDATE_KINDS

    @property
    def is_concluded(self) -> bool:
        return self.closed_by is not None and self.closed_by.kind == Decision.Kind.CONCLUDE


def mandate_end(decision: Decision) -> int | None:
    """The SOM a mandate the decision opens runs to: the named one, or the next annual one."""
    if decision.term == MandateTerm.UNTIL_SOM:
        return decision.until_som
    if decision.term == MandateTerm.ANOTHER_YEAR:
        return decision.meeting.som_number + 1
    return None


def mandate_periods(decisions: Iterable[Decision]) -> list[MandatePeriod]:
    """The periods, oldest first, from a workstream's decisions (with their meetings)."""
    ordered = sorted(decisions, key=lambda d: (d.meeting.date, d.meeting.som_number, d.pk or 0))
    periods: list[MandatePeriod] = []
    for decision in ordered:
        closes = decision.kind in MANDATE_KINDS or decision.kind == Decision.Kind.CONCLUDE
        if closes and periods and periods[-1].closed_by is None:
            last = periods[-1]
            periods[-1] = MandatePeriod(last.opened_by, last.ends_at_som, closed_by=decision)
        if decision.kind in MANDATE_KINDS:
            periods.append(MandatePeriod(decision, mandate_end(decision)))
    return periods


def mandate_state(periods: list[MandatePeriod]) -> tuple[str, int | None]:
    """What the workstream keeps: the state of its last period and the SOM it runs to."""
    if not periods:
        return MandateState.NONE, None
    last = periods[-1]
    if last.is_concluded:
        return MandateState.CONCLUDED, None
    if last.ends_at_som is None:
        return MandateState.OPEN, None
    return MandateState.UNTIL, last.ends_at_som


def mandate_from_decisions(decisions: Iterable[Decision]) -> tuple[str, int | None]:
    """A workstream's mandate from its decisions (with their meetings): all of them for its
    mandate now, those of the meetings up to one for its mandate as at that meeting
    (``workstreams/as_at.py``)."""
    return mandate_state(mandate_periods(decisions))


@transaction.atomic
def workstream_mandate_refresh(*, workstreams: "models.QuerySet[Workstream]") -> None:
    """Store each workstream's mandate now, after its decisions or their meetings changed."""
    decisions: dict[int, list[Decision]] = {}
    rows = Decision.objects.filter(workstream__in=workstreams).select_related("meeting")
    for decision in rows:
        decisions.setdefault(decision.workstream_id, []).append(decision)
    changed = []
    for workstream in workstreams.only("pk", "mandate", "mandate_until"):
        state, until = mandate_from_decisions(decisions.get(workstream.pk, []))
        if (workstream.mandate, workstream.mandate_until) != (state, until):
            workstream.mandate, workstream.mandate_until = state, until
            changed.append(workstream)
    Workstream.objects.bulk_update(changed, ["mandate", "mandate_until"])
