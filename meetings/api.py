from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from emgtracker.rest import APIConventions
from meetings.filters import EntityFilter, MeetingFilter, ParticipantFilter
from meetings.models import Attendance, Document, Entity, Meeting
from meetings.serializers import EntitySerializer, MeetingSerializer, ParticipantSerializer


@extend_schema_view(
    list=extend_schema(summary="List meetings"), retrieve=extend_schema(summary="Get a meeting")
)
class MeetingViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[Meeting]):
    """Senior Officials Meeting segments, held or planned."""

    serializer_class = MeetingSerializer
    lookup_field = "slug"
    filterset_class = MeetingFilter
    ordering_fields = ["date", "som_number", "segment", "title"]
    ordering = ["date", "som_number"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.select_related("chair", "opened_by", "status_source__meeting")
            .prefetch_related(Prefetch("documents", queryset=Document.objects.for_meeting()))
            .order_by("date", "som_number")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        # One today for the whole answer: a list read across midnight says one thing.
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema_view(list=extend_schema(summary="List a meeting's participants"))
class ParticipantViewSet(
    APIConventions, mixins.ListModelMixin, viewsets.GenericViewSet[Attendance]
):
    """A meeting's list of participants: name and entity of each, as the list gives them."""

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    ordering_fields = ["list_number", "name", "listed_affiliation"]

    def get_queryset(self) -> QuerySet[Attendance]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no meeting
            return Attendance.objects.none()
        meeting = get_object_or_404(Meeting, slug=self.kwargs["meeting_slug"])
        return (
            Attendance.objects.filter(meeting=meeting)
            .select_related("person", "entity")
            .annotate(name=F("person__name"))
            .order_by("list_number", "name")
        )


@extend_schema_view(
    list=extend_schema(summary="List entities"), retrieve=extend_schema(summary="Get an entity")
)
class EntityViewSet(APIConventions, viewsets.ReadOnlyModelViewSet[Entity]):
    """UN entities and other organisations in the record."""

    queryset = Entity.objects.order_by("slug")
    serializer_class = EntitySerializer
    lookup_field = "slug"
    filterset_class = EntityFilter
    ordering_fields = ["slug", "acronym", "name"]
