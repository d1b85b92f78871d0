"""What django-simple-history reads from a row it saves: who made the change and why."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class HistoryNotes:
    """Mixed into each model that keeps a ``history``: the services and the report loader set
    these before a save, and the history row records them. Declared, not assigned: a row
    carries them only once set."""

    _history_user: "User | None"
    _change_reason: str
