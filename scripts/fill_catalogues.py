"""Fill the five catalogues from translation files, after ``makemessages`` added new messages.

Usage: ``.venv/bin/python scripts/fill_catalogues.py FILE.json [FILE.json ...]``

Each file is a JSON list of messages, one object each::

    {"msgid": "Follow", "ar": "…", "zh_Hans": "…", "fr": "…", "ru": "…", "es": "…"}
    {"msgctxt": "verb", "msgid": "…", "ar": "…", …}
    {"msgid": "%(count)d change", "msgid_plural": "%(count)d changes",
     "ar": ["…", "…", "…", "…", "…", "…"], "zh_Hans": ["…"], "fr": ["…", "…"], …}

A plural gives every form its language's ``Plural-Forms`` header asks for. Only messages the
catalogue holds and has not translated are filled (a translation someone made is never
replaced); the script lists any message of a file the catalogue does not hold, and any message
of a catalogue still untranslated after it ran. It exits non-zero if any remain.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ar", "zh_Hans", "fr", "ru", "es"]


def _key(entry: dict[str, Any] | polib.POEntry) -> tuple[str, str]:
    if isinstance(entry, polib.POEntry):
        return entry.msgctxt or "", entry.msgid
    return entry.get("msgctxt", ""), entry["msgid"]


def _fill(catalogue: polib.POFile, language: str, messages: list[dict[str, Any]]) -> list[str]:
    held = {_key(entry): entry for entry in catalogue if not entry.obsolete}
    unknown = []
    for message in messages:
        entry = held.get(_key(message))
        text = message.get(language)
        if entry is None:
            unknown.append(message["msgid"])
            continue
        if text is None or entry.translated():
            continue
        if entry.msgid_plural:
            forms = text if isinstance(text, list) else [text]
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    return unknown


def main(paths: list[str]) -> int:
    messages = [m for path in paths for m in json.loads(Path(path).read_text(encoding="utf-8"))]
    missing = 0
    for language in LANGUAGES:
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        unknown = _fill(catalogue, language, messages)
        catalogue.save(str(path))
        # Wrapped as makemessages and msgcat wrap, so that a diff shows only what changed.
        subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)
        untranslated = [e.msgid for e in catalogue.untranslated_entries()]
        untranslated += [e.msgid for e in catalogue.fuzzy_entries()]
        for msgid in sorted(set(unknown)) if language == LANGUAGES[0] else []:
            print(f"not in the catalogues (run makemessages first?): {msgid!r}")
        for msgid in untranslated:
            print(f"{language}: still untranslated: {msgid!r}")
        missing += len(untranslated)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
