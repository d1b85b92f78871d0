"""Where in the meeting record a fact is stated: every sourced row's ``provenance``."""

from typing import Any

from rest_framework import serializers


class ProvenanceSerializer(serializers.Serializer[Any]):
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
