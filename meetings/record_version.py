"""The record's version: bumped in the transaction of every write the public can see, read by
every anonymous page and API answer before it renders (emgtracker/caching.py).

The number lives in the database (``RecordVersion``, one row) and is mirrored in the cache once
the write commits, so that reading it costs one cache read. With the cache down or the mirror
gone, it is read from the database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings.models import RecordVersion

MIRROR_KEY = "record-version"
# The mirror is also dropped after this long, so that a copy written before a Redis blip, which
# a commit during the blip could not replace, is not read for longer than this.
MIRROR_SECONDS = 60
# The version of a record that has never been written.
NEVER = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime


def record_version_bump() -> None:
    """Move the version on, in the caller's transaction; the cache learns of it on commit.

    Call it last in a service: the row stays locked until the commit, and every writer takes
    that lock in the same place, after its own rows."""
    now = timezone.now()
    if not RecordVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        RecordVersion.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})
    transaction.on_commit(_mirror)


def _mirror() -> None:
    # Under the row's lock: a later writer waits for it, so mirrors are set in commit order and
    # an older number never overwrites a newer one.
    with transaction.atomic():
        row = RecordVersion.objects.select_for_update().filter(pk=1).first()
        if row is not None:
            cache.set(MIRROR_KEY, (row.number, row.changed_at), MIRROR_SECONDS)


def record_version_current() -> Version:
    """The version as committed: from the cache, or from the database when the cache has none."""
    mirrored = cache.get(MIRROR_KEY)
    if mirrored is not None:
        return Version(*mirrored)
    row = RecordVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    number, changed_at = row if row is not None else (0, NEVER)
    # add, not set: a commit that mirrored a newer number meanwhile is not overwritten.
    cache.add(MIRROR_KEY, (number, changed_at), MIRROR_SECONDS)
    return Version(number, changed_at)
