"""``/api/v1/webhooks/``: a login's webhook subscriptions, their deliveries, and resuming one
paused after repeated failures (docs/webhooks.md)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from delivery.interface import webhook_subscription_resume
from emgtracker.rest import APIConventions, RulesPermission
from workstreams.models import WebhookSubscription
from workstreams.permissions import webhook_subscriptions_visible_to
from workstreams.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List webhook subscriptions"),
    retrieve=extend_schema(summary="Get a webhook subscription"),
    update=extend_schema(summary="Replace a webhook subscription"),
    partial_update=extend_schema(summary="Edit a webhook subscription"),
    destroy=extend_schema(summary="Delete a webhook subscription"),
)
class WebhookSubscriptionViewSet(APIConventions, viewsets.ModelViewSet[WebhookSubscription]):
    """Webhook subscriptions: each login manages its own; the secretariat sees them all."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [RulesPermission]
    rules_verbs = {"deliveries": "view", "resume": "change"}
    filterset_class = None
    ordering_fields = ["created_at", "url"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return (
            webhook_subscriptions_visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("workstreams")
        )

    @extend_schema(
        summary="Subscribe to webhooks", responses={201: WebhookSubscriptionCreatedSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = serializer.save()
        created = WebhookSubscriptionCreatedSerializer(
            subscription, context=self.get_serializer_context()
        )
        return Response(created.data, status=201)

    @extend_schema(
        summary="List a subscription's deliveries",
        responses=WebhookDeliverySerializer(many=True),
        filters=False,
    )
    @action(detail=True, filterset_class=None, ordering_fields=[])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The subscription's deliveries, newest first, with each one's latest outcome."""
        subscription = self.get_object()
        deliveries = subscription.deliveries.order_by("-created_at", "-pk")
        # self.paginate_queryset() takes subscriptions; the same paginator pages deliveries.
        page = (
            self.paginator.paginate_queryset(deliveries, request, self) if self.paginator else None
        )
        data = WebhookDeliverySerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Resume a paused webhook subscription",
        request=None,
        responses={200: WebhookSubscriptionSerializer, 404: OpenApiResponse(description="None")},
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def resume(self, request: Request, pk: str | None = None) -> Response:
        """Lift a pause after repeated failures: new events are delivered again."""
        subscription = webhook_subscription_resume(subscription=self.get_object())
        return Response(self.get_serializer(subscription).data)
