"""The admin of a translated model: the six languages side by side, each translation's status
beside it, filters for what is missing or unofficial (docs/languages.md).

modeltranslation's ``TranslationAdmin`` puts the language columns in the form (``title_en`` …
``title_zh_hans``) and makes the English one required where the original is. Its tabbed variant
is not used: it loads jQuery UI from a CDN, and nothing here loads from one.

Each non-English column gets an "official" box on its line; the form saves them into
``translation_status`` (a translation whose box is clear is unofficial; a column with no text
has no status) and keeps whatever else that field holds.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from meetings.models import Translated, TranslationState
from meetings.models.translated import needing_translation, translation_languages

OFFICIAL_SUFFIX = "_official"


def translated_columns(model: type[Model]) -> list[str]:
    """The columns a translation's status is kept for: every translated field in every
    language but the original."""
    fields: tuple[str, ...] = getattr(model, "TRANSLATED_FIELDS", ())
    return [build_localized_fieldname(f, code) for f in fields for code in translation_languages()]


def official_field(column: str) -> str:
    return f"{column}{OFFICIAL_SUFFIX}"


class TranslationStatusForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that reads and writes each translation's status (``status_form`` gives it
    its boxes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.instance.translation_status or {}
        for column in translated_columns(self._meta.model):
            name = official_field(column)
            if name in self.fields:
                self.initial[name] = status.get(column) == TranslationState.OFFICIAL

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        status = dict(self.instance.translation_status or {})
        for column in translated_columns(self._meta.model):
            name = official_field(column)
            if name not in self.fields or column not in self.fields:
                continue
            if not getattr(self.instance, column, None):
                status.pop(column, None)
            elif self.cleaned_data.get(name):
                status[column] = TranslationState.OFFICIAL.value
            else:
                status[column] = TranslationState.UNOFFICIAL.value
        self.instance.translation_status = status


def status_form(
    model: type[Model],
    base: type[forms.ModelForm] = forms.ModelForm,  # type: ignore[type-arg]
) -> type[TranslationStatusForm]:
    """``base`` with an "official" box for each of ``model``'s translated columns."""
    boxes = {
        official_field(column): forms.BooleanField(
            required=False,
            label=_("Official"),
            help_text=_("A UN translation; leave clear for one made here, to be checked."),
        )
        for column in translated_columns(model)
    }
    bases = (TranslationStatusForm,) if base is forms.ModelForm else (TranslationStatusForm, base)
    form: type[TranslationStatusForm] = type(f"{model.__name__}StatusForm", bases, boxes)
    return form


def with_status_fields(
    fieldsets: Any, model: type[Model], *, boxes_shown: bool = True
) -> list[Any]:
    """``fieldsets`` with each translated column's box on its line (unless not
    ``boxes_shown``), and ``translation_status`` left out (the boxes write it)."""
    columns = set(translated_columns(model))
    boxes = {official_field(c) for c in columns}
    patched = []
    for name, options in fieldsets:
        fields: list[Any] = []
        for field in options.get("fields", ()):
            if field in boxes or field == "translation_status":
                continue
            boxed = boxes_shown and field in columns
            fields.append((field, official_field(field)) if boxed else field)
        patched.append((name, {**options, "fields": fields}))
    return patched


class _LanguageFilter(admin.SimpleListFilter):
    missing: bool

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        names = dict(settings.LANGUAGES)
        return [(code, names[code]) for code in translation_languages()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        language = self.value()
        if language not in translation_languages():
            return queryset
        fields = queryset.model.TRANSLATED_FIELDS
        return queryset.filter(needing_translation(fields, language, missing=self.missing))


class MissingInLanguage(_LanguageFilter):
    title = _("translation missing in")
    parameter_name = "missing_in"
    missing = True


class UnofficialInLanguage(_LanguageFilter):
    title = _("unofficial translation in")
    parameter_name = "unofficial_in"
    missing = False


class TranslatedAdmin(TranslationAdmin):  # type: ignore[type-arg]
    """Put first among a translated model's admin's bases; ``form`` must come from
    ``status_form``."""

    translation_filters = [MissingInLanguage, UnofficialInLanguage]

    def __init__(self, model: type[Model], admin_site: admin.AdminSite) -> None:
        if not mt_settings.ENABLE_REGISTRATIONS:
            # The type checker loads the apps without the registrations (emgtracker/conf/
            # languages.py); it needs the admin registered, not the language columns.
            admin.ModelAdmin.__init__(self, model, admin_site)
            return
        super().__init__(model, admin_site)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._with_boxes(request, obj, super().get_fieldsets(request, obj))

    def translated_fieldsets(self, request: HttpRequest, obj: Any, fieldsets: Any) -> list[Any]:
        """Fieldsets written with the original's names, as the form shows them."""
        replaced = [
            (name, {**options, "fields": self.replace_orig_field(options.get("fields", ()))})
            for name, options in fieldsets
        ]
        return self._with_boxes(request, obj, replaced)

    def _with_boxes(self, request: HttpRequest, obj: Any, fieldsets: Any) -> list[Any]:
        # A reader who may only look gets the texts; a box has nothing to show read-only.
        editable = obj is None or self.has_change_permission(request, obj)
        return with_status_fields(fieldsets, self.model, boxes_shown=editable)

    def get_list_filter(self, request: HttpRequest) -> Any:
        return [*super().get_list_filter(request), *self.translation_filters]

    @admin.display(description=_("Translations missing"))
    def translations_missing(self, obj: Translated) -> int:
        """How many of the row's fields, in how many languages, have no text yet: read from
        the row's own columns, no query."""
        return sum(1 for column in translated_columns(type(obj)) if not getattr(obj, column, None))
