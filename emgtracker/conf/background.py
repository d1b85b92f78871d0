"""The cache and the Celery broker: Redis from REDIS_URL, otherwise in-process (a local-memory
cache, and tasks run eagerly). docs/configuration.md."""

from typing import Any

import environ
from celery.schedules import crontab

_env = environ.Env()

REDIS_URL = _env.str("REDIS_URL", default="")


def _caches(redis_url: str) -> dict[str, dict[str, Any]]:
    if not redis_url:
        # Two names for one store: local-memory caches of the same LOCATION share their entries.
        return {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
    default = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "TIMEOUT": 300,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            # A Redis outage degrades to "no cache"; it never turns a page into a 500.
            "IGNORE_EXCEPTIONS": True,
        },
    }
    # The same Redis, errors and all, for the throttles: they must know when it is down, to
    # count in the process instead (emgtracker/throttling.py).
    throttle = {**default, "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}}
    return {"default": default, "throttle": throttle}


CACHES = _caches(REDIS_URL)

# Anonymous reads of the public record, kept in the cache under the record's version and sent
# with these headers for a CDN (emgtracker/caching.py, docs/operations.md#caching).
CACHE_RECORD_ANSWERS = _env.bool("CACHE_RECORD_ANSWERS", default=True)
CACHE_PAGE_SECONDS = _env.int("CACHE_PAGE_SECONDS", default=3600)
CACHE_CDN_MAX_AGE = _env.int("CACHE_CDN_MAX_AGE", default=10)
CACHE_CDN_STALE_WHILE_REVALIDATE = _env.int("CACHE_CDN_STALE_WHILE_REVALIDATE", default=60)
# Names the code's release in the cache's keys; unset, the code's files name it.
CACHE_RELEASE = _env.str("RELEASE", default="")
if REDIS_URL:
    # The outages the default cache ignores are logged, not silent.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

CELERY_BROKER_URL = _env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = _env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# The worker logs through the settings' LOGGING (JSON, with the task's id), not Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A write hands its task to the broker after commit; with Redis down it must give up quickly
# and leave the task in the outbox, not hold the request.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_DEFAULT_QUEUE = _env.str("CELERY_QUEUE", default="emgtracker")
CELERY_BEAT_SCHEDULE = {
    "outbox-dispatch": {"task": "workstreams.outbox_dispatch", "schedule": 30.0},
    "notices-send": {
        "task": "workstreams.notices_send",
        "schedule": crontab(hour=_env.int("NOTICES_HOUR_UTC", default=6), minute=0),
    },
    "follow-agenda-run": {
        "task": "workstreams.follow_agenda_run",
        "schedule": crontab(hour=_env.int("NOTICES_HOUR_UTC", default=6), minute=5),
    },
    "webhook-deliveries-resend": {
        "task": "workstreams.webhook_deliveries_resend",
        "schedule": 300.0,
    },
}
