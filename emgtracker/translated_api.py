"""The API's translated fields, in the request's language and never silently in another
(docs/api.md).

A translated field (a workstream's title, an update's summary …) is given in the language the
request asked for (``?lang=``, ``Accept-Language``), or in the English original where that
language has no text yet; ``missing_translations`` names the fields that fell back. With
``?translations=all`` each is an object of every language's text and status instead.

The texts are columns of the rows already read (django-modeltranslation), so no answer costs a
query more in one language than in another. The hot lists shape ``.values()`` rows
(workstreams/serializers/rows.py): ``RowText`` lets them read a row as the serializers read an
instance.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from emgtracker.rest import EVERY_LANGUAGE, TRANSLATIONS_PARAMETER
from meetings.models.translated import (
    TranslationState,
    all_translations,
    field_text,
    language_codes,
)

MISSING_HELP = (
    "The translated fields given in the English original, as the request's language has no "
    "text for them yet; empty when none."
)


def every_language_asked(context: dict[str, Any]) -> bool:
    """Whether the request asked for every language of each translated field."""
    request = context.get("request")
    params = getattr(request, "query_params", None) or getattr(request, "GET", None) or {}
    return bool(params.get(TRANSLATIONS_PARAMETER) == EVERY_LANGUAGE)


class RowText:
    """A ``.values()`` row read as an instance: ``title_fr`` is ``row[prefix + "title_fr"]``."""

    def __init__(self, row: dict[str, Any], prefix: str = "") -> None:
        self._row = row
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        value = self._row.get(self._prefix + name)
        if name == "translation_status":
            return value or {}
        return value


def row_values(fields: Iterable[str], prefix: str = "") -> tuple[str, ...]:
    """The columns ``RowText`` reads of these fields: every language's, and the statuses."""
    columns = [
        prefix + build_localized_fieldname(f, code) for f in fields for code in language_codes()
    ]
    return (*columns, prefix + "translation_status")


def translated(
    obj: Any, fields: Iterable[str], *, every: bool, language: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Each field's value as the API gives it, and the fields that fell back to the original.

    A field whose original is empty falls back to nothing: there is nothing to translate."""
    language = language or get_language() or settings.CONTENT_ORIGINAL_LANGUAGE
    values: dict[str, Any] = {}
    missing: list[str] = []
    for field in fields:
        text = field_text(obj, field, language)
        if text.missing and text.text:
            missing.append(field)
        values[field] = all_translations(obj, field) if every else text.text
    return values, missing


class TranslatedFields:
    # A serializer mixin: the fields named in ``translated_fields`` in the request's language
    # (or every language), and ``missing_translations`` (declare it with
    # ``missing_translations_field()`` and name it in the fields). No docstring: the schema
    # would take it for every serializer's description that has none of its own.

    translated_fields: tuple[str, ...] = ()
    context: dict[str, Any]

    def translated_object(self, instance: Any) -> Any:
        """What the translated fields are read from: the instance, unless it holds them."""
        return instance

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)  # type: ignore[misc]
        source = self.translated_object(instance)
        if source is None:
            data["missing_translations"] = []
            return data
        values, missing = translated(
            source, self.translated_fields, every=every_language_asked(self.context)
        )
        data.update(values)
        data["missing_translations"] = missing
        return data

    @extend_schema_field(
        serializers.ListField(child=serializers.CharField(), help_text=MISSING_HELP)
    )
    def get_missing_translations(self, instance: Any) -> list[str]:
        # Filled by ``to_representation``, which reads the fields once for both.
        return []


def missing_translations_field() -> serializers.SerializerMethodField:
    return serializers.SerializerMethodField(help_text=MISSING_HELP)


class TranslationTextSerializer(serializers.Serializer[dict[str, Any]]):
    """One language of a translated field (``?translations=all``)."""

    text = serializers.CharField(help_text="Empty where the language has no text yet.")
    status = serializers.ChoiceField(
        choices=TranslationState.choices,
        help_text="original: the English the record is written in; official: a UN "
        "translation; unofficial: translated here, to be checked; missing: no text yet.",
    )


class AllTranslationsSerializer(serializers.Serializer[dict[str, Any]]):
    """A translated field in every language, by language code (``?translations=all``)."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # The codes (``zh-hans``) are no Python names: the fields are added here.
        return {code: TranslationTextSerializer() for code in language_codes()}
