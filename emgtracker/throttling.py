"""API throttles that never turn off.

The counts live in the shared cache (Redis), so that every process counts together. The site's
``default`` cache ignores Redis errors, and a throttle reading it during an outage would see no
history and let everything through. The throttles read the ``throttle`` alias instead, which
raises; on a connection error they count in this process's memory until Redis is back: the
limit then holds per process, which is looser, but it holds.
"""

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import throttling
from rest_framework.request import Request

from emgtracker.client import client_address

logger = logging.getLogger(__name__)

# django-redis re-raises the client's own error when it is not told to ignore it.
SHARED_CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

# After a failure, how long the throttles count locally before asking Redis again: a dead
# Redis then costs one connection attempt every few seconds, not one per request.
RETRY_SHARED_AFTER_SECONDS = 5.0


class FallbackCache(BaseCache):
    """The ``throttle`` cache while it answers; this process's memory while it does not."""

    def __init__(self, alias: str = "throttle") -> None:
        super().__init__({})
        self.alias = alias
        self.local = LocMemCache(
            "emgtracker-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
        self.failed_at: float | None = None

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(
        self, key: str, value: Any, timeout: float | None = None, version: int | None = None
    ) -> None:
        self._call("set", key, value, timeout, version)

    def _call(self, method: str, *args: Any) -> Any:
        if self.failed_at is None or time.monotonic() - self.failed_at > RETRY_SHARED_AFTER_SECONDS:
            try:
                result = getattr(caches[self.alias], method)(*args)
            except SHARED_CACHE_ERRORS as error:
                if self.failed_at is None:
                    logger.warning(
                        "The shared throttle cache is down (%s); counting in this process.",
                        error,
                        extra={"event": "throttle.fallback"},
                    )
                self.failed_at = time.monotonic()
            else:
                if self.failed_at is not None:
                    logger.warning(
                        "The shared throttle cache is back.", extra={"event": "throttle.shared"}
                    )
                self.failed_at = None
                return result
        return getattr(self.local, method)(*args)


cache = FallbackCache()


class AnonRateThrottle(throttling.AnonRateThrottle):
    cache = cache

    def get_ident(self, request: Request) -> str:
        return client_address(request)


class UserRateThrottle(throttling.UserRateThrottle):
    cache = cache

    def get_ident(self, request: Request) -> str:
        return client_address(request)
