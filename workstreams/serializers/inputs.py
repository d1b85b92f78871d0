"""The API's co-lead inputs, written through the input services, the merge request, and the
sources an update shows (``SourceSerializer``, also shaped by the updates list's fast path)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from rest_framework import serializers

from emgtracker.links import IdentityLinkField
from emgtracker.rest import StrictBooleanField, StrictCharField, StrictSlugRelatedField
from meetings.models import Entity, Meeting
from workstreams import services
from workstreams.models import ProgressInput, ProgressUpdate, Status, Workstream
from workstreams.permissions import is_secretariat


def sources_shown(user: User | AnonymousUser, *, state: str, sources_public: bool) -> bool:
    """Whether ``user`` sees an update's sources: the secretariat always; anyone else once the
    update is published, if the secretariat made its sources public."""
    if user.is_superuser or is_secretariat(user):
        return True
    return state == ProgressUpdate.State.PUBLISHED and sources_public


class SourceSerializer(serializers.ModelSerializer[ProgressInput]):
    """A co-lead input an update was merged from, in the language its focal point wrote it."""

    entity = serializers.SlugRelatedField[Entity](slug_field="slug", read_only=True)
    entity_name = serializers.CharField(source="entity.label", read_only=True)

    class Meta:
        model = ProgressInput
        fields = ["id", "entity", "entity_name", "status", "summary", "next_steps"]
        read_only_fields = fields


# What the fast path reads of each source (workstreams/serializers/rows.py).
SOURCE_VALUES = (
    "merged_into_id",
    "id",
    "entity__slug",
    "entity__acronym",
    "entity__name",
    "status",
    "summary",
    "next_steps",
)


def source_row(row: dict[str, Any]) -> dict[str, Any]:
    """A source from its ``.values(*SOURCE_VALUES)`` row, as ``SourceSerializer`` gives it."""
    return {
        "id": row["id"],
        "entity": row["entity__slug"],
        "entity_name": row["entity__acronym"] or row["entity__name"],
        "status": row["status"],
        "summary": row["summary"],
        "next_steps": row["next_steps"],
    }


class ProgressInputSerializer(serializers.ModelSerializer[ProgressInput]):
    """One lead entity's input for a workstream at a meeting. A focal point's is its own
    entity's (``entity`` may be left out); writes go through the input services."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    url = IdentityLinkField(view_name="api:input-detail")
    workstream = StrictSlugRelatedField(slug_field="slug", queryset=Workstream.objects.all())
    meeting = StrictSlugRelatedField(slug_field="slug", queryset=Meeting.objects.all())
    entity = StrictSlugRelatedField(
        slug_field="slug", queryset=Entity.objects.all(), required=False
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        required=False,
        help_text="The status this entity proposes, if any.",
    )
    merged_into = serializers.PrimaryKeyRelatedField[ProgressUpdate](
        read_only=True,
        allow_null=True,
        help_text="The id of the progress update this input was merged into: then it is locked.",
    )

    class Meta:
        model = ProgressInput
        fields = [
            "id",
            "url",
            "workstream",
            "meeting",
            "entity",
            "status",
            "summary",
            "next_steps",
            "state",
            "submitted_at",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "submitted_at", "created_at", "updated_at"]
        # Uniqueness is checked by the service, after the rules.
        validators: list[Any] = []

    def create(self, validated: dict[str, Any]) -> ProgressInput:
        return services.progress_input_save(
            progress_input=ProgressInput(**validated), by=self.context["request"].user
        )

    def update(self, instance: ProgressInput, validated: dict[str, Any]) -> ProgressInput:
        for name, value in validated.items():
            setattr(instance, name, value)
        return services.progress_input_save(
            progress_input=instance, by=self.context["request"].user
        )


class MergeSerializer(serializers.Serializer[Any]):
    """The secretariat's merge: the submitted inputs of a workstream at a meeting into its one
    progress update, in the text it wrote."""

    workstream = StrictSlugRelatedField(slug_field="slug", queryset=Workstream.objects.all())
    meeting = StrictSlugRelatedField(slug_field="slug", queryset=Meeting.objects.all())
    summary = StrictCharField(max_length=20000, help_text="The update's merged summary.")
    next_steps = StrictCharField(
        max_length=20000, required=False, allow_blank=True, default="", help_text="Next steps."
    )
    status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        required=False,
        default="",
        help_text="The update's status; by default the one the inputs agree on.",
    )
    sources_public = StrictBooleanField(
        required=False,
        default=False,
        help_text="Show the inputs with the update once it is published.",
    )
    submit = StrictBooleanField(
        required=False,
        default=False,
        help_text="Submit the merged update for review; otherwise it is left a draft.",
    )
