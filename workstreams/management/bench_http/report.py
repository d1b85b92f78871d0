"""The HTTP benchmark's figures against the budget (issue 13, "The budget"), as a table for the
terminal and as the "Over HTTP" section of docs/benchmarks.md."""

import datetime
import re
from pathlib import Path

from workstreams.management.bench_http.harness import Row, Scale
from workstreams.management.bench_http.sampling import MIX

# The budget, at the largest scale measured.
PAGE_FLOOR = 20.0  # an uncached page within 20× of the static file's p50
API_FLOOR = 3.0  # an API list within 3× of the raw SQL of its rows
CONDITIONAL_FLOOR = 2.0  # a 304 within 2× of the static file
MEMORY_MB = 200.0  # each worker's peak resident memory
GROWTH = 1.2  # p50 at 1000× within 1.2× of its p50 at 100×
GROWTH_FROM, GROWTH_TO = 100, 1000
FLOORS = {"page": PAGE_FLOOR, "api": API_FLOOR, "conditional": CONDITIONAL_FLOOR}
FLOOR_NAMES = {"page": "the static file", "api": "its raw SQL", "conditional": "the static file"}

START = "<!-- bench-http: start. Written by `make bench-http`; edits between the markers go. -->"
END = "<!-- bench-http: end -->"


def _row_verdicts(top: Scale, row: Row) -> list[str]:
    broken = []
    ratio = top.ratio(row)
    if row.kind in FLOORS and ratio is not None and ratio > FLOORS[row.kind]:
        broken.append(
            f"`{row.label}`: {ratio:,.1f}× {FLOOR_NAMES[row.kind]} "
            f"(budget {FLOORS[row.kind]:g}×), p50 {_ms(row.samples.p50)}"
        )
    if row.kind == "conditional" and set(row.samples.statuses) != {"304"}:
        answered = ", ".join(sorted(row.samples.statuses))
        broken.append(f"`{row.label}`: answered {answered}, not 304 alone")
    if row.samples.errors:
        broken.append(
            f"`{row.label}`: {row.samples.errors} errors ({_statuses(row)}) at {top.scale}×"
        )
    return broken


def verdicts(scales: list[Scale]) -> list[str]:
    """What breaks the budget at the largest scale measured, one line each, saying by how much."""
    top = max(scales, key=lambda s: s.scale)
    broken = [line for row in top.rows for line in _row_verdicts(top, row)]
    at = {s.scale: s for s in scales}
    if GROWTH_FROM in at and GROWTH_TO in at:
        for row in top.rows:
            if row.kind in FLOORS:
                growth = row.samples.p50 / at[GROWTH_FROM].row(row.label).samples.p50
                if growth > GROWTH:
                    broken.append(
                        f"`{row.label}`: {growth:,.1f}× slower at {GROWTH_TO}× than at "
                        f"{GROWTH_FROM}× (budget {GROWTH:g}×)"
                    )
    if top.load.errors:
        broken.append(f"{top.load.clients} concurrent clients: {top.load.errors} errors")
    if top.memory_mb > MEMORY_MB:
        broken.append(f"worker memory: peaked at {top.memory_mb:,.0f} MB (budget {MEMORY_MB:g})")
    return broken


def _ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def _size(size: int) -> str:
    return f"{size / 1024:,.0f} kB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


def _statuses(row: Row) -> str:
    return ", ".join(f"{n}× {s}" for s, n in sorted(row.samples.statuses.items()))


def _floor_cell(top: Scale, row: Row) -> str:
    ratio = top.ratio(row)
    if ratio is None:
        return "the floor"
    cell = f"{ratio:,.1f}× {FLOOR_NAMES[row.kind]}"
    return f"**{cell}**" if ratio > FLOORS[row.kind] else cell


def _rows_markdown(scales: list[Scale]) -> list[str]:
    top = scales[-1]
    head = ["what", *(f"{s.scale}× p50 (p95)" for s in scales), f"size at {top.scale}×"]
    head += [f"against the floor at {top.scale}×", "errors"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in top.rows:
        cells = [f"`{row.label}`"]
        for scale in scales:
            figures = scale.row(row.label).samples
            cells.append(f"{_ms(figures.p50)} ({_ms(figures.p95)})")
        errors = sum(s.row(row.label).samples.errors for s in scales)
        size = _size(row.samples.size) if row.kind != "sql" else f"{row.samples.size} rows"
        cells += [size, _floor_cell(top, row), str(errors)]
        lines.append("| " + " | ".join(cells) + " |")
    mix = ", ".join(f"`{url}`" for url in MIX)
    loads = [f"{s.load.per_second:,.2f} requests/s, {s.load.errors} errors" for s in scales]
    lines.append(
        f"| {top.load.clients} clients for {top.load.seconds:g} s on {mix} | "
        + " | ".join(loads)
        + " | | | |"
    )
    memory = [f"{s.memory_mb:,.0f} MB, {s.workers_replaced} replaced" for s in scales]
    lines.append("| gunicorn workers' peak memory | " + " | ".join(memory) + " | | | |")
    return lines


def markdown(scales: list[Scale], *, machine: str, samples: int, when: datetime.date) -> str:
    """The "Over HTTP" section, between its markers."""
    scales = sorted(scales, key=lambda s: s.scale)
    broken = verdicts(scales)
    sizes = ", ".join(f"{s.scale}× ({s.workstreams:,} workstreams)" for s in scales)
    over = [f"- {line}" for line in broken] or ["- Nothing: within budget."]
    growth = ""
    if not {GROWTH_FROM, GROWTH_TO} <= {s.scale for s in scales}:
        growth = f" The growth rule ({GROWTH_TO}× against {GROWTH_FROM}×) was not checked."
    return "\n".join(
        [
            START,
            "## Over HTTP",
            "",
            f"`make bench-http`, {when:%-d %B %Y}, at {sizes}: gunicorn with two sync workers "
            f"on PostgreSQL, production's settings. {machine}. Each row sampled up to {samples} "
            "times in turn, after one warm-up (a row stops after a minute of samples); an error "
            "is an answer other than 200 or 304, or none within the timeout. The floor of a page "
            "is the static file; of an API list, its page of rows by the raw SQL of its "
            "queryset; of a 304, the static file.",
            "",
            *_rows_markdown(scales),
            "",
            f"Over budget at {scales[-1].scale}× (the budget: issue 13).{growth}",
            "",
            *over,
            END,
        ]
    )


def docs_write(path: Path, section: str) -> None:
    """Put ``section`` in ``path`` between its markers, replacing the last one, or at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def table(scales: list[Scale]) -> str:
    """The figures for the terminal: the same as the docs' table."""
    return "\n".join(_rows_markdown(sorted(scales, key=lambda s: s.scale)))
