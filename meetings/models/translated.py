"""Content in the six languages: each translated field's value and its status (docs/languages.md).

django-modeltranslation keeps a column per language beside each translated field (``title_fr``,
``summary_ar``), so a page reads every language of its rows in the query it already makes; the
registrations are in each app's ``translation.py``. What a column cannot say is how far to trust
its text: ``translation_status`` keeps that, by localized field name.

- *original*: the language the content was written in, the reports' English;
- *official*: the text of a UN translation;
- *unofficial*: translated here, to be checked;
- *missing*: no text yet; readers get the original with a visible note.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname


class TranslationState(models.TextChoices):
    ORIGINAL = "original", _("Original")
    OFFICIAL = "official", _("Official translation")
    UNOFFICIAL = "unofficial", _("Unofficial translation, to be checked")
    MISSING = "missing", _("Not yet translated")


# The states a person sets on a translation; the other two follow from the text itself.
SETTABLE = (TranslationState.OFFICIAL, TranslationState.UNOFFICIAL)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translation_languages() -> list[str]:
    """The five languages content is translated into: all but the original."""
    return [code for code in language_codes() if code != settings.CONTENT_ORIGINAL_LANGUAGE]


class OriginalText:
    """For a translated model's QuerySet: a field's name means its original text.

    django-modeltranslation would rewrite ``title`` to the reader's language (``title_fr``) in
    every filter, ordering, ``update()`` and ``values()``: a French request would then sort on a
    column half empty, page by a cursor that means another thing in English, and write a sort
    key from a translation. Here it does not; the reader's language is read on purpose, by the
    instance (``obj.title`` follows the language), by ``field_text``, or by ``.rewrite()`` on a
    query that wants it. Sorting and filtering by name go by the original, which every row has.
    """

    # Mixed in before modeltranslation's queryset, whose ``_post_init`` turns rewriting on.
    _rewrite = False
    _populate = None

    def _post_init(self) -> None:
        self._rewrite = False
        self._populate = None

    def update(self, **kwargs: Any) -> int:
        # An UPDATE skips ``Translated.save``: the original's column is written with the field,
        # so the two never part.
        original = settings.CONTENT_ORIGINAL_LANGUAGE
        for field in getattr(self.model, "TRANSLATED_FIELDS", ()):  # type: ignore[attr-defined]
            column = build_localized_fieldname(field, original)
            if field in kwargs and column not in kwargs:
                kwargs[column] = kwargs[field]
        return super().update(**kwargs)  # type: ignore[misc, no-any-return]


def language_columns(*fields: str) -> list[str]:
    """Every language's column of these fields: what the history leaves out, keeping the
    original in the field itself (``Translated.save``)."""
    return [build_localized_fieldname(f, code) for f in fields for code in language_codes()]


class Translated(models.Model):
    """A model some of whose fields are translated; ``TRANSLATED_FIELDS`` names them, in the
    order the admin and the API show them."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    translation_status = models.JSONField(
        _("translation status"),
        default=dict,
        blank=True,
        help_text=_(
            "Official or unofficial, by translated field and language (e.g. title_fr). "
            "A translation with no status is unofficial."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The untranslated column keeps the original text, whatever language the row was written
        # in: its constraints (not blank, unique) and the history read it. Written here because
        # the admin and the API write the language columns themselves.
        original = settings.CONTENT_ORIGINAL_LANGUAGE
        for field in self.TRANSLATED_FIELDS:
            column = build_localized_fieldname(field, original)
            text = getattr(self, column)
            if not text and self.__dict__.get(field):
                # Written by its plain name in another language's request: that is the text.
                text = self.__dict__[field]
                setattr(self, column, text)
            self.__dict__[field] = "" if text is None else text
        super().save(*args, **kwargs)


@dataclass(frozen=True)
class FieldText:
    """One translated field as a reader in one language gets it."""

    text: str
    language: str  # the language of ``text``: the reader's, or the original's when missing
    state: TranslationState

    @property
    def missing(self) -> bool:
        return self.state == TranslationState.MISSING


def translation_state(obj: Translated, field: str, language: str) -> TranslationState:
    if language == settings.CONTENT_ORIGINAL_LANGUAGE:
        return TranslationState.ORIGINAL
    localized = build_localized_fieldname(field, language)
    if not getattr(obj, localized, None):
        return TranslationState.MISSING
    if obj.translation_status.get(localized) == TranslationState.OFFICIAL:
        return TranslationState.OFFICIAL
    return TranslationState.UNOFFICIAL


def original_text(obj: Translated, field: str) -> str:
    """The field's original text, whatever the language active: what sort keys and the history
    keep (``obj.<field>`` follows the reader's language)."""
    column = build_localized_fieldname(field, settings.CONTENT_ORIGINAL_LANGUAGE)
    return getattr(obj, column, None) or ""


def field_text(obj: Translated, field: str, language: str | None = None) -> FieldText:
    """The field in the reader's language, or the original with ``missing`` set: never a
    silent fallback."""
    language = language or get_language() or settings.CONTENT_ORIGINAL_LANGUAGE
    if language not in language_codes():
        language = settings.CONTENT_ORIGINAL_LANGUAGE
    state = translation_state(obj, field, language)
    if state == TranslationState.MISSING:
        original = settings.CONTENT_ORIGINAL_LANGUAGE
        text = getattr(obj, build_localized_fieldname(field, original), None) or ""
        return FieldText(text=text, language=original, state=state)
    text = getattr(obj, build_localized_fieldname(field, language), None) or ""
    return FieldText(text=text, language=language, state=state)


def all_translations(obj: Translated, field: str) -> dict[str, dict[str, Any]]:
    """Every language of one field with its status: the API's ``?translations=all``."""
    return {
        language: {
            "text": getattr(obj, build_localized_fieldname(field, language), None) or "",
            "status": translation_state(obj, field, language).value,
        }
        for language in language_codes()
    }


def needing_translation(field_names: tuple[str, ...], language: str, *, missing: bool) -> Q:
    """Rows with a field in ``language`` missing (``missing=True``), or translated but not
    official: the admin's filters."""
    found = Q()
    for field in field_names:
        localized = build_localized_fieldname(field, language)
        empty = Q(**{f"{localized}__isnull": True}) | Q(**{localized: ""})
        if missing:
            found |= empty
        else:
            status = f"translation_status__{localized}"
            # A key not there is unofficial; SQL's NOT of a missing key would drop the row.
            unofficial = Q(**{f"{status}__isnull": True}) | ~Q(
                **{status: TranslationState.OFFICIAL.value}
            )
            found |= ~empty & unofficial
    return found
