"""The cross-reference filters the workstream, progress update and decision lists share, on
the pages and in the API: ``?sdg=14.1`` (a target; ``?sdg=14``, a goal, matches its targets
too), ``?unea=`` and ``?mea=`` (a resolution's or a decision's symbol or slug). A workstream
matches by its own tags and those of its decisions and published updates.

A code that names no reference is refused (400), with a message saying so."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from workstreams.models import FrameworkReference, ReferenceKind, ReferenceTag
from workstreams.models.references import SDG_KINDS

# What the API's schema says of each parameter, and the form holds it to.
SDG_PATTERN = r"^[1-9][0-9]?(\.([1-9][0-9]?|[a-z]))?$"
SYMBOL_MAX_LENGTH = 80


class ReferenceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A reference named by its code (``14.1``, ``UNEP/EA.5/Res.14``) or its slug."""

    def __init__(
        self, *, unknown: Any, max_length: int, checks: list[Any] | None = None, **kwargs: Any
    ) -> None:
        self.unknown = unknown
        # Checked on the text, before the look-up (the field's own validators see the row). A
        # NUL is refused here: PostgreSQL refuses even to look it up.
        self.checks = [
            ProhibitNullCharactersValidator(),
            MaxLengthValidator(max_length),
            *(checks or []),
        ]
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": max_length}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> FrameworkReference | None:
        if value in self.empty_values:
            return None
        value = str(value)
        for check in self.checks:
            check(value)
        assert self.queryset is not None
        found = self.queryset.filter(Q(code=value) | Q(slug=value)).first()
        if found is None:
            raise ValidationError(self.unknown, code="invalid_choice", params={"value": value})
        return found  # type: ignore[no-any-return]

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, FrameworkReference) else value


class ReferenceFilter(django_filters.ModelChoiceFilter):
    field_class = ReferenceField  # type: ignore[assignment]  # a ModelChoiceField too

    def __init__(self, *, schema_pattern: str | None = None, **kwargs: Any) -> None:
        # Read by the schema (emgtracker/openapi.py), which states it as the parameter's pattern.
        self.schema_pattern = schema_pattern
        super().__init__(**kwargs)


class ReferenceFilters(django_filters.FilterSet):
    """A FilterSet whose rows may be tagged; ``tagged_as`` names the tag's field for them."""

    tagged_as = ""

    sdg = ReferenceFilter(
        label=_("SDG goal or target"),
        queryset=FrameworkReference.objects.filter(kind__in=SDG_KINDS),
        method="reference_filter",
        help_text=_("A target (14.1), or a goal (14) with its targets."),
        unknown=_("No SDG goal or target has the code “%(value)s”."),
        max_length=5,
        checks=[RegexValidator(SDG_PATTERN, _("Give an SDG code, such as 14 or 14.1."))],
        schema_pattern=SDG_PATTERN,
    )
    unea = ReferenceFilter(
        label=_("UNEA resolution"),
        queryset=FrameworkReference.objects.filter(kind=ReferenceKind.UNEA_RESOLUTION),
        method="reference_filter",
        help_text=_("Its symbol (UNEP/EA.5/Res.14) or slug."),
        unknown=_("No UNEA resolution has the symbol “%(value)s”."),
        max_length=SYMBOL_MAX_LENGTH,
    )
    mea = ReferenceFilter(
        label=_("MEA decision"),
        queryset=FrameworkReference.objects.filter(kind=ReferenceKind.MEA_DECISION),
        method="reference_filter",
        help_text=_("Its symbol (CBD/COP/DEC/15/4) or slug."),
        unknown=_("No MEA decision has the symbol “%(value)s”."),
        max_length=SYMBOL_MAX_LENGTH,
    )

    def reference_filter(
        self, queryset: QuerySet[Any], name: str, value: FrameworkReference
    ) -> QuerySet[Any]:
        """The rows tagged with the reference, or, for a goal, with any of its targets. A
        workstream is found by its own tags and by those of its decisions and published
        updates."""
        tags = ReferenceTag.objects.filter(Q(reference=value) | Q(reference__goal=value))
        if self.tagged_as != "workstream":
            return queryset.filter(pk__in=tags.values(self.tagged_as))
        tags = tags.public()
        return queryset.filter(
            Q(pk__in=tags.values("workstream"))
            | Q(pk__in=tags.values("update__workstream"))
            | Q(pk__in=tags.values("decision__workstream"))
        )
