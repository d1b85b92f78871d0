from typing import Any

from django.db import models
from django.urls import reverse
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
from emgtracker.rest import (
    JSONString,
    StrictBooleanField,
    StrictCharField,
    StrictRegexField,
    StrictSlugRelatedField,
)
from meetings.models import Document, Entity, Meeting, Person
from workstreams import services
from workstreams.matrix import RecordCell
from workstreams.models import (
    Decision,
    Job,
    ProgressUpdate,
    Proposal,
    Status,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
    Workstream,
)


class ProvenanceSerializer(serializers.Serializer):
    """Where in the meeting record a fact is stated."""

    document = serializers.SerializerMethodField()
    meeting = serializers.CharField(source="source.meeting.slug")
    section = serializers.CharField(source="source_section")
    quote = serializers.CharField(source="source_quote")
    text = serializers.CharField(source="provenance")

    def get_document(self, record: Any) -> str:
        return str(record.source.symbol or record.source.title)

    def to_representation(self, record: Any) -> Any:
        return super().to_representation(record) if record.source_id else None


SOURCE = ["source__meeting"]


class DecisionSerializer(serializers.ModelSerializer):
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    workstream = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "meeting", "workstream", "kind", "text", "provenance"]


class ProposalSerializer(serializers.ModelSerializer):
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    workstream = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    presenter = serializers.CharField(
        source="presenter.name", default=None, read_only=True, allow_null=True
    )
    document = serializers.SerializerMethodField()
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "meeting",
            "kind",
            "position",
            "title",
            "summary",
            "presenter",
            "entity",
            "workstream",
            "document",
            "provenance",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document(self, proposal: Proposal) -> str | None:
        document = proposal.document
        return (document.symbol or document.title) if document else None


class WorkstreamSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:workstream-detail", lookup_field="slug"
    )
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    successor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
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

    def get_lead_entities(self, workstream: Workstream) -> list[str]:
        return [lead.entity.slug for lead in workstream.leads.all()]

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status_now(self, workstream: Workstream) -> str | None:
        return getattr(workstream, "current_status", None)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_first_meeting(self, workstream: Workstream) -> str | None:
        entries = list(workstream.timeline_entries.all())
        return entries[0].meeting.slug if entries else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_meeting(self, workstream: Workstream) -> str | None:
        entries = list(workstream.timeline_entries.all())
        return entries[-1].meeting.slug if entries else None


class TimelineCellSerializer(serializers.Serializer):
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
        return DecisionSerializer(cell.decisions, many=True).data

    @extend_schema_field(ProvenanceSerializer(allow_null=True))
    def get_provenance(self, cell: RecordCell) -> Any:
        record = cell.entry.record if cell.entry else None
        # An update sent through the workspace has no report behind it until the record has one.
        return ProvenanceSerializer(record).data if record and record.source_id else None


class TimelineRowSerializer(serializers.ModelSerializer):
    """A row of ``/api/v1/timeline/``, the whole matrix: a workstream and its status at every
    meeting (null: no record)."""

    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    cells = serializers.SerializerMethodField()

    class Meta:
        model = Workstream
        fields = ["slug", "title", "kind", "parent", "cells"]

    @extend_schema_field(
        serializers.DictField(
            child=serializers.ChoiceField(choices=Status.choices, allow_null=True),
            help_text="Meeting slug → status, in date order; null where the record is silent.",
        )
    )
    def get_cells(self, workstream: Workstream) -> dict[str, str | None]:
        entries = {e.meeting_id: e.status for e in workstream.timeline_entries.all()}
        return {m.slug: entries.get(m.pk) for m in self.context["meetings"]}


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """A progress update. Writes go through the editorial services and their rules."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    url = serializers.HyperlinkedIdentityField(view_name="api:update-detail")
    workstream = StrictSlugRelatedField(slug_field="slug", queryset=Workstream.objects.all())
    meeting = StrictSlugRelatedField(slug_field="slug", queryset=Meeting.objects.all())
    entity = StrictSlugRelatedField(
        slug_field="slug", queryset=Entity.objects.all(), allow_null=True, required=False
    )
    presenter = StrictSlugRelatedField(
        slug_field="slug", queryset=Person.objects.all(), allow_null=True, required=False
    )
    presenter_name = serializers.SerializerMethodField()
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Required to change an update: the version you read. A stale one gets 409.",
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "url",
            "workstream",
            "meeting",
            "presenter",
            "presenter_name",
            "entity",
            "status",
            "summary",
            "next_steps",
            "expected_to_continue_in",
            "state",
            "returned_reason",
            "published_at",
            "version",
            "provenance",
        ]
        read_only_fields = ["state", "returned_reason", "published_at"]
        # Uniqueness is checked by the service, after it has asked whether the client may
        # write here at all: a refusal must not reveal another entity's hidden draft.
        validators: list[Any] = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_presenter_name(self, update: ProgressUpdate) -> str | None:
        return update.presenter.name if update.presenter else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["Send the version you read, so that no one's edit is lost."]}
            )
        return attrs

    def create(self, validated: dict[str, Any]) -> ProgressUpdate:
        validated.pop("version", None)
        return services.progress_update_save(
            update=ProgressUpdate(**validated), by=self.context["request"].user
        )

    def update(self, instance: ProgressUpdate, validated: dict[str, Any]) -> ProgressUpdate:
        for name, value in validated.items():
            setattr(instance, name, value)
        return services.progress_update_save(update=instance, by=self.context["request"].user)


class ReturnToDraftSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000, help_text="Why: the authors read it.")


class JobDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField(
        help_text="The download address: random, not to be guessed. A superseded document "
        "downloads for the secretariat only."
    )
    superseded_at = serializers.DateTimeField(
        allow_null=True, help_text="When a newer pack, or a withdrawn update, superseded it."
    )
    superseded_reason = serializers.CharField(help_text="Why it is superseded, or empty.")

    def get_url(self, document: Document) -> str:
        path = reverse("meetings:document", args=[document.meeting.slug, document.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class JobSerializer(serializers.ModelSerializer):
    """A background job: queued, running with n of m done, done with its files, or failed."""

    url = serializers.HyperlinkedIdentityField(view_name="api:job-detail")
    meeting = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    documents = JobDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "meeting",
            "state",
            "done",
            "total",
            "progress",
            "error",
            "documents",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ProgressUpdateEditSerializer(ProgressUpdateSerializer):
    """An edit names the version it was made on, so that no one's edit is silently lost."""

    required_in_patch = ("version",)
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read. A stale one gets 409."
    )


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event sent to a subscription, with the outcome of its latest attempt."""

    webhook_id = serializers.SerializerMethodField(
        help_text="The webhook-id header of its every attempt."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event",
            "state",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
            "payload",
        ]
        read_only_fields = fields

    def get_webhook_id(self, delivery: WebhookDelivery) -> str:
        return webhook_message_id(delivery)


class WebhookSecretField(JSONString, serializers.CharField):
    """Checked by ``webhook_secret_validate`` alone, the model's validator, whose pattern the
    schema publishes."""


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
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
    secret = WebhookSecretField(
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
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    paused = serializers.SerializerMethodField()

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "events",
            "active",
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
