"""The API's workstreams and their timeline: status now, first and last meeting, and the
status at every meeting."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emgtracker.links import IdentityLinkField
from emgtracker.translated_api import TranslatedFields, missing_translations_field
from meetings.models import Evidence
from workstreams.cells import RecordCell, cells_for
from workstreams.models import ProgressUpdate, Status, Workstream
from workstreams.serializers.progress import TimelineDecisionSerializer
from workstreams.serializers.provenance import ProvenanceSerializer
from workstreams.serializers.references import tags_field
from workstreams.serializers.standing import (
    EventSerializer,
    LeadSerializer,
    MandateNowSerializer,
    MandatePeriodSerializer,
    StandingSerializer,
    evidence_field,
    reason_field,
    standing_data,
)
from workstreams.services.mandates import mandate_periods
from workstreams.standing import RecordClock


def record_clock(context: dict[str, Any]) -> RecordClock:
    """The record's clock, read once per request: the view puts it in the serializer's
    context; a serializer used without one reads it once and keeps it there."""
    clock = context.get("clock")
    if clock is None:
        clock = context["clock"] = RecordClock.read()
    return clock


class WorkstreamSerializer(TranslatedFields, serializers.ModelSerializer[Workstream]):
    # ``parent`` and ``successor`` are other workstreams, named by slug. Declared through
    # Meta.extra_kwargs (a field named ``parent`` would hide Field.parent), without the model's
    # help text, which the published schema has never carried.
    serializer_related_field = serializers.SlugRelatedField
    translated_fields = Workstream.TRANSLATED_FIELDS
    url = IdentityLinkField(view_name="api:workstream-detail", lookup_field="slug")
    lead_entities = serializers.SerializerMethodField()
    leads = LeadSerializer(many=True, read_only=True)
    status_now = serializers.SerializerMethodField()
    standing = serializers.SerializerMethodField()
    mandate = serializers.SerializerMethodField()
    mandates = serializers.SerializerMethodField()
    first_meeting = serializers.SerializerMethodField()
    last_meeting = serializers.SerializerMethodField()
    references = tags_field()
    missing_translations = missing_translations_field()

    class Meta:
        model = Workstream
        fields = [
            "slug",
            "url",
            "title",
            "short_title",
            "kind",
            "parent",
            "successor",
            "lead_entities",
            "leads",
            "status_now",
            "standing",
            "mandate",
            "mandates",
            "first_meeting",
            "last_meeting",
            "also_known_as",
            "description",
            "references",
            "missing_translations",
        ]
        extra_kwargs = {
            "parent": {"slug_field": "slug", "read_only": True, "help_text": None},
            "successor": {"slug_field": "slug", "read_only": True, "help_text": None},
        }

    def to_representation(self, instance: Workstream) -> Any:
        as_at = self.context.get("as_at")
        # As at a meeting (workstreams/as_at_api.py): its status and mandate then.
        return super().to_representation(as_at.stand(instance) if as_at else instance)

    def get_lead_entities(self, workstream: Workstream) -> list[str]:
        return [lead.entity.slug for lead in workstream.leads.all()]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status_now(self, workstream: Workstream) -> str | None:
        return getattr(workstream, "current_status", None)

    def _standing(self, workstream: Workstream) -> tuple[Any, Any]:
        # ``standing`` and ``mandate`` are read together; the second asks the first's answer.
        kept = getattr(self, "_kept", None)
        if kept is None or kept[0] is not workstream:
            standing = record_clock(self.context).standing_of(workstream)
            kept = self._kept = (workstream, standing_data(standing, kept=workstream.mandate))
        return kept[1]

    @extend_schema_field(StandingSerializer)
    def get_standing(self, workstream: Workstream) -> Any:
        return self._standing(workstream)[0]

    @extend_schema_field(MandateNowSerializer)
    def get_mandate(self, workstream: Workstream) -> Any:
        return self._standing(workstream)[1]

    @extend_schema_field(MandatePeriodSerializer(many=True))
    def get_mandates(self, workstream: Workstream) -> Any:
        periods = mandate_periods(workstream.decisions.all())
        return MandatePeriodSerializer.many_init(periods, context=self.context).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_meeting(self, workstream: Workstream) -> str | None:
        meeting = workstream.first_meeting
        return meeting.slug if meeting else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_meeting(self, workstream: Workstream) -> str | None:
        meeting = workstream.last_meeting
        return meeting.slug if meeting else None


class WorkstreamDetailSerializer(WorkstreamSerializer):
    """One workstream: as in the list, with the dated events its reports name."""

    events = EventSerializer(many=True, read_only=True)

    class Meta(WorkstreamSerializer.Meta):
        fields = [*WorkstreamSerializer.Meta.fields, "events"]


class TimelineCellSerializer(TranslatedFields, serializers.Serializer[RecordCell]):
    """A workstream at one meeting: its status and what the status rests on."""

    translated_fields = ProgressUpdate.TRANSLATED_FIELDS
    meeting = serializers.CharField(source="meeting.slug")
    meeting_label = serializers.CharField(source="meeting.short_label")
    date = serializers.DateField(source="meeting.date")
    status = serializers.SerializerMethodField()
    basis = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    evidence_reason = serializers.SerializerMethodField()
    presenter = serializers.SerializerMethodField()
    entity = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField()
    missing_translations = missing_translations_field()

    def translated_object(self, instance: RecordCell) -> ProgressUpdate | None:
        return instance.update

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status(self, cell: RecordCell) -> str | None:
        return cell.entry.status if cell.entry else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_basis(self, cell: RecordCell) -> str | None:
        return cell.entry.basis if cell.entry else None

    @extend_schema_field(evidence_field())
    def get_evidence(self, cell: RecordCell) -> str:
        # No entry: the record says nothing of the workstream at this meeting.
        return cell.entry.evidence if cell.entry else Evidence.NOT_STATED

    @extend_schema_field(reason_field())
    def get_evidence_reason(self, cell: RecordCell) -> str:
        return cell.entry.evidence_reason if cell.entry else ""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_presenter(self, cell: RecordCell) -> str | None:
        update = cell.update
        return update.presenter.name if update and update.presenter else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_entity(self, cell: RecordCell) -> str | None:
        update = cell.update
        return update.entity.slug if update and update.entity else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_summary(self, cell: RecordCell) -> str | None:
        update = cell.update
        return update.summary if update else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_next_steps(self, cell: RecordCell) -> str | None:
        update = cell.update
        return update.next_steps if update else None

    @extend_schema_field(TimelineDecisionSerializer(many=True))
    def get_decisions(self, cell: RecordCell) -> list[dict[str, Any]]:
        return list(
            TimelineDecisionSerializer(cell.decisions, many=True, context=self.context).data
        )

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_provenance(self, cell: RecordCell) -> Any:
        record = cell.entry.record if cell.entry else None
        # An update sent through the workspace has no report behind it until the record has one.
        return ProvenanceSerializer(record).data if record and record.source_id else None


class CellEvidenceSerializer(serializers.Serializer[Any]):
    evidence = evidence_field()
    evidence_reason = reason_field()


class TimelineRowSerializer(TranslatedFields, serializers.ModelSerializer[Workstream]):
    """A row of ``/api/v1/timeline/``, the whole matrix: a workstream and its status at every
    meeting (null: no record)."""

    serializer_related_field = serializers.SlugRelatedField  # ``parent``, by slug, as above
    translated_fields = ("title",)
    cells = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    missing_translations = missing_translations_field()

    class Meta:
        model = Workstream
        fields = ["slug", "title", "kind", "parent", "cells", "evidence", "missing_translations"]
        extra_kwargs = {"parent": {"slug_field": "slug", "read_only": True, "help_text": None}}

    @extend_schema_field(
        serializers.DictField(
            child=serializers.ChoiceField(choices=Status.choices, allow_null=True),
            help_text="Meeting slug → status, in date order; null where the record is silent.",
        )
    )
    def get_cells(self, workstream: Workstream) -> dict[str, str | None]:
        cells = cells_for(workstream, self.context["meetings"])
        return {c.meeting.slug: c.entry.status if c.entry else None for c in cells}

    @extend_schema_field(
        serializers.DictField(
            child=CellEvidenceSerializer(),
            help_text="Meeting slug → the basis of its status, for the cells with a record.",
        )
    )
    def get_evidence(self, workstream: Workstream) -> dict[str, dict[str, str]]:
        return {
            entry.meeting.slug: {
                "evidence": entry.evidence,
                "evidence_reason": entry.evidence_reason,
            }
            for entry in workstream.timeline_entries.all()
        }
