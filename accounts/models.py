"""API tokens: django-rest-knox's hashed, expiring token, with an id and a name to list it by."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """A token a user made for a script. Only a hash of its key is stored (``digest``); the key
    is shown once, when it is made. It stops working at ``expiry``, when its owner's password
    changes (``password_mark`` no longer matches) or when its owner is deactivated."""

    id: "models.BigAutoField[int, int]" = models.BigAutoField(_("id"), primary_key=True)
    digest: "models.CharField[str, str]" = models.CharField(
        _("digest"), max_length=CONSTANTS.DIGEST_LENGTH, unique=True, editable=False
    )
    name: "models.CharField[str, str]" = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “nightly export”.")
    )
    # A keyed hash of the owner's password hash when the token was made, as Django keeps in a
    # session: a new password makes it differ, and the token is refused.
    password_mark: "models.CharField[str, str]" = models.CharField(
        _("password mark"), max_length=128, editable=False
    )

    # The key itself, on the instance just made only: shown once, never stored.
    key: str = ""

    class Meta:
        verbose_name_plural = _("API tokens")
        verbose_name = _("API token")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
