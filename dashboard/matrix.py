"""The status matrix: workstreams (grouped by kind, sub-groups under their parent) × meetings.

What a page of it costs does not grow with the number of workstreams: each kind group's size comes from
one GROUP BY over the kept ``kind``; each kind group shows one page of its
top-level workstreams (``PAGE_SIZE``), with their sub-groups under them; and only those rows are
read, with their entries at the window's meetings. The queries are a handful more for each group
that has pages (at most one per kind), never more for more rows.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count

from meetings.models import Meeting
from workstreams.as_at import RecordAsAt
from workstreams.cells import NO_RECORD, NO_RECORD_SYMBOL, STATUS_SYMBOLS, Cell, cells_for
from workstreams.models import Status, Workstream, WorkstreamKind
from workstreams.standing import RecordClock, WorkstreamStanding

# Top-level workstreams per page of a kind group; the EMG's record has a handful per kind, so at
# its size every row is on the page.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Row:
    workstream: Workstream
    depth: int
    cells: list[Cell]
    # Status now, in the record's honest words: reported at the latest cycle, or silent since.
    standing: WorkstreamStanding


@dataclass(frozen=True)
class Page:
    """Page ``number`` of a kind group's ``total`` top-level workstreams, ``size`` to a page."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size + 1

    @property
    def end(self) -> int:
        return min(self.number * self.size, self.total)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


@dataclass(frozen=True)
class KindGroup:
    kind: str
    label: str
    rows: list[Row]
    page: Page


@dataclass(frozen=True)
class SomGroup:
    som_number: int
    meetings: list[Meeting]


@dataclass(frozen=True)
class Counts:
    """Top-level workstreams by kind: a kind group's pages count those; sub-groups go with
    their parent."""

    by_kind: dict[str, int]


def legend() -> list[tuple[str, str, str]]:
    """(status value, label, symbol) for every status, then "no record"."""
    return [(s.value, str(s.label), STATUS_SYMBOLS[s]) for s in Status] + [
        ("", str(NO_RECORD), NO_RECORD_SYMBOL)
    ]


def som_groups(meetings: Sequence[Meeting]) -> list[SomGroup]:
    groups: list[SomGroup] = []
    for meeting in meetings:
        if not groups or groups[-1].som_number != meeting.som_number:
            groups.append(SomGroup(meeting.som_number, []))
        groups[-1].meetings.append(meeting)
    return groups


def record_counts() -> Counts:
    """One GROUP BY over the kept ``kind``: no row is read. (The page's headline counts, where
    each workstream stands now, are ``dashboard/overview.py``'s.)"""
    grouped = (
        Workstream.objects.filter(parent__isnull=True)
        .order_by()
        .values("kind")
        .annotate(top=Count("pk"))
    )
    return Counts({group["kind"]: group["top"] for group in grouped})


def _page_tops(pages: dict[str, Page]) -> list[int]:
    """The pks of the top-level workstreams on each kind's page: those of every group that fits
    on one page in one query, then one query (LIMIT and OFFSET, along the kind-and-title index)
    for each group that has pages."""
    top_level = Workstream.objects.filter(parent__isnull=True).order_by("title")
    whole = [kind for kind, page in pages.items() if page.count == 1]
    found = list(top_level.filter(kind__in=whole).values_list("pk", flat=True)) if whole else []
    for kind, page in pages.items():
        if page.count > 1:
            start = page.start - 1
            of_kind = top_level.filter(kind=kind).values_list("pk", flat=True)
            found += of_kind[start : start + page.size]
    return found


def _with_sub_groups(tops: list[int]) -> list[int]:
    """The pks of ``tops`` and of every sub-group under them: one query per level of nesting."""
    found = list(tops)
    level = found
    while level:
        level = list(Workstream.objects.filter(parent__in=level).values_list("pk", flat=True))
        found += level
    return found


def matrix_groups(
    pages: dict[str, Page],
    meetings: Sequence[Meeting],
    clock: RecordClock,
    as_at: RecordAsAt | None = None,
) -> list[KindGroup]:
    """The rows on each kind's page (``pages``, in kind order), each sub-group under its parent,
    with their cells at ``meetings`` and where each stands now on the record's ``clock`` (or
    then, ``as_at`` a meeting: its status then an annotation, not a query a row)."""
    if not pages:
        return []
    shown = Workstream.objects.filter(pk__in=_with_sub_groups(_page_tops(pages)))
    children: dict[int | None, list[Workstream]] = defaultdict(list)
    # Status now reads the latest meeting with a record: joined, not a query a row.
    rows = shown.for_matrix(meetings).select_related("last_record_meeting")
    for workstream in as_at.annotate(rows) if as_at else rows:
        children[workstream.parent_id].append(as_at.stand(workstream) if as_at else workstream)

    def rows_under(workstream: Workstream, depth: int) -> list[Row]:
        row = Row(workstream, depth, cells_for(workstream, meetings), clock.standing_of(workstream))
        return [row] + [
            r for child in children[workstream.pk] for r in rows_under(child, depth + 1)
        ]

    return [
        KindGroup(
            kind,
            str(WorkstreamKind(kind).label),
            [r for w in children[None] if w.kind == kind for r in rows_under(w, 0)],
            page,
        )
        for kind, page in pages.items()
    ]


def kind_pages(counts: Counts, asked: tuple[str, int] | None = None) -> dict[str, Page]:
    """Every kind with a workstream, in the order of ``WorkstreamKind``, at its first page, but
    for the kind and page ``asked``."""
    return {
        kind.value: Page(
            asked[1] if asked and asked[0] == kind.value else 1,
            PAGE_SIZE,
            counts.by_kind[kind.value],
        )
        for kind in WorkstreamKind
        if counts.by_kind.get(kind.value)
    }
