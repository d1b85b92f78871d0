"""The home page's overview: where the workstreams stand now, and the mandates to watch.

Both read the record's clock (``workstreams.standing.RecordClock``) and the kept fields of each
workstream, so their cost does not grow with the record: the counts are one query of
conditional aggregates, and each list of flags one bounded query (skipped when its count is
nought), with one more for the decisions the flagged mandates rest on.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workstreams.as_at import RecordAsAt
from workstreams.models import MANDATE_KINDS, RUNNING_STATUSES, Decision, Workstream
from workstreams.services import mandate_periods
from workstreams.standing import MandateNow, RecordClock, Standing

# The longest a list of flags runs on the home page; a link leads to the rest.
FLAGS_SHOWN = 10
REPORTED_AFTER_LAPSE = "after_lapse"


@dataclass(frozen=True)
class StandingCount:
    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Flag:
    """A workstream to watch: the SOM its mandate runs (or ran) to, and the decision that set
    that end."""

    workstream: Workstream
    until: int | None
    decision: Decision | None


@dataclass(frozen=True)
class FlagList:
    key: str
    title: str
    flags: list[Flag]
    total: int
    url: str

    @property
    def more(self) -> int:
        return self.total - len(self.flags)


def reported_after_lapse_q(clock: RecordClock) -> Q:
    """Running workstreams whose latest record is at a SOM after the one their mandate ran
    to: ``WorkstreamStanding.reported_after_lapse`` as a filter."""
    fields = clock.fields
    return clock.mandate_q(MandateNow.LAPSED) & Q(
        **{f"{fields.status}__in": RUNNING_STATUSES, f"{fields.som}__gt": F(fields.mandate_until)}
    )


def _rows(as_at: RecordAsAt | None) -> QuerySet[Workstream]:
    """Every workstream, with its status and mandate then when read as at a meeting."""
    rows = Workstream.objects.all()
    return as_at.annotate(rows) if as_at else rows


def _list_url(as_at: RecordAsAt | None, **params: str) -> str:
    query = urlencode(params) + (f"&{as_at.query}" if as_at else "")
    return f"{reverse('workstreams:list')}?{query}"


def _flag_filters(clock: RecordClock) -> dict[str, Q]:
    return {
        MandateNow.ENDING.value: clock.mandate_q(MandateNow.ENDING),
        MandateNow.LAPSED.value: clock.mandate_q(MandateNow.LAPSED),
        REPORTED_AFTER_LAPSE: reported_after_lapse_q(clock),
    }


def overview_counts(clock: RecordClock, as_at: RecordAsAt | None = None) -> dict[str, int]:
    """Workstreams by where they stand now (or then, ``as_at`` a meeting, on its clock), and by
    each flag: one query, whatever the size of the record."""
    filters = {s.value: clock.standing_q(s) for s in Standing} | {
        f"flag_{key}": q for key, q in _flag_filters(clock).items()
    }
    # The filters reach the latest meeting with a record through a nullable key: a left join,
    # so that a workstream with no record is counted too.
    return (
        _rows(as_at)
        .order_by()
        .aggregate(**{key: Count("pk", filter=q) for key, q in filters.items()})
    )


def standing_counts(counts: dict[str, int], as_at: RecordAsAt | None = None) -> list[StandingCount]:
    """(key, label, count, link to the list filtered on it); "no record" only when not nought."""
    return [
        StandingCount(s.value, str(s.label), counts[s.value], _list_url(as_at, standing=s.value))
        for s in Standing
        if s != Standing.NO_RECORD or counts[s.value]
    ]


FLAG_TITLES = {
    MandateNow.ENDING.value: _("Mandate ends at the next SOM, no renewal on record"),
    MandateNow.LAPSED.value: _("Mandate lapsed"),
    REPORTED_AFTER_LAPSE: _("Work reported after the mandate lapsed"),
}


def flag_lists(
    clock: RecordClock, counts: dict[str, int], as_at: RecordAsAt | None = None
) -> list[FlagList]:
    """The mandates to watch: each list a bounded page, with the decision each mandate's end
    rests on (as at a meeting: of the meetings up to it)."""
    shown: dict[str, list[Workstream]] = {}
    until = clock.fields.mandate_until
    for key, q in _flag_filters(clock).items():
        if counts[f"flag_{key}"]:
            rows = _rows(as_at).filter(q).order_by(until, "title")[:FLAGS_SHOWN]
            shown[key] = [as_at.stand(w) if as_at else w for w in rows]
    decisions = _mandate_decisions({w.pk for rows in shown.values() for w in rows}, as_at)
    return [
        FlagList(
            key,
            str(FLAG_TITLES[key]),
            [Flag(w, w.mandate_until, decisions.get(w.pk)) for w in rows],
            counts[f"flag_{key}"],
            _list_url(
                as_at,
                mandate=MandateNow.ENDING if key == MandateNow.ENDING else MandateNow.LAPSED,
            ),
        )
        for key, rows in shown.items()
    ]


def _mandate_decisions(workstream_ids: set[int], as_at: RecordAsAt | None) -> dict[int, Decision]:
    """Each workstream's decision that opened its last mandate period: one query."""
    if not workstream_ids:
        return {}
    by_workstream: dict[int, list[Decision]] = defaultdict(list)
    rows = Decision.objects.filter(workstream__in=workstream_ids, kind__in=MANDATE_KINDS)
    if as_at:
        rows = rows.filter(meeting__in=as_at.ids)
    for decision in rows.select_related("meeting"):
        by_workstream[decision.workstream_id].append(decision)
    found = {}
    for pk, decisions in by_workstream.items():
        periods = mandate_periods(decisions)
        if periods:
            found[pk] = periods[-1].opened_by
    return found
