"""The API of co-lead inputs: each focal point's own, every one for the secretariat, none for an
anonymous client; and the secretariat's merge into the one progress update (docs/api.md,
"Co-lead inputs"). Beside ``api.py``, which holds the record's other endpoints."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.rest import APIConventions, RulesPermission
from workstreams import services
from workstreams.models import InputState, ProgressInput
from workstreams.permissions import progress_inputs_visible_to
from workstreams.serializers.inputs import MergeSerializer, ProgressInputSerializer
from workstreams.serializers.progress import ProgressUpdateSerializer


class ProgressInputFilter(django_filters.FilterSet):
    workstream = django_filters.CharFilter(
        field_name="workstream__slug", max_length=200, help_text="A workstream's slug."
    )
    meeting = django_filters.CharFilter(
        field_name="meeting__slug", max_length=200, help_text="A meeting's slug."
    )
    entity = django_filters.CharFilter(
        field_name="entity__slug", max_length=200, help_text="An entity's slug."
    )
    state = django_filters.ChoiceFilter(choices=InputState.choices, help_text="Draft or submitted.")

    class Meta:
        model = ProgressInput
        fields = ["workstream", "meeting", "entity", "state"]


@extend_schema_view(
    list=extend_schema(summary="List co-lead inputs"),
    retrieve=extend_schema(summary="Get a co-lead input"),
    create=extend_schema(summary="Draft a co-lead input"),
    update=extend_schema(summary="Replace a co-lead input"),
    partial_update=extend_schema(summary="Edit a co-lead input"),
)
class ProgressInputViewSet(
    APIConventions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[ProgressInput],
):
    """Co-lead inputs: one per lead entity of a workstream at a meeting. A focal point drafts
    and submits its own entity's and sees the submitted ones of its co-leads; the secretariat
    sees all and merges them. An anonymous client sees none."""

    serializer_class = ProgressInputSerializer
    permission_classes = [RulesPermission]
    rules_verbs = {"submit": "submit", "merge": "merge"}
    filterset_class = ProgressInputFilter
    ordering_fields = ["created_at", "updated_at", "submitted_at"]
    ordering = ["pk"]

    def get_queryset(self) -> QuerySet[ProgressInput]:
        return progress_inputs_visible_to(self.request.user).with_relations()

    @extend_schema(
        summary="Submit a co-lead input",
        request=None,
        responses={
            200: ProgressInputSerializer,
            400: OpenApiResponse(description="Not a draft"),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft input to the secretariat (its focal point, or the secretariat)."""
        row = services.progress_input_submit(progress_input=self.get_object(), by=request.user)
        return Response(self.get_serializer(row).data)

    @extend_schema(
        summary="Merge co-lead inputs into the progress update",
        request=MergeSerializer,
        responses={
            200: ProgressUpdateSerializer,
            400: OpenApiResponse(description="Nothing to merge, or the update is published"),
        },
        filters=False,
    )
    @action(detail=False, methods=["post"], filterset_class=None, ordering_fields=[])
    def merge(self, request: Request) -> Response:
        """The secretariat merges the submitted inputs of a workstream at a meeting into its
        one progress update (created or edited; a draft, or submitted with ``submit``), which
        keeps them as its sources. Publishing stays ``POST /api/v1/updates/{id}/publish/``."""
        merge = MergeSerializer(data=request.data)
        merge.is_valid(raise_exception=True)
        update = services.progress_inputs_merge(**merge.validated_data, by=request.user)
        context: dict[str, Any] = self.get_serializer_context()
        return Response(ProgressUpdateSerializer(update, context=context).data)
