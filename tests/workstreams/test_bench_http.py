"""The HTTP benchmark's harness against a real gunicorn on the test database, briefly: every row
measured, the verdicts against the budget, and its section of docs/benchmarks.md. (The figures
themselves: ``make bench-http``.)"""

import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from workstreams.management.bench_http.harness import Row, Scale, Settings, scale_measure
from workstreams.management.bench_http.report import END, START, docs_write, markdown, verdicts
from workstreams.management.bench_http.sampling import CONDITIONAL, STATIC, Load, Samples
from workstreams.management.bench_http.server import database_url, server_env, static_collect
from workstreams.management.benchmark import PAGES

# The API lists, whose floor is the raw SQL of their rows; a workstream's timeline is no list.
API_LISTS = [u for u in PAGES if u.startswith("/api/") and "img-biodiversity" not in u]


@pytest.fixture
def measured(live_record: None, tmp_path: Path) -> Scale:
    if connection.vendor != "postgresql":
        pytest.skip("The HTTP benchmark runs gunicorn on PostgreSQL (DATABASE_URL).")
    env = server_env(database_url(connection.settings_dict))
    static_collect(env)
    return scale_measure(
        scale=1,
        workstreams=17,
        env=env,
        log=tmp_path / "gunicorn.log",
        settings=Settings(samples=2, seconds=2),
        say=lambda _line: None,
    )


def test_every_row_is_measured_beside_its_floor_and_written_to_the_docs(
    measured: Scale, tmp_path: Path
) -> None:
    labels = {row.label: row for row in measured.rows}
    expected = {STATIC, *PAGES, *(f"{u} with its ETag (304)" for u in CONDITIONAL)}
    expected |= {f"raw SQL of {u}" for u in API_LISTS}
    assert set(labels) == expected
    for row in measured.rows:
        assert len(row.samples.times_ms) == 2, row.label
        assert row.samples.errors == 0, (row.label, row.samples.statuses)
        assert 0 < row.samples.p50 <= row.samples.p95, row.label
    assert labels["/api/v1/workstreams/"].floor == "raw SQL of /api/v1/workstreams/"
    assert labels["raw SQL of /api/v1/workstreams/"].samples.size == 21  # the record's rows
    assert labels["/en/"].floor == STATIC
    assert set(labels["/en/ with its ETag (304)"].samples.statuses) == {"304"}
    assert measured.load.answers > 0
    assert measured.load.errors == 0
    assert 20 < measured.memory_mb < 1000

    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Speed\n\nThe in-process figures.\n")
    section = markdown([measured], machine="a test", samples=2, when=datetime.date(2026, 12, 1))
    docs_write(docs, section)
    docs_write(docs, section)  # a second run replaces the first
    text = docs.read_text()
    assert text.startswith("# Speed\n\nThe in-process figures.\n\n" + START)
    assert text.count(START) == text.count(END) == 1
    assert "| `/api/v1/workstreams/` |" in text
    assert "1 December 2026" in text
    assert "4 clients for 2 s" in text


def _scale(scale: int, **p50s: float) -> Scale:
    def row(label: str, kind: str, floor: str) -> Row:
        return Row(label, kind, floor, Samples([p50s[kind]], 0, Counter({"200": 1}), 1))

    rows = [
        row("/static.css", "static", ""),
        row("/page/", "page", "/static.css"),
        row("/api/", "api", "sql"),
        row("sql", "sql", ""),
    ]
    return Scale(scale, 17 * scale, rows, Load(4, 30, 100, 0, 30), 150.0, 0)


def test_verdicts_name_what_is_over_budget_and_by_how_much() -> None:
    within = [
        _scale(100, static=4, page=60, api=9, sql=4),
        _scale(1000, static=4, page=70, api=10, sql=4),
    ]
    assert verdicts(within) == []
    over = [
        _scale(100, static=4, page=60, api=9, sql=4),
        _scale(1000, static=4, page=100, api=20, sql=4),
    ]
    over[1].memory_mb, over[1].load.errors = 472, 2
    assert verdicts(over) == [
        "`/page/`: 25.0× the static file (budget 20×), p50 100 ms",
        "`/api/`: 5.0× its raw SQL (budget 3×), p50 20.0 ms",
        "`/page/`: 1.7× slower at 1000× than at 100× (budget 1.2×)",
        "`/api/`: 2.2× slower at 1000× than at 100× (budget 1.2×)",
        "4 concurrent clients: 2 errors",
        "worker memory: peaked at 472 MB (budget 200)",
    ]
