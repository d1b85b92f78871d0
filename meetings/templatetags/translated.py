"""A translated field on a page, in the reader's language, never falling back silently
(docs/languages.md).

``{% translated workstream "title" %}`` writes the field's text in the page's language. Where
that language has no text yet it writes the English original inside ``lang="en"`` with a visible
"not yet translated" note; an unofficial translation carries a small "unofficial translation"
mark. The notes are words in the flow of the text, so a screen reader says them and a printed
page keeps them; a colour never carries them alone.

``plain`` gives the same as text for places that cannot hold markup (a ``<title>``, an
e-mail); ``words=N`` shortens the text as ``truncatewords`` would.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from meetings.models import Translated, TranslationState
from meetings.models.translated import FieldText, field_text

register = template.Library()


def _note(state: TranslationState) -> str:
    """The words a reader gets beside a text that is not a checked text of their language."""
    if state == TranslationState.MISSING:
        return _("not yet translated")
    if state == TranslationState.UNOFFICIAL:
        return _("unofficial translation")
    return ""


def _shortened(text: str, words: int | None) -> str:
    return Truncator(text).words(words, truncate="…") if words else text


def _markup(found: FieldText, text: str) -> SafeString:
    note = _note(found.state)
    if found.state == TranslationState.MISSING:
        # The original's language said, so a screen reader reads it as English; its direction
        # too, so it reads left to right on an Arabic page.
        return format_html(
            '<span lang="{}" dir="ltr">{}</span> <small class="translation-note missing">{}</small>',
            found.language,
            text,
            note,
        )
    if found.state == TranslationState.UNOFFICIAL:
        return format_html(
            '<span class="translation-unofficial" title="{}">{}</span> '
            '<small class="translation-note unofficial">{}</small>',
            TranslationState.UNOFFICIAL.label,
            text,
            note,
        )
    return format_html("{}", text)


@register.simple_tag
def translated(obj: Translated | None, field: str, mode: str = "", words: int | None = None) -> str:
    """``obj``'s ``field`` in the reader's language; see the module's docstring."""
    if obj is None:
        return ""
    found = field_text(obj, field)
    text = _shortened(found.text, words)
    if not text:
        return ""
    if mode == "plain":
        note = _note(found.state)
        return f"{text} ({note})" if note else text
    return _markup(found, text)
