"""The API's workstreams and their timeline: status now, first and last meeting, and the
status at every meeting."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emgtracker.links import IdentityLinkField
from workstreams.cells import RecordCell, cells_for
from workstreams.models import Status, Workstream
from workstreams.serializers.progress import DecisionSerializer, ProvenanceSerializer


class WorkstreamSerializer(serializers.ModelSerializer[Workstream]):
    # ``parent`` and ``successor`` are other workstreams, named by slug. Declared through
    # Meta.extra_kwargs (a field named ``parent`` would hide Field.parent), without the model's
    # help text, which the published schema has never carried.
    serializer_related_field = serializers.SlugRelatedField
    url = IdentityLinkField(view_name="api:workstream-detail", lookup_field="slug")
    lead_entities = serializers.SerializerMethodField()
    status_now = serializers.SerializerMethodField()
    first_meeting = serializers.SerializerMethodField()
    last_meeting = serializers.SerializerMethodField()

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
            "status_now",
            "first_meeting",
            "last_meeting",
            "also_known_as",
            "description",
        ]
        extra_kwargs = {
            "parent": {"slug_field": "slug", "read_only": True, "help_text": None},
            "successor": {"slug_field": "slug", "read_only": True, "help_text": None},
        }

    def get_lead_entities(self, workstream: Workstream) -> list[str]:
        return [lead.entity.slug for lead in workstream.leads.all()]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status_now(self, workstream: Workstream) -> str | None:
        return getattr(workstream, "current_status", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_meeting(self, workstream: Workstream) -> str | None:
        meeting = workstream.first_meeting
        return meeting.slug if meeting else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_meeting(self, workstream: Workstream) -> str | None:
        meeting = workstream.last_meeting
        return meeting.slug if meeting else None


class TimelineCellSerializer(serializers.Serializer[RecordCell]):
    """A workstream at one meeting: its status and what the status rests on."""

    meeting = serializers.CharField(source="meeting.slug")
    meeting_label = serializers.CharField(source="meeting.short_label")
    date = serializers.DateField(source="meeting.date")
    status = serializers.SerializerMethodField()
    basis = serializers.SerializerMethodField()
    presenter = serializers.SerializerMethodField()
    entity = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    next_steps = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    provenance = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status(self, cell: RecordCell) -> str | None:
        return cell.entry.status if cell.entry else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_basis(self, cell: RecordCell) -> str | None:
        return cell.entry.basis if cell.entry else None

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

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, cell: RecordCell) -> list[dict[str, Any]]:
        return list(DecisionSerializer(cell.decisions, many=True).data)

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_provenance(self, cell: RecordCell) -> Any:
        record = cell.entry.record if cell.entry else None
        # An update sent through the workspace has no report behind it until the record has one.
        return ProvenanceSerializer(record).data if record and record.source_id else None


class TimelineRowSerializer(serializers.ModelSerializer[Workstream]):
    """A row of ``/api/v1/timeline/``, the whole matrix: a workstream and its status at every
    meeting (null: no record)."""

    serializer_related_field = serializers.SlugRelatedField  # ``parent``, by slug, as above
    cells = serializers.SerializerMethodField()

    class Meta:
        model = Workstream
        fields = ["slug", "title", "kind", "parent", "cells"]
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
