"""The API's records of a meeting: progress updates (read and written through the editorial
services), proposals and decisions, each with where the record states it."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from emgtracker.links import IdentityLinkField
from emgtracker.rest import StrictCharField, StrictSlugRelatedField
from emgtracker.translated_api import TranslatedFields, missing_translations_field
from meetings.models import Entity, Meeting, Person
from workstreams import services
from workstreams.models import Decision, ProgressUpdate, Proposal, Workstream
from workstreams.serializers.inputs import SourceSerializer, sources_shown
from workstreams.serializers.provenance import ProvenanceSerializer
from workstreams.serializers.references import tags_field

ORIGINAL = settings.CONTENT_ORIGINAL_LANGUAGE


class DecisionSerializer(TranslatedFields, serializers.ModelSerializer[Decision]):
    translated_fields = Decision.TRANSLATED_FIELDS
    meeting = serializers.SlugRelatedField[Meeting](slug_field="slug", read_only=True)
    workstream = serializers.SlugRelatedField[Workstream](slug_field="slug", read_only=True)
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)
    references = tags_field()
    missing_translations = missing_translations_field()

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "workstream",
            "kind",
            "text",
            "term",
            "until_som",
            "evidence",
            "evidence_reason",
            "provenance",
            "references",
            "missing_translations",
        ]


class TimelineDecisionSerializer(DecisionSerializer):
    """A decision as a timeline cell holds it: without its cross-references, which the matrix
    would otherwise read a query a cell for (GET /api/v1/decisions/{id}/ has them)."""

    class Meta(DecisionSerializer.Meta):
        fields = [name for name in DecisionSerializer.Meta.fields if name != "references"]


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    meeting = serializers.SlugRelatedField[Meeting](slug_field="slug", read_only=True)
    workstream = serializers.SlugRelatedField[Workstream](
        slug_field="slug", read_only=True, allow_null=True
    )
    entity = serializers.SlugRelatedField[Entity](
        slug_field="slug", read_only=True, allow_null=True
    )
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
            "evidence",
            "evidence_reason",
            "provenance",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document(self, proposal: Proposal) -> str | None:
        document = proposal.document
        return (document.symbol or document.title) if document else None


class ProgressUpdateSerializer(TranslatedFields, serializers.ModelSerializer[ProgressUpdate]):
    """A progress update. Writes go through the editorial services and their rules.

    A write sets the English original (``summary_en``), in whatever language it is asked:
    translations are made and checked apart. Read, the text is in the request's language."""

    translated_fields = ProgressUpdate.TRANSLATED_FIELDS

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    url = IdentityLinkField(view_name="api:update-detail")
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
    references = tags_field()
    # Written to the original's column: by its plain name, a field writes the column of the
    # request's language (modeltranslation), and a French client would fill ``summary_fr``.
    summary = StrictCharField(source=build_localized_fieldname("summary", ORIGINAL))
    next_steps = StrictCharField(
        source=build_localized_fieldname("next_steps", ORIGINAL), required=False, allow_blank=True
    )
    sources = serializers.SerializerMethodField(
        help_text="The co-lead inputs the update was merged from: for the secretariat always; "
        "for anyone else once it is published, if the secretariat made them public."
    )
    missing_translations = missing_translations_field()
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
            "evidence",
            "evidence_reason",
            "provenance",
            "sources_public",
            "sources",
            "references",
            "missing_translations",
        ]
        read_only_fields = [
            "sources_public",
            "state",
            "returned_reason",
            "published_at",
            "evidence",
            "evidence_reason",
        ]
        # Uniqueness is checked by the service, after it has asked whether the client may
        # write here at all: a refusal must not reveal another entity's hidden draft.
        validators: list[Any] = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_presenter_name(self, update: ProgressUpdate) -> str | None:
        return update.presenter.name if update.presenter else None

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, update: ProgressUpdate) -> list[Any]:
        request = self.context.get("request")
        user = request.user if request is not None else AnonymousUser()
        if not sources_shown(user, state=update.state, sources_public=update.sources_public):
            return []
        sources = update.sources.select_related("entity").order_by(
            "entity__acronym", "entity__slug"
        )
        return list(SourceSerializer(sources, many=True).data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Send the version you read, so that no one's edit is lost.")]}
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


class ReturnToDraftSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=2000, help_text="Why: the authors read it.")


class ProgressUpdateEditSerializer(ProgressUpdateSerializer):
    """An edit names the version it was made on, so that no one's edit is silently lost."""

    required_in_patch = ("version",)
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read. A stale one gets 409."
    )
