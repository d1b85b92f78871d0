"""``/api/v1/intakes/``: meeting reports taken in by the secretariat, their extracted items and
matches, and applying the accepted ones (docs/intake.md, docs/api.md)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from emgtracker.parsers import JSONParser
from emgtracker.rest import APIConventions, RulesPermission
from intake.apply import intake_apply
from intake.items import intake_payload
from intake.models import Intake
from intake.reading import ReportUnreadable, size_check
from intake.services import intake_upload
from meetings.models import Meeting


class IntakeUploadSerializer(serializers.Serializer[Any]):
    # An empty file is refused by the intake's reader, with the reader's message.
    file = serializers.FileField(
        allow_empty_file=True, help_text="The meeting report: a .docx, .pdf or .txt file."
    )
    meeting = serializers.SlugRelatedField[Meeting](
        slug_field="slug",
        queryset=Meeting.objects.all(),
        required=False,
        allow_null=True,
        help_text="The meeting the report is of; left out, the one the report names.",
    )


class IntakeSummarySerializer(serializers.ModelSerializer[Intake]):
    meeting = serializers.SlugRelatedField[Meeting](slug_field="slug", read_only=True)

    class Meta:
        model = Intake
        fields = ["id", "file_name", "file_format", "state", "error", "meeting", "uploaded_at"]


class IntakeSerializer(serializers.Serializer[Any]):
    """An intake and every item read from it, each with its values as written, its matches
    (status, key, confidence, candidates), its source lines and text, and its decision."""

    id = serializers.IntegerField()
    file_name = serializers.CharField()
    format = serializers.CharField()
    state = serializers.ChoiceField(choices=Intake.State.choices)
    error = serializers.CharField()
    lines = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField())
    uploaded_at = serializers.DateTimeField(allow_null=True)
    meeting = serializers.DictField(allow_null=True)
    documents = serializers.ListField(child=serializers.DictField())
    agenda = serializers.ListField(child=serializers.DictField())
    participants = serializers.ListField(child=serializers.DictField())
    presentations = serializers.ListField(child=serializers.DictField())
    proposals = serializers.ListField(child=serializers.DictField())
    interventions = serializers.ListField(child=serializers.DictField())


class IntakeApplySerializer(serializers.Serializer[Any]):
    accept = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        max_length=10000,
        help_text="The ids of the items to accept before applying.",
    )
    choices = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(max_length=80)),
        required=False,
        help_text='For an item id, its choice of each match that needs one: {"12": '
        '{"workstream": "nexus-dialogue-series"}} ("new" adds a row).',
    )


class IntakeAppliedSerializer(serializers.Serializer[Any]):
    added = serializers.DictField(child=serializers.IntegerField())
    in_record = serializers.DictField(child=serializers.IntegerField())
    intake = IntakeSerializer()


@extend_schema_view(
    list=extend_schema(summary="List report intakes"),
    retrieve=extend_schema(summary="Get a report intake and its items", responses=IntakeSerializer),
)
class IntakeViewSet(
    APIConventions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Intake],
):
    """Meeting reports taken in for review: the secretariat only."""

    serializer_class = IntakeSummarySerializer
    permission_classes = [RulesPermission]
    parser_classes = [JSONParser, parsers.MultiPartParser]
    rules_verbs = {"apply": "change"}
    filterset_class = None
    ordering_fields = ["uploaded_at"]
    ordering = ["-uploaded_at", "-pk"]

    def get_queryset(self) -> QuerySet[Intake]:
        return Intake.objects.select_related("meeting")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(intake_payload(self.get_object()))

    @extend_schema(
        summary="Take in a meeting report",
        request={"multipart/form-data": IntakeUploadSerializer},
        responses={201: IntakeSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = IntakeUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        report = upload.validated_data["file"]
        try:
            size_check(report.size or 0)
            intake = intake_upload(
                file_name=report.name or "",
                data=report.read(),
                by=request.user,
                meeting=upload.validated_data.get("meeting"),
            )
        except ReportUnreadable as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from error
        return Response(intake_payload(intake), status=201)

    @extend_schema(
        summary="Apply a report intake's accepted items",
        request=IntakeApplySerializer,
        responses={200: IntakeAppliedSerializer},
    )
    @action(detail=True, methods=["post"], filterset_class=None, ordering_fields=[])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        intake = self.get_object()
        body = IntakeApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            choices = {int(k): v for k, v in body.validated_data.get("choices", {}).items()}
        except ValueError as error:
            raise exceptions.ValidationError({"choices": ["Keys are item ids."]}) from error
        try:
            applied = intake_apply(
                intake=intake,
                by=request.user,  # type: ignore[arg-type]
                accept=body.validated_data["accept"],
                choices=choices,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError({"accept": error.messages}) from error
        intake.refresh_from_db()
        return Response(
            {
                "added": dict(applied.added),
                "in_record": dict(applied.in_record),
                "intake": intake_payload(intake),
            }
        )
