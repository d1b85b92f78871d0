"""The OpenAPI schema: every operation documents the API's one error shape, and the hooks that
keep the schema clean under Redocly's and Spectral's rules (`make contract`, docs/api.md)."""

import json
import re
from typing import Any

from django.conf import settings
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import is_patched_serializer
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from emgtracker.languages import LANGUAGE_PARAMETER
from emgtracker.rest import EVERY_LANGUAGE, TRANSLATIONS_PARAMETER, APIConventions

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
API_PREFIX = "/api/v1/"


class ErrorBodySerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="E.g. invalid, not_found, stale, throttled.")
    message = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # Added here, not declared as an attribute: ``fields`` is the serializer's own property.
        refused = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="The refused fields or parameters, each with its reasons.",
        )
        return {**super().get_fields(), "fields": refused}


class ErrorResponseSerializer(serializers.Serializer[dict[str, Any]]):
    # The component is "ErrorResponse", not "Error": a generated client names its model's
    # instances after the component, and an ``error`` instance would shadow the ``error`` field.
    error = ErrorBodySerializer()


def _codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_parameters() -> list[OpenApiParameter]:
    """How every operation is asked for a language."""
    return [
        OpenApiParameter(
            LANGUAGE_PARAMETER,
            {"type": "string", "enum": _codes()},
            description="The language of the answer: its translated fields and its messages. "
            "Wins over Accept-Language.",
        ),
        OpenApiParameter(
            "Accept-Language",
            {"type": "string"},
            location=OpenApiParameter.HEADER,
            description="The languages the client reads, as browsers send them; the first of "
            f"ours ({', '.join(_codes())}) is answered in, else English.",
        ),
    ]


TRANSLATIONS = OpenApiParameter(
    TRANSLATIONS_PARAMETER,
    {"type": "string", "enum": [EVERY_LANGUAGE]},
    description="all: each translated field as an object of every language's text and status "
    "(AllTranslations), instead of the text in the answer's language.",
)


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = [*super().get_override_parameters(), *language_parameters()]
        if isinstance(self.view, APIConventions):
            parameters.append(TRANSLATIONS)
        return parameters

    def _is_list_view(self, serializer: Any = None) -> bool:
        """A viewset whose list action answers one object (``one_answer = True``: the changes
        between two meetings) is not a list, whatever the action's name."""
        if getattr(self.view, "one_answer", False):
            return False
        return bool(super()._is_list_view(serializer))

    def get_tags(self) -> list[str]:
        """The resource: the first part of the path after /api/v1/, one of the tags declared
        in settings.SPECTACULAR_SETTINGS["TAGS"]."""
        return [self.path.removeprefix(API_PREFIX).split("/")[0]]

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        """A PATCH body requires nothing, unless the serializer names fields it still needs
        (``required_in_patch``), as an edit needs the version it was made on."""
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        needed = list(getattr(serializer, "required_in_patch", ()))
        if needed and is_patched_serializer(serializer, direction):
            schema["required"] = needed
        if direction == "response":
            self._translated_properties(serializer, schema.get("properties", {}))
        return schema

    def _translated_properties(self, serializer: Any, properties: dict[str, Any]) -> None:
        """A translated field is its text, or with ``?translations=all`` every language's."""
        from emgtracker.translated_api import AllTranslationsSerializer  # reads the models

        every = self.resolve_serializer(AllTranslationsSerializer, "response").ref
        for name in getattr(serializer, "translated_fields", ()):
            text = properties.get(name)
            if text is None:
                continue
            outer = {key: text.pop(key) for key in ("description", "readOnly") if key in text}
            properties[name] = {
                "oneOf": [text, every],
                **outer,
                "description": (
                    f"{outer.get('description', '')} In the answer's language, or the English "
                    "original (see missing_translations); with ?translations=all, every "
                    "language's."
                ).strip(),
            }

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method not in SAFE_METHODS:
            codes.append("409")
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ErrorResponseSerializer,
                    code,
                    media_types=["application/json"],
                    direction=direction,
                ),
            )
        for response in responses.values():
            # Every answer, an empty 204 too, says its language (emgtracker/languages.py).
            response.setdefault("headers", {})["Content-Language"] = {
                "schema": {"type": "string", "enum": _codes()},
                "description": "The language the answer is in.",
            }
        return responses


class LengthLimitedFilters(DjangoFilterExtension):
    """drf-spectacular's django-filter reading, plus the filter's ``max_length`` as the
    parameter's ``maxLength`` and its ``schema_pattern`` as its ``pattern``: a search the filter
    refuses for its length or form is no request the schema allows."""

    priority = 1

    def resolve_filter_field(
        self, auto_schema: Any, model: Any, filterset_class: Any, field_name: str, filter_field: Any
    ) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        max_length = filter_field.extra.get("max_length")
        if max_length is not None:
            for parameter in parameters:
                if parameter["schema"].get("type") == "string":
                    parameter["schema"]["maxLength"] = max_length
        pattern = getattr(filter_field, "schema_pattern", None)
        for parameter in parameters if pattern else ():
            parameter["schema"]["pattern"] = pattern
        return parameters


# Parameters that are not filters: an empty value is not "no filter" for them.
NOT_FILTERS = {
    "page",
    "page_size",
    "ordering",
    "format",
    LANGUAGE_PARAMETER,
    TRANSLATIONS_PARAMETER,
}


def allow_empty_filters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An empty filter means "no filter", as an HTML form sends it: say so in the schema. A
    required parameter (the search's ``q``) is no filter to leave out."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter["name"] in NOT_FILTERS:
                    continue
                if parameter.get("required"):
                    continue
                parameter["schema"] = {
                    "anyOf": [parameter["schema"], {"type": "string", "maxLength": 0}]
                }
    return result


NULL_ENUM = "NullEnum"


def nullable_references(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A nullable reference as ``oneOf: [{$ref}, {$ref: NullEnum}]``, where NullEnum is
    ``enum: [null]``, the form drf-spectacular already gives a nullable choice. Its own form,
    ``nullable`` beside a bare ``allOf``, allows no null in OpenAPI 3.0.3 (``nullable`` speaks
    only of a ``type`` beside it), which is what the linters refuse."""
    schemas = result.get("components", {}).get("schemas", {})
    null_ref = {"$ref": f"#/components/schemas/{NULL_ENUM}"}
    found = False
    for component in schemas.values():
        for prop in component.get("properties", {}).values():
            if not prop.get("nullable") or "type" in prop:
                continue
            refs = prop.pop("allOf", None) or prop.pop("oneOf", None) or []
            others = [ref for ref in refs if ref != null_ref]
            del prop["nullable"]
            prop["oneOf"] = [*others, null_ref]
            found = True
    if found:
        schemas.setdefault(NULL_ENUM, {"enum": [None]})
    return result


# What an operation that anyone may call accepts: no credentials, a token or a session.
ANYONE: list[dict[str, list[str]]] = [{}, {"tokenAuth": []}, {"cookieAuth": []}]


def anonymous_reads(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The document's security is ``ANYONE``, and an operation that anyone may call inherits
    it: a generated client (openapi-python-client) demands credentials for any operation that
    states a ``security`` of its own. The operations that need a login still state theirs."""
    result["security"] = ANYONE
    anyone = _security_set(ANYONE)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if "security" in operation and _security_set(operation["security"]) == anyone:
                del operation["security"]
    return result


def _security_set(requirements: list[dict[str, Any]]) -> set[str]:
    return {json.dumps(requirement, sort_keys=True) for requirement in requirements}


REFERENCE = re.compile(r'"#/components/schemas/([^"]+)"')


def drop_unused_components(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Components no operation reaches, such as the request form of a serializer that is only
    ever read-only inside a request (``ProvenanceRequest``)."""
    schemas = result.get("components", {}).get("schemas", {})
    reached: set[str] = set()
    todo: list[Any] = [{key: value for key, value in result.items() if key != "components"}]
    while todo:
        for name in REFERENCE.findall(json.dumps(todo.pop(), default=str)):
            if name in schemas and name not in reached:
                reached.add(name)
                todo.append(schemas[name])
    for name in set(schemas) - reached:
        del schemas[name]
    return result
