"""The home page's overview: where the workstreams stand now, and the mandates to watch.

Both read the record's clock (``workstreams.standing.RecordClock``) and the kept fields of each
workstream, so their cost does not grow with the record: the counts are one query of
conditional aggregates, and each list of flags one bounded query (skipped when its count is
nought), with one more for the decisions the flagged mandates rest on.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
    return clock.mandate_q(MandateNow.LAPSED) & Q(
        status_now__in=RUNNING_STATUSES, last_record_meeting__som_number__gt=F("mandate_until")
    )


def _list_url(**params: str) -> str:
    return f"{reverse('workstreams:list')}?{urlencode(params)}"


def _flag_filters(clock: RecordClock) -> dict[str, Q]:
    return {
        MandateNow.ENDING.value: clock.mandate_q(MandateNow.ENDING),
        MandateNow.LAPSED.value: clock.mandate_q(MandateNow.LAPSED),
        REPORTED_AFTER_LAPSE: reported_after_lapse_q(clock),
    }


def overview_counts(clock: RecordClock) -> dict[str, int]:
    """Workstreams by where they stand now, and by each flag: one query, whatever the size of
    the record."""
    filters = {s.value: clock.standing_q(s) for s in Standing} | {
        f"flag_{key}": q for key, q in _flag_filters(clock).items()
    }
    # The filters reach the latest meeting with a record through a nullable key: a left join,
    # so that a workstream with no record is counted too.
    return Workstream.objects.order_by().aggregate(
        **{key: Count("pk", filter=q) for key, q in filters.items()}
    )


def standing_counts(counts: dict[str, int]) -> list[StandingCount]:
    """(key, label, count, link to the list filtered on it); "no record" only when not nought."""
    return [
        StandingCount(s.value, str(s.label), counts[s.value], _list_url(standing=s.value))
        for s in Standing
        if s != Standing.NO_RECORD or counts[s.value]
    ]


FLAG_TITLES = {
    MandateNow.ENDING.value: _("Mandate ends at the next SOM, no renewal on record"),
    MandateNow.LAPSED.value: _("Mandate lapsed"),
    REPORTED_AFTER_LAPSE: _("Work reported after the mandate lapsed"),
}


def flag_lists(clock: RecordClock, counts: dict[str, int]) -> list[FlagList]:
    """The mandates to watch: each list a bounded page, with the decision each mandate's end
    rests on."""
    shown: dict[str, list[Workstream]] = {}
    for key, q in _flag_filters(clock).items():
        if counts[f"flag_{key}"]:
            shown[key] = list(
                Workstream.objects.filter(q).order_by("mandate_until", "title")[:FLAGS_SHOWN]
            )
    decisions = _mandate_decisions({w.pk for rows in shown.values() for w in rows})
    return [
        FlagList(
            key,
            str(FLAG_TITLES[key]),
            [Flag(w, w.mandate_until, decisions.get(w.pk)) for w in rows],
            counts[f"flag_{key}"],
            _list_url(mandate=MandateNow.ENDING if key == MandateNow.ENDING else MandateNow.LAPSED),
        )
        for key, rows in shown.items()
    ]


def _mandate_decisions(workstream_ids: set[int]) -> dict[int, Decision]:
    """Each workstream's decision that opened its last mandate period: one query."""
    if not workstream_ids:
        return {}
    by_workstream: dict[int, list[Decision]] = defaultdict(list)
    rows = Decision.objects.filter(workstream__in=workstream_ids, kind__in=MANDATE_KINDS)
    for decision in rows.select_related("meeting"):
        by_workstream[decision.workstream_id].append(decision)
    found = {}
    for pk, decisions in by_workstream.items():
        periods = mandate_periods(decisions)
        if periods:
            found[pk] = periods[-1].opened_by
    return found
