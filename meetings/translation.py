"""The meetings' translated fields (django-modeltranslation; docs/languages.md).

A missing translation is stored as NULL (``empty_values``), so a unique original stays unique
without every language having a text yet.
"""

from modeltranslation.translator import TranslationOptions, register

from meetings.models import AgendaItem, Meeting


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = Meeting.TRANSLATED_FIELDS
    empty_values = None


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = AgendaItem.TRANSLATED_FIELDS
    empty_values = None
