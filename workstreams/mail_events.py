"""``POST /api/v1/mail-events/``: the mail system reports a bounce or a complaint, and the
address gets nothing more (docs/api.md#following-a-workstream). The secretariat's token only."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from delivery.interface import follower_address_clean, follower_stop
from emgtracker.rest import APIConventions, RulesPermission
from workstreams.models import Follower, StopReason


class MailEventSerializer(serializers.Serializer[Any]):
    address = serializers.EmailField(
        max_length=254, help_text="The address that bounced or complained."
    )
    kind = serializers.ChoiceField(
        choices=[StopReason.BOUNCE.value, StopReason.COMPLAINT.value],
        help_text="bounce or complaint",
    )
    # Answered: whether the address was a follower's (the secretariat's to know).
    stopped = serializers.BooleanField(read_only=True)

    def validate_address(self, address: str) -> str:
        try:
            return follower_address_clean(address)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class MailEventViewSet(APIConventions, viewsets.GenericViewSet[Follower]):
    """Bounces and complaints from the mail system: each stops the follower at the address."""

    serializer_class = MailEventSerializer
    permission_classes = [RulesPermission]
    rules_verbs = {"create": "change"}
    filterset_class = None

    def get_queryset(self) -> QuerySet[Follower]:
        return Follower.objects.all()

    @extend_schema(
        summary="Report a bounce or a complaint",
        responses={
            200: MailEventSerializer,
            400: OpenApiResponse(description="Not an address, or an unknown kind"),
        },
    )
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stopped = follower_stop(address=data["address"], reason=data["kind"])
        return Response({**data, "stopped": stopped is not None})
