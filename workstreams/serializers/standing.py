"""What the API says a workstream's record rests on: its leads with their basis, where it
stands now (reported or silent), its mandate now and the mandate periods its decisions open,
renew and close, and the dated events its section of a report names.

Every fact carries ``evidence`` (stated, inferred, not stated) and ``evidence_reason`` (why we
read it so; "" when stated), the one shape ``EVIDENCE_FIELDS`` gives (docs/record.md)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emgtracker.translated_api import TranslatedFields, missing_translations_field
from meetings.models import Evidence, Meeting
from workstreams.models import Decision, MandateState, MandateTerm, WorkstreamEvent, WorkstreamLead
from workstreams.serializers.provenance import ProvenanceSerializer
from workstreams.services.mandates import MandatePeriod
from workstreams.standing import MandateNow, Standing, WorkstreamStanding

# The fields every sourced row and timeline entry names its basis by.
EVIDENCE_FIELDS = ["evidence", "evidence_reason"]
EVIDENCE_HELP = "Stated: the report says it. Inferred: our reading of it. Not stated."
REASON_HELP = "Why we read it so, in one line; empty when stated."


def evidence_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=Evidence.choices, help_text=EVIDENCE_HELP, **kwargs)


def reason_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(help_text=REASON_HELP, allow_blank=True, **kwargs)


class LeadSerializer(serializers.ModelSerializer[WorkstreamLead]):
    """An entity that leads (or co-leads) the workstream, and where the record names it."""

    entity = serializers.CharField(source="entity.slug")
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = WorkstreamLead
        fields = ["entity", "role", *EVIDENCE_FIELDS, "provenance"]


def _slug(meeting: Meeting | None) -> str | None:
    return meeting.slug if meeting is not None else None


class StandingSerializer(serializers.Serializer[WorkstreamStanding]):
    """Where the workstream stands now, read against the record's latest meeting."""

    standing = serializers.ChoiceField(choices=Standing.choices)
    text = serializers.CharField(
        help_text="Status now, in words: 'Active at SOM29 mid-term', or 'Last reported at SOM28 "
        "mid-term, silent since (…)'."
    )
    last_record_meeting = serializers.SerializerMethodField()
    silent_cycles = serializers.IntegerField(
        source="cycles",
        allow_null=True,
        help_text="SOM cycles since its latest meeting with a record; null with no record.",
    )
    not_listed_at = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_record_meeting(self, standing: WorkstreamStanding) -> str | None:
        return _slug(standing.meeting)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="The latest meeting, whose report lists every ongoing workstream, where "
            "this silent one is not listed.",
        )
    )
    def get_not_listed_at(self, standing: WorkstreamStanding) -> str | None:
        return _slug(standing.not_listed_at)


class MandateNowSerializer(serializers.Serializer[dict[str, Any]]):
    """The workstream's mandate now, from its last mandate period."""

    state = serializers.ChoiceField(
        choices=[("", "No mandate on record, or concluded"), *MandateNow.choices],
        help_text="Live, ending at the next SOM with no renewal on record, or lapsed.",
    )
    kept = serializers.ChoiceField(
        choices=MandateState.choices,
        help_text="As the workstream keeps it: none, open-ended, until a SOM, or concluded.",
    )
    until_som = serializers.IntegerField(allow_null=True, help_text="The SOM it runs to.")
    reported_after_lapse = serializers.BooleanField(
        help_text="Work reported at a meeting after its mandate lapsed."
    )


class MandateDecisionSerializer(TranslatedFields, serializers.ModelSerializer[Decision]):
    """The decision that opened, renewed or closed a mandate period: its lineage."""

    translated_fields = Decision.TRANSLATED_FIELDS
    meeting = serializers.CharField(source="meeting.slug")
    evidence = evidence_field()
    evidence_reason = reason_field()
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)
    missing_translations = missing_translations_field()

    class Meta:
        model = Decision
        fields = ["kind", "meeting", "text", *EVIDENCE_FIELDS, "provenance", "missing_translations"]


class MandatePeriodSerializer(serializers.Serializer[MandatePeriod]):
    opened_by = MandateDecisionSerializer()
    term = serializers.ChoiceField(choices=MandateTerm.choices)
    starts_at_som = serializers.IntegerField()
    ends_at_som = serializers.IntegerField(
        allow_null=True, help_text="Null: open-ended, or its end is not stated (see term)."
    )
    closed_by = MandateDecisionSerializer(allow_null=True)
    renewed = serializers.BooleanField(source="is_renewed")
    concluded = serializers.BooleanField(source="is_concluded")


class EventSerializer(serializers.ModelSerializer[WorkstreamEvent]):
    """A dated event named in a workstream's section of a report."""

    workstream = serializers.CharField(source="workstream.slug")
    date_display = serializers.CharField(help_text="The date as precisely as the report gives it.")
    evidence = evidence_field()
    evidence_reason = reason_field()
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = WorkstreamEvent
        fields = [
            "id",
            "workstream",
            "kind",
            "role",
            "title",
            "date",
            "date_precision",
            "end_date",
            "date_display",
            "start_time",
            "time_zone",
            "place",
            *EVIDENCE_FIELDS,
            "provenance",
        ]


class StandingShapes:
    """The two serializers ``standing_data`` shapes with, built once for a page of rows (each
    serializer built copies its fields: two a row cost more than the rows' SQL)."""

    def __init__(self) -> None:
        self.standing = StandingSerializer()
        self.mandate = MandateNowSerializer()


def standing_data(
    standing: WorkstreamStanding, *, kept: str, shapes: StandingShapes | None = None
) -> tuple[Any, Any]:
    """``standing`` and ``mandate`` of a workstream, as the API gives them (``kept``: the
    mandate the workstream keeps)."""
    shapes = shapes or StandingShapes()
    mandate = {
        "state": standing.mandate,
        "kept": kept,
        "until_som": standing.mandate_until,
        "reported_after_lapse": standing.reported_after_lapse,
    }
    return shapes.standing.to_representation(standing), shapes.mandate.to_representation(mandate)
