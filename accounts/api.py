"""``/api/v1/tokens/``: a login's own API tokens."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services
from accounts.models import ApiToken
from accounts.serializers import ApiTokenCreatedSerializer, ApiTokenSerializer
from emgtracker.rest import APIConventions
from emgtracker.users import request_user


@extend_schema_view(
    list=extend_schema(summary="List your API tokens"),
    retrieve=extend_schema(summary="Get one of your API tokens"),
    destroy=extend_schema(summary="Revoke an API token"),
)
class ApiTokenViewSet(
    APIConventions,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """Your own API tokens, working ones only: list, make one (from a logged-in session), revoke."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None
    ordering_fields = ["created", "expiry", "name"]
    ordering = ["-created", "-id"]

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # the schema, drawn with no user
            return ApiToken.objects.none()
        user = request_user(self.request)
        return ApiToken.objects.filter(
            user=user, expiry__gt=timezone.now(), password_mark=user.get_session_auth_hash()
        )

    @extend_schema(summary="Make an API token", responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make a token. Only a logged-in session may (the workspace's login, with its second
        factor): a token cannot make another, so a leaked one dies when it expires."""
        if request.auth is not None:
            raise exceptions.PermissionDenied(
                _("Make a token from a logged-in session (the workspace), not with a token.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        days = serializer.validated_data.get("days")
        token, key = services.api_token_create(
            user=request_user(request),
            name=serializer.validated_data["name"],
            lifetime=datetime.timedelta(days=days) if days else None,
        )
        token.key = key
        created = ApiTokenCreatedSerializer(token, context=self.get_serializer_context())
        return Response(created.data, status=201)
