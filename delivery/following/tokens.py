"""The signed links of a follower: ``django.core.signing`` over the follower's random key.

A link names no address. Each purpose has its own salt, so a manage link is no unsubscribe
link. The confirmation expires after ``CONFIRM_MAX_AGE``; the links in the messages do not (a
message read months later still unsubscribes). They hold while the follower's key does:
deleting the follower makes every earlier link invalid.
"""

import datetime
import uuid
from typing import Literal

from django.core import signing

from workstreams.models import Follower

Purpose = Literal["confirm", "manage", "unsubscribe"]

CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def follow_token(follower: Follower, purpose: Purpose) -> str:
    return signing.dumps(str(follower.key), salt=f"follow.{purpose}", compress=False)


def follower_from_token(token: str, purpose: Purpose) -> Follower | None:
    """The follower a link names, or None for a link that is forged, of another purpose,
    expired (a confirmation), or of a follower deleted or given a new key."""
    max_age = CONFIRM_MAX_AGE if purpose == "confirm" else None
    try:
        key = signing.loads(token, salt=f"follow.{purpose}", max_age=max_age)
        return Follower.objects.filter(key=uuid.UUID(str(key))).first()
    except (signing.BadSignature, ValueError):
        return None
