"""What changed between two meetings, in the API (``/api/v1/changes/``): the changes the page
``/changes/<from>/<to>/`` and the briefing pack show, each with the row it rests on."""

from typing import Any

from rest_framework import serializers

from meetings.models import Evidence
from workstreams.changes import Category, Change, EvidenceKind


class ChangeMeetingSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(read_only=True)
    short_label = serializers.CharField(read_only=True, help_text="SOM28 mid-term, SOM29 …")


class ChangeWorkstreamSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class ChangeEvidenceSerializer(serializers.Serializer[Change]):
    """The row of the record a change rests on, where it is, and whether the record states the
    change or we read it from the record."""

    kind = serializers.ChoiceField(choices=EvidenceKind.choices, read_only=True)
    id = serializers.IntegerField(source="row.pk", read_only=True)
    url = serializers.SerializerMethodField(
        help_text="The row in the API (a lead: its workstream)."
    )
    page = serializers.SerializerMethodField(help_text="Where the site shows the row.")
    meeting = serializers.CharField(source="meeting.slug", read_only=True)
    quote = serializers.CharField(source="row.source_quote", read_only=True)
    evidence = serializers.ChoiceField(
        choices=Evidence.choices,
        read_only=True,
        help_text="Stated: the record states the change. Inferred: our reading of the record. "
        "Not stated: a row the record does not state.",
    )
    reason = serializers.CharField(read_only=True, help_text="Why, when inferred; else empty.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "source" is the serializer field's own attribute: named here, not as an attribute.
        where = serializers.CharField(
            source="row.provenance", read_only=True, help_text="The report and section it is from."
        )
        return {**super().get_fields(), "source": where}

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, change: Change) -> str:
        return self._absolute(change.api_path)

    def get_page(self, change: Change) -> str:
        return self._absolute(change.page_url)


class ChangeSerializer(serializers.Serializer[Change]):
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    category_label = serializers.CharField(read_only=True)
    workstream = ChangeWorkstreamSerializer(read_only=True)
    entity = serializers.CharField(
        source="entity.slug",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="A new lead entity; null for the other kinds.",
    )
    text = serializers.CharField(read_only=True, help_text="What changed, in a sentence.")
    evidence = ChangeEvidenceSerializer(source="*", read_only=True)


class ChangesSerializer(serializers.Serializer[Any]):
    """The changes from one meeting (``from``) to a later one (``to``), in the order of their
    kinds, then by workstream."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "from" is a Python keyword: named here, not as an attribute.
        return {
            "from": ChangeMeetingSerializer(source="start", read_only=True),
            "to": ChangeMeetingSerializer(source="end", read_only=True),
            "changes": ChangeSerializer(many=True, read_only=True),
        }
