"""The workstreams' translated fields (django-modeltranslation; docs/languages.md).

A missing translation is stored as NULL (``empty_values``), so a unique original stays unique
without every language having a text yet.
"""

from modeltranslation.translator import TranslationOptions, register

from workstreams.models import Decision, ProgressUpdate, Workstream


@register(Workstream)
class WorkstreamTranslation(TranslationOptions):
    fields = Workstream.TRANSLATED_FIELDS
    empty_values = None


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ProgressUpdate.TRANSLATED_FIELDS
    empty_values = None


@register(Decision)
class DecisionTranslation(TranslationOptions):
    fields = Decision.TRANSLATED_FIELDS
    empty_values = None
