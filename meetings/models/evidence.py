"""Stated, inferred, not stated: how the record knows a fact (docs/record.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from emgtracker.db import choices_check


class Evidence(models.TextChoices):
    """How the record knows a fact (docs/record.md): the report says it, we read it from the
    report, or the report does not say it."""

    STATED = "stated", _("Stated")
    INFERRED = "inferred", _("Inferred")
    NOT_STATED = "not_stated", _("Not stated")


def evidence_constraints(prefix: str, name: str) -> list[models.CheckConstraint]:
    """The rules of an evidence field pair: a known kind, and an inference always says why."""
    return [
        choices_check(f"{prefix}evidence", Evidence, f"{name}_evidence_valid"),
        models.CheckConstraint(
            condition=~Q(**{f"{prefix}evidence": Evidence.INFERRED})
            | ~Q(**{f"{prefix}evidence_reason": ""}),
            name=f"{name}_inference_has_reason",
            violation_error_message=_("Say in one line why, when it is inferred."),
        ),
    ]
