"""How log records are written: one JSON object a line, each with the context it came from.

Settings build ``LOGGING`` with :func:`logging_config`. :class:`ContextFilter` adds to every
record what the request or task it was emitted in knows: the request id, the user, the client's
address (set by ``emgtracker.request_context``) and the Celery task id.
"""

import logging
from contextvars import ContextVar
from typing import Any

from django.utils.functional import empty

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
# The request itself, so that the user is read when a line is written: a token's user is known
# only once the API view has authenticated it.
current_request: ContextVar[Any] = ContextVar("current_request", default=None)

JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(client)s %(task_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.client = client_address.get()
        record.user = _username(current_request.get())
        record.task_id = _task_id()
        return True


def _username(request: Any) -> str | None:
    if request is None:
        return None
    # Only a user already known: looking one up here would query the database from a log call.
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return str(user.get_username()) if user.is_authenticated else None


def _task_id() -> str | None:
    from celery import current_task

    # The proxy is false outside a task, and hands attribute lookups to the running task.
    if not current_task:
        return None
    return str(current_task.request.id) if current_task.request.id else None


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """``LOGGING`` for ``LOG_FORMAT`` ``json`` or ``text``."""
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT is json or text, not {log_format!r}.")
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {"format": TEXT_FORMAT},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "emgtracker.logs.ContextFilter"}},
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # WeasyPrint logs each layout step of a briefing pack at INFO, fontTools each subset.
        "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
    }
