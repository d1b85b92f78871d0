"""One scale of the HTTP benchmark: gunicorn on the database as it stands, every row sampled,
then the concurrent clients, and the workers' peak memory."""

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.db import connection

from workstreams.management.bench_http.sampling import Load, Samples, Target, load, sample
from workstreams.management.bench_http.sampling import targets as targets_of
from workstreams.management.bench_http.server import gunicorn


@dataclass
class Row:
    label: str
    kind: str
    floor: str
    samples: Samples


@dataclass
class Scale:
    """What one scale measured."""

    scale: int
    workstreams: int
    rows: list[Row]
    load: Load
    memory_mb: float
    workers_replaced: int

    def row(self, label: str) -> Row:
        return next(r for r in self.rows if r.label == label)

    def ratio(self, row: Row) -> float | None:
        """The row's p50 against its floor's: None for a floor."""
        if not row.floor:
            return None
        return row.samples.p50 / self.row(row.floor).samples.p50


@dataclass(frozen=True)
class Settings:
    """How hard to measure: samples a row, the concurrent clients and for how long, and the
    time a request may take before it counts as an error."""

    samples: int = 40
    clients: int = 4
    seconds: float = 30
    timeout: float = 30
    max_seconds: float = 60


def scale_measure(
    *,
    scale: int,
    workstreams: int,
    env: dict[str, str],
    log: Path,
    settings: Settings,
    say: Callable[[str], None] = print,
) -> Scale:
    """Start gunicorn on ``env``'s database, sample every row, then load it with the clients."""
    with gunicorn(env=env, log=log) as server:
        with httpx.Client(base_url=server.base_url, timeout=settings.timeout) as client:
            rows: list[Target] = targets_of(client)
            say(f"  sampling {len(rows)} rows {settings.samples} times each, in turn")
            found = sample(
                rows, samples=settings.samples, max_seconds=settings.max_seconds, say=say
            )
        say(f"  {settings.clients} clients for {settings.seconds:g} s")
        concurrent = load(
            server.base_url,
            clients=settings.clients,
            seconds=settings.seconds,
            timeout=settings.timeout,
        )
        server.memory.poll()
        return Scale(
            scale=scale,
            workstreams=workstreams,
            rows=[Row(r.label, r.kind, r.floor, found[r.label]) for r in rows],
            load=concurrent,
            memory_mb=server.memory.peak_mb,
            workers_replaced=server.memory.replaced,
        )


def machine() -> str:
    """A line on where the figures come from."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (postgres,) = cursor.fetchone() or ("?",)
    # What else ran shows in the load: above the cores, the figures include waiting for them.
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {postgres.split()[0]}; "
        f"load average {load} at the end"
    )
