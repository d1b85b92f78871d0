"""The sort keys a row keeps of the rows it belongs to: its meeting's date and its workstream's
title, copied onto the row so that the lists sort by an index of one table instead of across a
join.

A row fills its own keys whenever it is saved, by whichever path (the services, the admin, the
report loader, a factory): a copy that one path forgot would sort the row out of place. A
meeting's new date and a workstream's new title reach the rows that hold them through the
services that change them (``meeting_save``, ``workstream_save``)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models.translated import original_text


def _related_value(row: models.Model, relation: str, column: str) -> Any:
    """``row.<relation>.<column>``, read from the related row already on hand, else by one
    query of that column; None where the row relates to nothing."""
    field = row._meta.get_field(relation)
    assert isinstance(field, models.ForeignKey)
    if field.is_cached(row):
        related = getattr(row, relation)
        if related is None:
            return None
        # A translated column's original, never the reader's translation.
        if column in getattr(related, "TRANSLATED_FIELDS", ()):
            return original_text(related, column)
        return getattr(related, column)
    pk = getattr(row, field.attname)
    if pk is None:
        return None
    model = field.related_model
    assert not isinstance(model, str)
    return model._base_manager.filter(pk=pk).values_list(column, flat=True).get()


class MeetingDateKept(models.Model):
    """A row of a meeting that lists sort by the meeting's date."""

    SORT_KEYS: tuple[str, ...] = ("meeting_date",)

    meeting_date = models.DateField(
        _("meeting date"), editable=False, help_text=_("The meeting's date, kept here for sorting.")
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_keys_fill()
        if kwargs.get("update_fields"):
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.SORT_KEYS}
        super().save(*args, **kwargs)

    def sort_keys_fill(self) -> None:
        self.meeting_date = _related_value(self, "meeting", "date")


class MeetingDateAndTitleKept(MeetingDateKept):
    """A row of a meeting and a workstream that lists sort by date, then workstream title."""

    SORT_KEYS = ("meeting_date", "workstream_title")

    workstream_title = models.CharField(
        _("workstream title"),
        max_length=250,
        editable=False,
        help_text=_("The workstream's title, kept for sorting."),
    )

    class Meta:
        abstract = True

    def sort_keys_fill(self) -> None:
        super().sort_keys_fill()
        self.workstream_title = _related_value(self, "workstream", "title")
