"""The API's cross-references: a framework reference (an SDG goal or target, a UNEA resolution,
an MEA decision) and the tags by which a workstream, an update or a decision refers to one."""

from typing import Any

from rest_framework import serializers

from emgtracker.links import IdentityLinkField
from meetings.models import Evidence
from workstreams.models import FrameworkReference, ReferenceKind, ReferenceTag, TagOrigin
from workstreams.serializers.provenance import ProvenanceSerializer


class ReferenceTagSerializer(serializers.ModelSerializer[ReferenceTag]):
    """A reference the row refers to: by whom it was tagged, and the report's words for it."""

    reference = serializers.CharField(source="reference.slug", help_text="The reference's slug.")
    kind = serializers.ChoiceField(source="reference.kind", choices=ReferenceKind.choices)
    code = serializers.CharField(source="reference.code", help_text="14.1, UNEP/EA.5/Res.14…")
    origin = serializers.ChoiceField(
        choices=TagOrigin.choices,
        help_text="record: a report names it (quoted in provenance); secretariat: by hand.",
    )
    evidence = serializers.ChoiceField(choices=Evidence.choices)
    provenance = ProvenanceSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = ReferenceTag
        fields = [
            "reference",
            "kind",
            "code",
            "origin",
            "evidence",
            "evidence_reason",
            "provenance",
        ]


def tags_field() -> ReferenceTagSerializer:
    return ReferenceTagSerializer(source="reference_tags", many=True, read_only=True)


class FrameworkReferenceSerializer(serializers.ModelSerializer[FrameworkReference]):
    """An SDG goal or target, a UNEA resolution or an MEA decision, by its official code. The
    titles are official, in English, in every language."""

    url = IdentityLinkField(view_name="api:reference-detail", lookup_field="slug")
    goal = serializers.SlugRelatedField[FrameworkReference](
        slug_field="code", read_only=True, allow_null=True, help_text="A target's goal."
    )
    tag_count = serializers.SerializerMethodField()

    class Meta:
        model = FrameworkReference
        fields = ["slug", "url", "kind", "code", "title", "goal", "body", "tag_count"]

    def get_tag_count(self, reference: Any) -> int:
        """How many workstreams, updates and decisions refer to it."""
        count: int = reference.tag_count
        return count
