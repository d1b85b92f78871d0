"""What the record loader last wrote to each row, so that it never overwrites a later edit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadedRow(models.Model):
    """What ``load_emg_record`` last wrote to one row: the row's key in the record and a digest
    of the values the loader gave it.

    The record is where the database starts, never an authority over later edits. A row whose
    values no longer match this digest was changed by someone after loading (or deleted, if
    ``object_id`` names no row), and the loader leaves it alone.
    """

    model = models.CharField(
        _("model"), max_length=100, help_text=_("The model's label, e.g. meetings.entity.")
    )
    key = models.CharField(
        _("key"),
        max_length=1000,
        help_text=_("The row's natural key in the record, e.g. slug=unep."),
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    digest = models.CharField(
        _("digest"),
        max_length=64,
        help_text=_("SHA-256 of the field values the loader last wrote."),
    )
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("loaded row")
        verbose_name_plural = _("loaded rows")
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="loaded_row_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"
