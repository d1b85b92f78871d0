from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from emgtracker.rest import APIConventions, RulesPermission
from emgtracker.values import Row, ValuesList
from meetings.models import Meeting
from workstreams import services
from workstreams.as_at_api import AS_AT_PARAMETER, AsAtView, row_then
from workstreams.cells import RecordCell, cells_for
from workstreams.filters import (
    DecisionFilter,
    EventFilter,
    ProgressUpdateFilter,
    ProposalFilter,
    WorkstreamFilter,
    request_clock,
)
from workstreams.models import (
    Decision,
    Job,
    ProgressInput,
    ProgressUpdate,
    Proposal,
    Workstream,
    WorkstreamEvent,
)
from workstreams.models.references import tags_prefetch
from workstreams.permissions import progress_updates_visible_to
from workstreams.serializers.jobs import JobSerializer
from workstreams.serializers.progress import (
    DecisionSerializer,
    ProgressUpdateEditSerializer,
    ProgressUpdateSerializer,
    ProposalSerializer,
    ReturnToDraftSerializer,
)
from workstreams.serializers.rows import (
    DECISION_VALUES,
    UPDATE_VALUES,
    WORKSTREAM_VALUES,
    decision_rows,
    update_rows,
    workstream_rows,
)
from workstreams.serializers.standing import EventSerializer
from workstreams.serializers.timeline import (
    TimelineCellSerializer,
    TimelineRowSerializer,
    WorkstreamDetailSerializer,
    WorkstreamSerializer,
)

# A row's cross-references, with their references and sources: one query a page.
TAGS = tags_prefetch()


@extend_schema_view(
    list=extend_schema(summary="List workstreams", parameters=[AS_AT_PARAMETER]),
    retrieve=extend_schema(summary="Get a workstream", parameters=[AS_AT_PARAMETER]),
)
class WorkstreamViewSet(
    AsAtView, ValuesList, APIConventions, viewsets.ReadOnlyModelViewSet[Workstream]
):
    """Workstreams with their leads, status now, standing and mandates; filtered as the
    /workstreams/ page is. One workstream also carries its dated events. ``?as_at=``: as they
    stood right after a meeting."""

    serializer_class = WorkstreamSerializer
    list_values = WORKSTREAM_VALUES
    lookup_field = "slug"
    filterset_class = WorkstreamFilter
    ordering_fields = ["title", "short_title", "kind", "slug"]

    def get_queryset(self) -> QuerySet[Workstream]:
        as_at = self.as_at
        decisions = Decision.objects.select_related("meeting", "source__meeting")
        events = WorkstreamEvent.objects.select_related("workstream", "source__meeting")
        if as_at:
            decisions = decisions.filter(meeting__in=as_at.ids)
            events = events.filter(Q(source__isnull=True) | Q(source__meeting__in=as_at.ids))
        queryset = (
            Workstream.objects.for_list(as_at.meetings if as_at else None)
            .select_related("last_record_meeting")
            .prefetch_related(Prefetch("decisions", queryset=decisions), TAGS)
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("events", queryset=events.in_date_order())
            )
        return as_at.annotate(queryset) if as_at else queryset

    def row_values(self) -> tuple[str, ...]:
        then = ("then_status", "then_meeting") if self.as_at else ()
        return (*self.list_values, *then)

    def get_serializer_class(self) -> type[WorkstreamSerializer]:
        return WorkstreamDetailSerializer if self.action == "retrieve" else WorkstreamSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        # The record's clock, read once for the request (the filters read the same), not a row.
        context = {**super().get_serializer_context(), "clock": request_clock(self.request)}
        return {**context, "as_at": self.as_at} if self.as_at else context

    def list_rows(self, rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
        as_at = self.as_at
        return workstream_rows([row_then(r, as_at) for r in rows] if as_at else rows, serializer)

    @extend_schema(
        summary="Get a workstream's timeline",
        responses=TimelineCellSerializer(many=True),
        filters=False,
        parameters=[AS_AT_PARAMETER],
    )
    @action(detail=True, filterset_class=None, pagination_class=None, ordering_fields=[])
    def timeline(self, request: Request, slug: str | None = None) -> Response:
        """One entry per meeting: status, presenter and entity, summary, decisions, provenance."""
        workstream = get_object_or_404(Workstream.objects.for_detail(), slug=slug)
        meetings = self.as_at.meetings if self.as_at else list(Meeting.objects.for_timeline())
        updates = {u.meeting_id: u for u in workstream.updates.all()}
        decisions: dict[int, list[Decision]] = {}
        for decision in workstream.decisions.all():
            decisions.setdefault(decision.meeting_id, []).append(decision)
        cells = [
            RecordCell(
                c.meeting, c.entry, updates.get(c.meeting.pk), decisions.get(c.meeting.pk, [])
            )
            for c in cells_for(workstream, meetings)
        ]
        return Response(TimelineCellSerializer.many_init(cells).data)


@extend_schema_view(
    list=extend_schema(summary="List the timeline matrix", parameters=[AS_AT_PARAMETER])
)
class TimelineViewSet(AsAtView, APIConventions, viewsets.GenericViewSet[Workstream]):
    """The whole matrix: one row per workstream, one status per meeting. ``?as_at=``: the
    meetings up to one only, and the filters on the statuses then."""

    serializer_class = TimelineRowSerializer
    filterset_class = WorkstreamFilter
    ordering_fields = ["title", "kind", "slug"]

    def get_queryset(self) -> QuerySet[Workstream]:
        as_at = self.as_at
        rows = Workstream.objects.for_timeline(as_at.meetings if as_at else None)
        return (as_at.annotate(rows) if as_at else rows).order_by("title")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "meetings": self.meetings}

    def list(self, request: Request) -> Response:
        self.meetings = self.as_at.meetings if self.as_at else list(Meeting.objects.for_timeline())
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List progress updates"),
    retrieve=extend_schema(summary="Get a progress update"),
    create=extend_schema(summary="Write a progress update"),
    update=extend_schema(summary="Replace a progress update"),
    partial_update=extend_schema(summary="Edit a progress update"),
)
class ProgressUpdateViewSet(
    ValuesList,
    APIConventions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[ProgressUpdate],
):
    """Progress updates. Anonymous clients read published ones; a login also reads those it may
    see in the workspace. Writes follow the workspace's rules and editorial workflow."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    ordering_fields = ["published_at", "meeting_date", "workstream_title"]
    ordering = ["meeting_date", "workstream_title"]
    list_values = (*UPDATE_VALUES, "meeting_date", "workstream_title")

    def list_rows(self, rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
        return update_rows(rows, serializer)

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        public = Q(state=ProgressUpdate.State.PUBLISHED)
        user = self.request.user
        if user.is_authenticated:
            public |= Q(pk__in=progress_updates_visible_to(user).values("pk"))
        # Whether an update has co-lead inputs, so the list reads them only for those that do.
        has_sources = Exists(ProgressInput.objects.filter(merged_into=OuterRef("pk")))
        return (
            ProgressUpdate.objects.filter(public)
            .with_relations()
            .annotate(has_sources=has_sources)
            .prefetch_related(TAGS)
        )

    def get_serializer_class(self) -> type[ProgressUpdateSerializer]:
        if self.action in {"update", "partial_update"}:
            return ProgressUpdateEditSerializer
        return ProgressUpdateSerializer

    def _step(self, step: Any, **kwargs: Any) -> Response:
        update = step(update=self.get_object(), by=self.request.user, **kwargs)
        return Response(self.get_serializer(update).data)

    @extend_schema(
        summary="Submit a progress update for review",
        request=None,
        responses={200: ProgressUpdateSerializer, 400: OpenApiResponse(description="Not a draft")},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft for review (its focal point or the secretariat)."""
        return self._step(services.progress_update_submit)

    @extend_schema(
        summary="Publish a progress update",
        request=None,
        responses={
            200: ProgressUpdateSerializer,
            400: OpenApiResponse(description="Not submitted"),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Make a submitted update public (the secretariat)."""
        return self._step(services.progress_update_publish)

    @extend_schema(
        summary="Return a progress update to draft",
        request=ReturnToDraftSerializer,
        responses={200: ProgressUpdateSerializer},
    )
    @action(detail=True, methods=["post"], url_path="return-to-draft", filterset_class=None)
    def return_to_draft(self, request: Request, pk: str | None = None) -> Response:
        """Send a submitted or published update back to its authors, saying why."""
        reason = ReturnToDraftSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._step(
            services.progress_update_return_to_draft, reason=reason.validated_data["reason"]
        )


@extend_schema_view(
    list=extend_schema(summary="List decisions"), retrieve=extend_schema(summary="Get a decision")
)
class DecisionViewSet(ValuesList, APIConventions, viewsets.ReadOnlyModelViewSet[Decision]):
    """What the Senior Officials decided about workstreams, with provenance."""

    queryset = Decision.objects.with_relations().prefetch_related(TAGS)
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["meeting_date", "workstream_title", "kind"]
    ordering = ["meeting_date", "workstream_title", "kind"]
    list_values = (*DECISION_VALUES, "meeting_date", "workstream_title")

    def list_rows(self, rows: list[Row], serializer: Serializer[Any]) -> list[Row]:
        return decision_rows(rows, serializer)


@extend_schema_view(
    list=extend_schema(summary="List workstream events"),
    retrieve=extend_schema(summary="Get a workstream event"),
)
class EventViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[WorkstreamEvent]):
    """The dated events the reports name in a workstream's section: the workstream's own
    meetings, workshops and dialogues, and the events outside the EMG a report relates."""

    queryset = WorkstreamEvent.objects.with_relations().in_date_order()
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["date", "title", "kind"]
    ordering = ["date", "start_time", "title"]


@extend_schema_view(
    list=extend_schema(summary="List proposals"), retrieve=extend_schema(summary="Get a proposal")
)
class ProposalViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[Proposal]):
    """Concept notes, topics and themes put to meetings."""

    queryset = Proposal.objects.with_relations()
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["meeting_date", "position", "kind", "title"]
    ordering = ["meeting_date", "position"]


class BriefingPackViewSet(APIConventions, viewsets.GenericViewSet[Job]):
    """Ask for a meeting's briefing pack (the secretariat). A worker compiles it: follow the job."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None

    @extend_schema(
        summary="Ask for a meeting's briefing pack", request=None, responses={202: JobSerializer}
    )
    def create(self, request: Request, meeting_slug: str) -> Response:
        meeting = get_object_or_404(Meeting, slug=meeting_slug)
        job = services.briefing_pack_request(meeting=meeting, by=request.user)
        data = self.get_serializer(job).data
        # A plain str: WSGI servers refuse a header value of a str subclass (DRF's Hyperlink).
        return Response(data, status=202, headers={"Location": str(data["url"])})


@extend_schema_view(
    list=extend_schema(summary="List jobs"), retrieve=extend_schema(summary="Get a job")
)
class JobViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[Job]):
    """Background jobs and their state, for the secretariat and viewers."""

    serializer_class = JobSerializer
    permission_classes = [RulesPermission]
    filterset_class = None
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.select_related("meeting").prefetch_related("documents__meeting")
