"""The API's webhook subscriptions and their deliveries, validated by ``delivery``."""

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from delivery.interface import (
    SECRET_HELP,
    URL_MAX_LENGTH,
    URL_PATTERN,
    webhook_events_clean,
    webhook_message_id,
    webhook_secret_validate,
    webhook_subscription_create,
    webhook_subscription_update,
    webhook_url_validate,
)
from emgtracker.rest import JSONString, StrictBooleanField, StrictRegexField
from workstreams.models import WebhookDelivery, WebhookEvent, WebhookSubscription, Workstream

# More than the record will hold for years; a longer list is refused before it is looked up.
WORKSTREAMS_MAX = 200


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    """One event sent to a subscription, with the outcome of its latest attempt."""

    webhook_id = serializers.SerializerMethodField(
        help_text="The webhook-id header of its every attempt."
    )

    class Meta:
        model = WebhookDelivery
        fields = ["id", *WebhookDelivery.SHOWN_FIELDS]
        read_only_fields = fields

    def get_webhook_id(self, delivery: WebhookDelivery) -> str:
        return webhook_message_id(delivery)


class WebhookSecretField(JSONString, serializers.CharField):
    """Checked by ``webhook_secret_validate`` alone, the model's validator, whose pattern the
    schema publishes."""


class StrictSlugField(JSONString, serializers.SlugField):
    pass


class WorkstreamSlugsField(serializers.ListField):
    """Workstreams named by their slugs: all looked up in one query, each once, in the order
    given; an unknown slug is refused, named by its index (``workstreams.1``)."""

    def __init__(self, **kwargs: Any) -> None:
        slug_length = Workstream._meta.get_field("slug").max_length
        assert slug_length is not None
        super().__init__(
            child=StrictSlugField(max_length=slug_length), max_length=WORKSTREAMS_MAX, **kwargs
        )

    def to_internal_value(self, data: Any) -> list[Workstream]:
        slugs: list[str] = super().to_internal_value(data)
        found = {w.slug: w for w in Workstream.objects.filter(slug__in=set(slugs))}
        unknown = {
            str(index): [gettext_lazy("No workstream has the slug “%(slug)s”.") % {"slug": slug}]
            for index, slug in enumerate(slugs)
            if slug not in found
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        return [found[slug] for slug in dict.fromkeys(slugs)]

    def to_representation(self, data: Any) -> list[str]:
        return sorted(workstream.slug for workstream in data.all())


class WebhookSubscriptionSerializer(serializers.ModelSerializer[WebhookSubscription]):
    """A URL called with a signed JSON body when one of its events happens."""

    url = StrictRegexField(
        URL_PATTERN,
        max_length=URL_MAX_LENGTH,
        validators=[webhook_url_validate],
        help_text="Called with a POST for each event: http or https; redirects are not followed.",
        error_messages={"invalid": gettext_lazy("Give an http:// or https:// URL.")},
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.values),
        help_text="The events to send.",
    )
    secret: serializers.CharField = WebhookSecretField(
        validators=[webhook_secret_validate],
        write_only=True,
        required=False,
        help_text=(
            "Signs each delivery (webhook-signature, the Standard Webhooks scheme): "
            f"{SECRET_HELP}. Leave it out to have one generated: it is returned once, "
            "when the subscription is created."
        ),
        error_messages={
            "invalid": gettext_lazy("Give whsec_ followed by the base64 of 24 to 64 random bytes.")
        },
    )
    active = StrictBooleanField(required=False, help_text="Off: no events are sent.")
    workstreams = WorkstreamSlugsField(
        required=False,
        help_text=(
            "The slugs of the workstreams whose update.published and status.changed events are "
            "sent; empty (the default): every workstream's. meeting.added is of no workstream "
            "and is always sent."
        ),
    )
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    paused = serializers.SerializerMethodField()

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "events",
            "active",
            "workstreams",
            "paused",
            "paused_at",
            "consecutive_failures",
            "owner",
            "created_at",
            "secret",
        ]
        read_only_fields = ["paused_at", "consecutive_failures", "created_at"]

    @extend_schema_field(serializers.BooleanField())
    def get_paused(self, subscription: WebhookSubscription) -> bool:
        return subscription.paused_at is not None

    def validate_events(self, events: list[str]) -> list[str]:
        return webhook_events_clean(events)

    def create(self, validated: dict[str, Any]) -> WebhookSubscription:
        return webhook_subscription_create(owner=self.context["request"].user, **validated)

    def update(
        self, subscription: WebhookSubscription, validated: dict[str, Any]
    ) -> WebhookSubscription:
        return webhook_subscription_update(subscription=subscription, **validated)


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    """The subscription just created, with its secret: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text="whsec_ and the base64 of the key. Keep it: it is not shown again.",
    )
