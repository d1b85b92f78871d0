"""Health checks for load balancers and the compose file: JSON, no login, no throttle, never
cached, and no session.

They are answered by a middleware, first in the chain: before the Host header is checked (a
health check asks by the container's address, which ALLOWED_HOSTS rightly does not list), before
the HTTPS redirect (it asks over plain HTTP, inside the network) and before the access log (it
asks every few seconds).
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from emgtracker.unavailable import RETRY_AFTER_SECONDS

# Once every migration is applied it stays applied for the life of the process: the check is
# then not repeated (it reads every migration file).
_migrated = False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers; nothing else is asked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """The database and the cache answer, and the migrations are applied: ready for traffic."""
    database = _database()
    # With no database the migrations cannot be read either: don't wait for it twice.
    migrations = _migrations() if database == "ok" else "not checked"
    checks = {"database": database, "cache": _cache(), "migrations": migrations}
    ready = all(check == "ok" for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
    if not ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return f"failed: {type(error).__name__}"
    return "ok"


def _cache() -> str:
    # The site's cache swallows Redis errors (a get answers None): ask it to keep a value.
    key = "emgtracker:readyz"
    try:
        cache.set(key, "ok", timeout=10)
        answered: Any = cache.get(key)
    except Exception as error:  # any backend's failure is "not ready", never a 500
        return f"failed: {type(error).__name__}"
    return "ok" if answered == "ok" else "failed: no answer"


def _migrations() -> str:
    global _migrated
    if _migrated:
        return "ok"
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return f"failed: {type(error).__name__}"
    if unapplied:
        return f"failed: {len(unapplied)} unapplied"
    _migrated = True
    return "ok"


class HealthCheckMiddleware:
    PATHS: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
        "/healthz": healthz,
        "/readyz": readyz,
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        view = self.PATHS.get(request.path_info)
        return view(request) if view else self.get_response(request)
