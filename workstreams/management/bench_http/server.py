"""gunicorn for the HTTP benchmark: started on a database as production runs it, and its
workers' memory read from /proc while it serves."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

WORKERS = 2
STARTUP_SECONDS = 60


def database_url(database: dict[str, Any]) -> str:
    """The ``DATABASE_URL`` of a Django database's settings, for a process started beside us."""
    return (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )


def server_env(url: str) -> dict[str, str]:
    """Production's settings (debug off, its statement timeout, its cache) on plain HTTP. The
    throttles are raised out of the way: the clients share one address, and the benchmark
    measures speed, not the limits."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "bench-http",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def static_collect(env: dict[str, str]) -> None:
    """Collect the static files with debug off, so whitenoise finds the manifest it serves.
    Skipped while the manifest is newer than every file of ours: whitenoise compresses each
    file anew, most of a minute."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    ours = [p for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()]
    if manifest.exists() and all(p.stat().st_mtime < manifest.stat().st_mtime for p in ours):
        return
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True)


@dataclass
class WorkerMemory:
    """The peak resident memory (VmHWM) of each worker of a gunicorn master, polled from /proc:
    a worker killed for a timeout takes its figure with it unless it was read before."""

    master: int
    peaks: dict[int, int] = field(default_factory=dict)  # pid -> kB
    _stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> None:
        for pid in _children(self.master):
            kilobytes = _peak_kb(pid)
            if kilobytes:
                self.peaks[pid] = max(kilobytes, self.peaks.get(pid, 0))

    def watch(self) -> threading.Thread:
        def run() -> None:
            while not self._stop.wait(0.2):
                self.poll()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.poll()
        self._stop.set()

    @property
    def peak_mb(self) -> float:
        return max(self.peaks.values(), default=0) / 1024

    @property
    def replaced(self) -> int:
        """Workers started after the first ones: each replaced one that was killed."""
        return max(len(self.peaks) - WORKERS, 0)


def _children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": the command may hold spaces, so split after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    base_url: str
    memory: WorkerMemory


@contextmanager
def gunicorn(*, env: dict[str, str], log: Path) -> Iterator[Server]:
    """gunicorn with two sync workers on a free port, as the Dockerfile runs it, until the block
    ends. Its output goes to ``log``."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "emgtracker.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    memory = WorkerMemory(process.pid)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_ready(base_url, process, log)
        memory.watch()
        yield Server(base_url, memory)
    finally:
        memory.stop()
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")
