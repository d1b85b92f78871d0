"""The record's version: one number that every change to what the public reads moves on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordVersion(models.Model):
    """One row. Its number names the record as it stands, for the pages' ETags and their cache
    (emgtracker/caching.py); ``meetings.record_version`` moves it on in the writing transaction."""

    number = models.PositiveBigIntegerField(_("number"), default=0)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="record_version_one_row"),
        ]

    def __str__(self) -> str:
        return f"record version {self.number}"
