"""The user behind a request that only a login reaches."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request


def request_user(request: HttpRequest | Request) -> User:
    """The logged-in user of a view that its guard (the admin site, an API permission class)
    already refused to anyone else; refused here as well, should a guard ever let one through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
