"""Filters of the workstreams lists (one FilterSet for the page and the API), updates,
decisions and proposals."""

from typing import Any

import django_filters
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from meetings.filters import FIRST_YEAR, LAST_YEAR, slug_choice, whole_number
from meetings.models import Entity, Meeting
from workstreams.models import (
    Decision,
    DecisionKind,
    EditorialState,
    ProgressUpdate,
    Proposal,
    ProposalKind,
    Status,
    Workstream,
    WorkstreamEvent,
    WorkstreamKind,
    WorkstreamQuerySet,
)
from workstreams.references.filters import ReferenceFilters
from workstreams.standing import MandateNow, RecordClock, Standing


class MeetingChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Meeting.objects.for_timeline(), to_field_name="slug", **kwargs)

    def label_from_instance(self, meeting: Meeting) -> str:
        return meeting.short_label


def request_clock(request: Any) -> RecordClock:
    """The record's clock, read once a request: the filters and the answer's rows share it."""
    if request is None:
        return RecordClock.read()
    clock = getattr(request, "record_clock", None)
    if clock is None:
        clock = request.record_clock = RecordClock.read()
    return clock


class WorkstreamFilter(ReferenceFilters):
    tagged_as = "workstream"
    search = django_filters.CharFilter(
        label=_("Search"),
        method="search_filter",
        max_length=200,
        help_text=_("Title, description or lead."),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=WorkstreamKind.choices)
    lead = django_filters.ModelChoiceFilter(
        label=_("Lead entity"),
        field_name="lead_entities",
        to_field_name="slug",
        queryset=Entity.objects.order_by("slug"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        method="status_filter",
        help_text=_("Now, or at the meeting chosen."),
    )
    standing = django_filters.ChoiceFilter(
        label=_("Reported or silent"),
        choices=Standing.choices,
        method="standing_filter",
        help_text=_(
            "Reported in the latest SOM cycle with a record, silent for one cycle or more, "
            "proposed, concluded or closed, or with no record."
        ),
    )
    mandate = django_filters.ChoiceFilter(
        label=_("Mandate"),
        choices=MandateNow.choices,
        method="mandate_filter",
        help_text=_(
            "Live (no end on record, or runs to the next SOM or later), ending at the next SOM "
            "with no renewal on record, or lapsed."
        ),
    )
    meeting = MeetingChoiceFilter(
        label=_("At meeting"), method="meeting_filter", help_text=_("With a record at it.")
    )
    year = whole_number(
        label=_("Year"),
        method="year_filter",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
        help_text=_("With a record at a meeting that year."),
    )

    class Meta:
        model = Workstream
        fields = ["search", "kind", "lead", "status", "standing", "mandate", "meeting", "year"]

    @cached_property
    def clock(self) -> RecordClock:
        return request_clock(self.request)

    def search_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: str
    ) -> WorkstreamQuerySet:
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
        # current_status is status_now by another name: filtered on the field the stubs know
        # (as at a meeting, on the status then: the clock's fields).
        return queryset.with_current_status().filter(**{self.clock.fields.status: value})

    def standing_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: str
    ) -> WorkstreamQuerySet:
        return queryset.filter(self.clock.standing_q(value))

    def mandate_filter(
        self, queryset: WorkstreamQuerySet, name: str, value: str
    ) -> WorkstreamQuerySet:
        return queryset.filter(self.clock.mandate_q(value))

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


class ProgressUpdateFilter(ReferenceFilters):
    tagged_as = "update"
    meeting = slug_choice(Meeting.objects.all(), _("Meeting"))
    workstream = slug_choice(Workstream.objects.all(), _("Workstream"))
    entity = slug_choice(Entity.objects.all(), _("Presenting entity"))
    status = django_filters.ChoiceFilter(choices=Status.choices)
    state = django_filters.ChoiceFilter(
        choices=EditorialState.choices, help_text=_("Anonymous clients see published only.")
    )

    class Meta:
        model = ProgressUpdate
        fields = ["meeting", "workstream", "entity", "status", "state"]


class DecisionFilter(ReferenceFilters):
    tagged_as = "decision"
    meeting = slug_choice(Meeting.objects.all(), _("Meeting"))
    workstream = slug_choice(Workstream.objects.all(), _("Workstream"))
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices)

    class Meta:
        model = Decision
        fields = ["meeting", "workstream", "kind"]


class ProposalFilter(django_filters.FilterSet):
    meeting = slug_choice(Meeting.objects.all(), _("Meeting"))
    workstream = slug_choice(Workstream.objects.all(), _("Workstream"))
    entity = slug_choice(Entity.objects.all(), _("Entity"))
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices)

    class Meta:
        model = Proposal
        fields = ["meeting", "workstream", "entity", "kind"]


class EventFilter(django_filters.FilterSet):
    workstream = slug_choice(Workstream.objects.all(), _("Workstream"))
    kind = django_filters.ChoiceFilter(choices=WorkstreamEvent.Kind.choices)
    role = django_filters.ChoiceFilter(
        choices=WorkstreamEvent.Role.choices,
        help_text=_("Organised by the workstream, or only related by the report."),
    )

    class Meta:
        model = WorkstreamEvent
        fields = ["workstream", "kind", "role"]
