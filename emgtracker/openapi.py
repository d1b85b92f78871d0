"""The OpenAPI schema: every operation documents the API's one error shape."""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
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
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["400", "404", "406", "429"]
        if self.method not in SAFE_METHODS:
            codes += ["401", "403", "409"]
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ErrorSerializer, code, media_types=["application/json"], direction=direction
                ),
            )
        return responses
