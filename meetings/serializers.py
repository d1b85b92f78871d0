from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emgtracker.links import IdentityLinkField, document_link
from emgtracker.translated_api import TranslatedFields, missing_translations_field
from meetings.models import Attendance, Document, Entity, Meeting, MeetingStateNow


class EntitySerializer(serializers.HyperlinkedModelSerializer[Entity]):
    url = IdentityLinkField(view_name="api:entity-detail", lookup_field="slug")

    class Meta:
        model = Entity
        fields = ["slug", "url", "acronym", "name", "kind"]


class DocumentSerializer(serializers.ModelSerializer[Document]):
    url = serializers.SerializerMethodField(
        help_text="Where to download the file, where we hold it: a random address."
    )

    class Meta:
        model = Document
        fields = ["number", "symbol", "title", "kind", "url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, document: Document) -> str | None:
        if not document.file:
            return None
        return document_link(self.context.get("request"), document.meeting.slug, document.token)


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$",
        "nullable": True,
        "description": "Wall-clock time in the meeting's time_zone, e.g. 15:00:00.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day with no offset: JSON Schema's "time" format would demand one."""


class StatusProvenanceSerializer(serializers.Serializer[Meeting]):
    """Where the record states or implies that a meeting was held, when not in its own
    report (SOM28: the 2023 report's words)."""

    document = serializers.SerializerMethodField()
    meeting = serializers.CharField(source="status_source.meeting.slug")
    section = serializers.CharField(source="status_section")
    quote = serializers.CharField(source="status_quote")

    def get_document(self, meeting: Meeting) -> str:
        source = meeting.status_source
        assert source is not None  # to_representation answers null without one
        return str(source.symbol or source.title)

    def to_representation(self, meeting: Meeting) -> Any:
        return super().to_representation(meeting) if meeting.status_source_id else None


class MeetingSerializer(TranslatedFields, serializers.ModelSerializer[Meeting]):
    translated_fields = Meeting.TRANSLATED_FIELDS
    url = IdentityLinkField(view_name="api:meeting-detail", lookup_field="slug")
    label = serializers.CharField(source="short_label", read_only=True)  # type: ignore[assignment]  # a field, not Field.label: the serializer's metaclass takes it
    chair = serializers.CharField(
        source="chair.name", default=None, read_only=True, allow_null=True
    )
    opened_by = serializers.CharField(
        source="opened_by.name",
        default=None,
        read_only=True,
        allow_null=True,
        help_text="Who opened the meeting, as its report says.",
    )
    state_now = serializers.SerializerMethodField()
    status_provenance = StatusProvenanceSerializer(source="*", read_only=True, allow_null=True)
    start_time = LocalTimeField(read_only=True, allow_null=True)
    end_time = LocalTimeField(read_only=True, allow_null=True)
    starts_at = serializers.DateTimeField(read_only=True, allow_null=True)
    ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    documents = DocumentSerializer(many=True, read_only=True)
    participant_count = serializers.SerializerMethodField()
    entity_count = serializers.SerializerMethodField()
    missing_translations = missing_translations_field()

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "url",
            "label",
            "som_number",
            "segment",
            "title",
            "status",
            "state_now",
            "status_evidence",
            "status_evidence_reason",
            "status_provenance",
            "date",
            "date_precision",
            "start_time",
            "end_time",
            "time_zone",
            "starts_at",
            "ends_at",
            "submission_deadline",
            "format",
            "venue",
            "chair",
            "opened_by",
            "lists_ongoing_workstreams",
            "summary",
            "documents",
            "participant_count",
            "entity_count",
            "missing_translations",
        ]

    def to_representation(self, meeting: Meeting) -> dict[str, Any]:
        data = super().to_representation(meeting)
        # The model's methods, read as fields.
        data["starts_at"] = _iso(meeting.starts_at())
        data["ends_at"] = _iso(meeting.ends_at())
        return data

    @extend_schema_field(
        serializers.ChoiceField(
            choices=MeetingStateNow.choices,
            help_text="Today: held; planned, while its date has not passed; or date passed, no "
            "report on record.",
        )
    )
    def get_state_now(self, meeting: Meeting) -> str:
        today = self.context.get("today") or timezone.localdate()
        return meeting.state_on(today)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_participant_count(self, meeting: Meeting) -> int | None:
        """Participants listed, or the count the record states where it lists nobody."""
        listed: int = getattr(meeting, "participant_count", 0)
        return listed or meeting.reported_participant_count

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_entity_count(self, meeting: Meeting) -> int | None:
        listed: int = getattr(meeting, "entity_count", 0)
        return listed or meeting.reported_entity_count


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class ParticipantSerializer(serializers.ModelSerializer[Attendance]):
    person = serializers.CharField(
        source="person.slug", help_text="The slug to name a presenter by."
    )
    name = serializers.CharField(source="person.name")
    entity = serializers.SlugRelatedField[Entity](
        slug_field="slug", read_only=True, allow_null=True
    )
    entity_acronym = serializers.CharField(source="entity.acronym", default=None, allow_null=True)

    class Meta:
        model = Attendance
        fields = ["list_number", "person", "name", "entity", "entity_acronym", "listed_affiliation"]
