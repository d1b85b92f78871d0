"""The OpenAPI schema: every operation documents the API's one error shape."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import is_patched_serializer
from rest_framework import serializers

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="E.g. invalid, not_found, stale, throttled.")
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The refused fields or parameters, each with its reasons.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        """A PATCH body requires nothing, unless the serializer names fields it still needs
        (``required_in_patch``), as an edit needs the version it was made on."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        needed = list(getattr(serializer, "required_in_patch", ()))
        if needed and is_patched_serializer(serializer, direction):
            schema["required"] = needed
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method not in SAFE_METHODS:
            codes.append("409")
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                ),
            )
        return responses


# Parameters that are not filters: an empty value is not "no filter" for them.
NOT_FILTERS = {"page", "page_size", "ordering", "format"}


def allow_empty_filters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An empty filter means "no filter", as an HTML form sends it: say so in the schema."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter["name"] in NOT_FILTERS:
                    continue
                parameter["schema"] = {
                    "anyOf": [parameter["schema"], {"type": "string", "maxLength": 0}]
                }
    return result
