"""Filters of the meetings, participants and entities lists."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from meetings.models import Attendance, Entity, EntityKind, Meeting, MeetingStatus, Segment

FIRST_YEAR, LAST_YEAR = 1972, 2100  # UNEP's founding year, and a bound no meeting passes.


class WholeNumberFilter(django_filters.NumberFilter):
    """A number filter that refuses "2022.5" rather than rounding it."""

    field_class = forms.IntegerField  # type: ignore[assignment]  # the stubs allow only NumberFilter's DecimalField


def whole_number(*, minimum: int, maximum: int, **kwargs: Any) -> WholeNumberFilter:
    """A whole-number filter within bounds, which the API schema states as well."""
    bounded: type[WholeNumberFilter] = extend_schema_field(
        {"type": "integer", "minimum": minimum, "maximum": maximum}
    )(type("BoundedWholeNumberFilter", (WholeNumberFilter,), {}))
    return bounded(min_value=minimum, max_value=maximum, **kwargs)


class MeetingFilter(django_filters.FilterSet):
    som = whole_number(field_name="som_number", label=_("SOM number"), minimum=1, maximum=999)
    segment = django_filters.ChoiceFilter(choices=Segment.choices)
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    year = whole_number(
        field_name="date__year", label=_("Year"), minimum=FIRST_YEAR, maximum=LAST_YEAR
    )

    class Meta:
        model = Meeting
        fields = ["som", "segment", "status", "year"]


class EntityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EntityKind.choices)
    search = django_filters.CharFilter(method="search_filter", max_length=200, label=_("Search"))

    class Meta:
        model = Entity
        fields = ["kind", "search"]

    def search_filter(self, queryset: QuerySet[Entity], name: str, value: str) -> QuerySet[Entity]:
        return queryset.filter(Q(acronym__icontains=value) | Q(name__icontains=value))


class ParticipantFilter(django_filters.FilterSet):
    entity = django_filters.ModelChoiceFilter(
        queryset=Entity.objects.all(), to_field_name="slug", label=_("Entity")
    )

    class Meta:
        model = Attendance
        fields = ["entity"]


def slug_choice(
    queryset: QuerySet[Any], label: Any, **kwargs: Any
) -> django_filters.ModelChoiceFilter:
    """A filter on a related row named by its slug, as every API identifier is."""
    return django_filters.ModelChoiceFilter(
        queryset=queryset, to_field_name="slug", label=label, **kwargs
    )
