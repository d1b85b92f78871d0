import datetime
from typing import Any, ClassVar, Self, TypeVar

from django.contrib.auth.models import User
from django.db import models

_T = TypeVar("_T", bound=AbstractAuthToken)

class AuthTokenManager(models.Manager[_T]):
    # Knox's create answers the row and the key, which is shown once and never stored.
    def create(  # type: ignore[override]  # knox answers (row, key), not the row alone
        self,
        user: User,
        expiry: datetime.timedelta | None = ...,
        prefix: str | None = None,
        **kwargs: Any,
    ) -> tuple[_T, str]: ...

class AbstractAuthToken(models.Model):
    digest: models.CharField[str, str]
    token_key: models.CharField[str, str]
    user: models.ForeignKey[User, User]
    created: models.DateTimeField[datetime.datetime, datetime.datetime]
    expiry: models.DateTimeField[datetime.datetime | None, datetime.datetime | None]
    objects: ClassVar[AuthTokenManager[Self]]
