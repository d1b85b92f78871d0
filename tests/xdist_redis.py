"""Each pytest-xdist worker gets a Redis database of its own: ``make test`` loads this plugin
with ``-p`` before Django reads its settings.

The workers share one Redis server, and the tests clear the cache, count throttles and purge
the broker's queue: in one database, one worker's test would wipe or take another's. Worker
``gwN`` uses the database N + 1 places after ``REDIS_URL``'s own (modulo Redis's 16), so the
database named in ``REDIS_URL`` itself stays untouched. Without xdist, or without Redis, this
changes nothing.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16


def worker_redis_url(url: str, worker: str) -> str:
    """``url`` with the database of xdist worker ``worker`` (``gw0``, ``gw1``…)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    index = int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{(base + 1 + index) % REDIS_DATABASES}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], _worker)
