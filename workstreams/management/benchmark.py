"""The speed budget, measured: every page and API list at N times the EMG record
(docs/benchmarks.md, ``manage.py benchmark``). It lives under ``management/``, beside its
command: no page, API view or task imports it.

The record is grown by whole *units*: a workstream led by one of the record's entities (in
turn), a person of that entity who attends two meetings, presents a topic and the workstream's
published update, an intervention by that entity, and the decision establishing the workstream,
with its timeline cell as ``timeline_entry_refresh`` derives it. N times the record is N times
its workstreams (``record_units()``: 21) and everything that comes with them. What does not grow
with the years is not multiplied: the organisations (about fifty) and the meetings (two a
year).
"""

import datetime
import io
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Attendance, Document, Entity, Intervention, Meeting, Person
from meetings.services import meeting_counts_refresh
from workstreams.models import (
    Decision,
    ProgressUpdate,
    Proposal,
    TimelineEntry,
    Workstream,
    WorkstreamLead,
)

# What is timed: every public page and API list, each with a filter that finds rows at 1× (an
# empty page saves the queries that fetch its relations). Every one is held to the budget, the
# pages that list a meeting's participants or all an entity did as well: they show a page of
# each list (emgtracker/paging.py), and the matrix a page of each kind group.
PAGES: list[str] = [
    "/en/",
    "/en/workstreams/",
    "/en/workstreams/?kind=img&year=2023",
    "/en/workstreams/?search=pollution",
    "/en/workstreams/img-biodiversity/",
    "/en/meetings/",
    "/en/meetings/som29-senior/",
    "/en/entities/",
    "/en/entities/unep/",
    "/en/feed/",
    "/api/v1/meetings/",
    "/api/v1/meetings/som28-mid-term/participants/",
    "/api/v1/workstreams/",
    "/api/v1/workstreams/?status=active",
    "/api/v1/workstreams/img-biodiversity/timeline/",
    "/api/v1/updates/",
    "/api/v1/updates/?format=csv",
    "/api/v1/decisions/",
    "/api/v1/proposals/",
    "/api/v1/entities/",
    "/api/v1/timeline/",
    "/en/search/?q=biodiversity",
    "/api/v1/search/?q=biodiversity",
]
# The budget: a list at 1000 times the record within this factor of its time at 100 times.
LATENCY_RATIO = 1.3
BATCH = 2000


@dataclass
class Measure:
    queries: int
    median_ms: float


@dataclass
class Row:
    url: str
    at: dict[int, Measure] = field(default_factory=dict)


def record_units() -> int:
    """The workstreams of the record: one *unit* of growth each."""
    return Workstream.objects.exclude(slug__startswith="bench-").count()


@dataclass(frozen=True)
class _Growth:
    """What every unit refers to: the meetings it attends, the source of its decision."""

    meeting: Meeting
    listed: Meeting
    source: Document | None
    organisations: list[Entity]
    now: datetime.datetime


# One unit's rows: its number, lead entity, workstream and person.
_Unit = tuple[int, Entity, Workstream, Person]


@transaction.atomic
def record_grow(*, start: int, stop: int) -> None:
    """Add units ``start`` to ``stop`` (see the module's docstring), in bulk."""
    growth = _Growth(
        meeting=Meeting.objects.get(slug="som29-senior"),
        listed=Meeting.objects.get(slug="som28-mid-term"),
        source=Document.objects.filter(meeting__slug="som29-mid-term").order_by("pk").first(),
        organisations=list(Entity.objects.order_by("pk")),
        now=timezone.now(),
    )
    for first in range(start, stop, BATCH):
        units = _units_create(growth, range(first, min(first + BATCH, stop)))
        _units_attend(growth, units)
        _units_record(growth, units)


def _units_create(growth: _Growth, numbers: range) -> list[_Unit]:
    """The units' workstreams, their lead entities and a person of each."""
    entities = [growth.organisations[i % len(growth.organisations)] for i in numbers]
    workstreams = Workstream.objects.bulk_create(
        Workstream(
            slug=f"bench-w{i}",
            title=f"Benchmark workstream {i}",
            short_title=f"BW{i}",
            kind="task_team",
            status_now="established",  # as the timeline cell of _units_record makes it
        )
        for i in numbers
    )
    people = Person.objects.bulk_create(
        Person(slug=f"bench-p{i}", name=f"Benchmark person {i}", entity=e)
        for i, e in zip(numbers, entities, strict=True)
    )
    units = list(zip(numbers, entities, workstreams, people, strict=True))
    WorkstreamLead.objects.bulk_create(
        WorkstreamLead(workstream=w, entity=e) for _, e, w, _ in units
    )
    return units


def _units_attend(growth: _Growth, units: list[_Unit]) -> None:
    """Each unit's person attends two meetings, and its entity intervenes at one."""
    Attendance.objects.bulk_create(
        Attendance(meeting=m, person=p, entity=e, listed_affiliation=e.acronym or e.name)
        for _, e, _, p in units
        for m in (growth.meeting, growth.listed)
    )
    meeting_counts_refresh(meeting_ids=[growth.meeting.pk, growth.listed.pk])
    Intervention.objects.bulk_create(
        Intervention(meeting=growth.meeting, position=1000 + i, entity=e, summary="Supported.")
        for i, e, _, _ in units
    )


def _units_record(growth: _Growth, units: list[_Unit]) -> None:
    """Each unit's topic, published update, establishing decision and timeline cell."""
    meeting, source = growth.meeting, growth.source
    Proposal.objects.bulk_create(
        Proposal(
            meeting=meeting,
            kind="topic",
            position=1000 + i,
            title=f"Benchmark topic {i}",
            meeting_date=meeting.date,
            presenter=p,
            entity=e,
            source=source,
        )
        for i, e, _, p in units
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            workstream=w,
            workstream_title=w.title,
            meeting=meeting,
            meeting_date=meeting.date,
            entity=e,
            presenter=p,
            status="active",
            summary=f"Progress on the workplan of benchmark workstream {i}.",
            state=ProgressUpdate.State.PUBLISHED,
            published_at=growth.now,
        )
        for i, e, w, p in units
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            meeting=meeting,
            meeting_date=meeting.date,
            workstream=w,
            workstream_title=w.title,
            kind="establish",
            text="Set up.",
            source=source,
        )
        for _, _, w, _ in units
    )
    # What timeline_entry_refresh derives: the decision outranks the published update.
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            workstream=d.workstream,
            meeting=meeting,
            status="established",
            basis="decision",
            decision=d,
        )
        for d in decisions
    )


def record_scale(*, base: int, grown: int, scale: int, say: Callable[[str], None]) -> int:
    """Grow the record from ``grown`` units to ``scale`` times its ``base``, analyse the tables
    and say what there is; return the units there are now (never fewer than before)."""
    target = base * scale
    began = time.perf_counter()
    record_grow(start=grown, stop=target)
    # The growth is written in bulk, past the search index's signals: the index is rebuilt.
    call_command("search_index_rebuild", stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would: plans for the tables' new sizes
    say(
        f"{scale}×: {Workstream.objects.count()} workstreams, "
        f"{Attendance.objects.count()} attendances "
        f"(grown in {datetime.timedelta(seconds=round(time.perf_counter() - began))})"
    )
    return max(grown, target)


def measure(url: str, *, repeat: int) -> Measure:
    """The queries of one request, and the median time of ``repeat`` after two warm-ups."""
    client = Client(HTTP_ACCEPT="text/html" if not url.startswith("/api/") else "*/*")

    def get() -> float:
        cache.clear()  # no throttling, and no page served from the cache
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    get(), get()
    with CaptureQueriesContext(connection) as queries:
        get()
    count = len(queries)  # now: the next request clears the log it reads
    times = [get() for _ in range(repeat)]
    return Measure(queries=count, median_ms=statistics.median(times) * 1000)


def benchmark(*, scales: list[int], repeat: int, say: Callable[[str], None] = print) -> list[Row]:
    """Grow the record to each scale in turn and measure every page and list there."""
    base = record_units()
    rows = [Row(url) for url in PAGES]
    grown = base
    for scale in sorted(scales):
        grown = record_scale(base=base, grown=grown, scale=scale, say=say)
        for row in rows:
            row.at[scale] = measure(row.url, repeat=repeat)
    return rows


def verdicts(rows: list[Row], scales: list[int]) -> list[str]:
    """What breaks the budget: a query count that grows, or a paged list that slows."""
    low, high = min(scales), max(scales)
    broken = []
    for row in rows:
        counts = {row.at[s].queries for s in scales}
        if len(counts) > 1:
            broken.append(f"{row.url}: queries {[row.at[s].queries for s in scales]}")
        middle = [s for s in scales if s > low and s < high] or [low]
        reference = row.at[max(middle)].median_ms
        ratio = row.at[high].median_ms / reference
        if ratio > LATENCY_RATIO:
            broken.append(f"{row.url}: {ratio:.2f}× slower at {high}× than at {max(middle)}×")
    return broken
