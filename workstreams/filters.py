"""The filters of the workstream list, shared by the page and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Entity, Meeting
from workstreams.models import Status, Workstream, WorkstreamKind, WorkstreamQuerySet

FIRST_YEAR, LAST_YEAR = 1972, 2100  # UNEP's founding year, and a bound no meeting passes.


class MeetingChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Meeting.objects.for_timeline(), to_field_name="slug", **kwargs)

    def label_from_instance(self, meeting: Meeting) -> str:
        return meeting.short_label


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class WorkstreamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=200,
        help_text=_("Title, description or lead."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WorkstreamKind.choices)
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead entity"),
        field_name="lead_entities",
        to_field_name="slug",
        queryset=Entity.objects.filter(workstream_leads__isnull=False).distinct().order_by("slug"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        method="status_filter",
        help_text=_("Now, or at the meeting chosen."),
    )
    meeting = MeetingChoiceFilter(
        label=_("At meeting"), method="meeting_filter", help_text=_("With a record at it.")
    )
    year = YearFilter(
        label=_("Year"),
        method="year_filter",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("With a record at a meeting that year."),
    )

    class Meta:
        model = Workstream
        fields = ["q", "kind", "lead", "status", "meeting", "year"]

    def search(self, queryset: WorkstreamQuerySet, name: str, value: str) -> WorkstreamQuerySet:
        words = value.split()
        for word in words[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(short_title__icontains=word)
                | Q(also_known_as__icontains=word)
                | Q(description__icontains=word)
                | Q(pk__in=_led_by_matching(word))
            )
        return queryset

    def status_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: str
    ) -> WorkstreamQuerySet:
        meeting = self.form.cleaned_data.get("meeting")
        if meeting is not None:
            return queryset.filter(
                timeline_entries__meeting=meeting, timeline_entries__status=value
            )
        return queryset.with_current_status().filter(current_status=value)  # type: ignore[misc]

    def meeting_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: Meeting
    ) -> WorkstreamQuerySet:
        return queryset.filter(timeline_entries__meeting=value)

    def year_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: Any
    ) -> WorkstreamQuerySet:
        return queryset.filter(timeline_entries__meeting__date__year=value).distinct()


def _led_by_matching(word: str) -> Any:
    return Entity.objects.filter(Q(acronym__icontains=word) | Q(name__icontains=word)).values(
        "led_workstreams"
    )
