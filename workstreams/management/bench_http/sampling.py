"""What the HTTP benchmark times: every page and API list of the in-process benchmark over HTTP,
sampled in turn beside its floor (a static file, or the raw SQL of the list's rows), and a few
clients at once over a mix."""

import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.db import connection
from django.urls import resolve
from rest_framework.test import APIRequestFactory

from workstreams.management.benchmark import PAGES

# The floor for pages: the site's stylesheet, served by whitenoise.
STATIC = "/static/css/site.css"
# Asked again with the ETag of their first answer: a 304 should cost next to nothing.
CONDITIONAL = ["/en/", "/api/v1/workstreams/"]
# What the concurrent clients ask for, in turn.
MIX = ["/en/", "/en/workstreams/", "/api/v1/workstreams/"]
OK = {"200", "304"}  # any other answer, or none in time, is an error


@dataclass
class Samples:
    """One row's timings, its errors (an answer other than 200 or 304, or none in time) and
    the statuses and size of its answers."""

    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    size: int = 0

    def add(self, elapsed_ms: float, status: str, size: int) -> None:
        self.times_ms.append(elapsed_ms)
        self.statuses[status] += 1
        self.errors += status not in OK | {"rows"}
        self.size = max(self.size, size)

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        if len(self.times_ms) < 2:
            return self.times_ms[0]
        return statistics.quantiles(self.times_ms, n=20, method="inclusive")[18]


Probe = Callable[[], tuple[float, str, int]]


@dataclass(frozen=True)
class Target:
    """One row of the table. ``kind``: the static file, a page (against the static file), an
    API list (against its raw SQL), the raw SQL itself, or a conditional request."""

    label: str
    kind: str
    probe: Probe
    floor: str = STATIC


def http_probe(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> Probe:
    def probe() -> tuple[float, str, int]:
        began = time.perf_counter()
        try:
            response = client.get(url, headers=headers)
            status, size = str(response.status_code), len(response.content)
        except httpx.TimeoutException:
            status, size = "timeout", 0
        except httpx.TransportError as error:
            status, size = type(error).__name__, 0
        return (time.perf_counter() - began) * 1000, status, size

    return probe


def sql_probe(sql: str, params: Any) -> Probe:
    def probe() -> tuple[float, str, int]:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return (time.perf_counter() - began) * 1000, "rows", len(rows)

    return probe


def rows_sql(url: str) -> tuple[str, Any] | None:
    """The SQL of the page of rows an API list answers ``url`` with: its viewset's filtered
    queryset, sliced to the page size, without the queries that prefetch relations. None for an
    API answer that is not a list."""
    path, _, _ = url.partition("?")
    match = resolve(path)
    actions = getattr(match.func, "actions", {})
    if actions.get("get") != "list":
        return None
    # ViewSetMixin.as_view() leaves the viewset's class and arguments on the view function.
    made_by = vars(match.func)
    view = made_by["cls"](**made_by["initkwargs"])
    view.action_map, view.action, view.format_kwarg = actions, "list", None
    view.args, view.kwargs = (), match.kwargs
    view.request = view.initialize_request(APIRequestFactory().get(url))
    queryset = view.filter_queryset(view.get_queryset())
    if view.paginator is not None:
        queryset = queryset[: view.paginator.get_page_size(view.request)]
    sql, params = queryset.query.sql_with_params()
    return sql, params


def targets(client: httpx.Client) -> list[Target]:
    """Every row: the static file, each page and API list, the raw SQL beside each list, and
    the conditional requests with the ETags of a first answer."""
    rows = [Target(STATIC, "static", http_probe(client, STATIC), floor="")]
    for url in PAGES:
        probe = http_probe(client, url)
        if url.startswith("/api/") and (found := rows_sql(url)):
            sql_label = f"raw SQL of {url}"
            rows.append(Target(url, "api", probe, floor=sql_label))
            rows.append(Target(sql_label, "sql", sql_probe(*found), floor=""))
        else:
            rows.append(Target(url, "page", probe))
    for url in CONDITIONAL:
        probe = http_probe(client, url, {"If-None-Match": _etag(client, url)})
        rows.append(Target(f"{url} with its ETag (304)", "conditional", probe))
    return rows


def _etag(client: httpx.Client, url: str) -> str:
    """The ETag of a first answer; one that matches nothing if none came in time."""
    try:
        return str(client.get(url).headers.get("ETag", '"none"'))
    except httpx.TransportError:
        return '"none"'


def sample(
    rows: list[Target], *, samples: int, max_seconds: float, say: Callable[[str], None]
) -> dict[str, Samples]:
    """Each row ``samples`` times, in turn (round robin, after one untimed warm-up each), so
    that a slow moment of the machine spreads over every row. A row that has taken
    ``max_seconds`` stops there: a few samples of a page of many seconds tell enough."""
    for row in rows:
        row.probe()
    found = {row.label: Samples() for row in rows}
    active = list(rows)
    for turn in range(samples):
        for row in list(active):
            found[row.label].add(*row.probe())
            if sum(found[row.label].times_ms) > max_seconds * 1000:
                active.remove(row)
        if turn % 10 == 9:
            say(f"  {turn + 1} of {samples} samples")
    return found


@dataclass
class Load:
    """What the concurrent clients got: answers, errors and answers a second."""

    clients: int
    seconds: float
    answers: int = 0
    errors: int = 0
    elapsed: float = 0.0

    @property
    def per_second(self) -> float:
        return self.answers / self.elapsed if self.elapsed else 0.0


def load(
    base_url: str, *, clients: int, seconds: float, timeout: float, mix: list[str] = MIX
) -> Load:
    """``clients`` threads, each with its own connection, asking for the mix in turn (each from
    a different place in it) until ``seconds`` have passed; a request under way is finished."""
    result = Load(clients, seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(offset: int) -> None:
        with httpx.Client(base_url=base_url, timeout=timeout) as client:
            turn = offset
            while time.monotonic() < stop:
                _elapsed, status, _size = http_probe(client, mix[turn % len(mix)])()
                turn += 1
                with lock:
                    result.answers += status in OK
                    result.errors += status not in OK

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(clients)))
    result.elapsed = time.perf_counter() - began
    return result
