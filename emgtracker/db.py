"""Small database helpers shared by the apps."""

from django.db import models
from django.db.models import Q


def choices_check(
    field: str, choices: type[models.TextChoices], name: str
) -> models.CheckConstraint:
    """A CHECK constraint holding ``field`` to ``choices``: the database, not only forms, refuses
    a value outside the vocabulary."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)
