"""The languages: the interface's six, and how content is translated (docs/languages.md)."""

import sys

# The six official languages of the United Nations, each in its own name (docs/languages.md).
# The interface speaks all six; content is written in English, the language of the meeting
# reports, and translated field by field (meetings/models/translated.py).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
CONTENT_ORIGINAL_LANGUAGE = "en"
MODELTRANSLATION_DEFAULT_LANGUAGE = CONTENT_ORIGINAL_LANGUAGE
MODELTRANSLATION_FALLBACK_LANGUAGES = (CONTENT_ORIGINAL_LANGUAGE,)

# The type checker loads these settings to learn the models; modeltranslation's registration
# swaps each translated model's manager for a class made at run time, which django-stubs cannot
# name. It checks the models as written, without the language columns.
MODELTRANSLATION_ENABLE_REGISTRATIONS = "mypy" not in sys.modules
