"""Every string a reader sees is marked for translation, and the five catalogues are complete.

The template scan drops what Django renders ({% %}, {{ }}) and what is already marked
({% blocktranslate %} bodies), then reads the rest as HTML: any word left in a text node or in an
attribute people read is a string nobody can translate. An element marked ``translate="no"``
(HTML's own word for it: a header to copy, a file's column names) is left out, as a
translation tool would leave it.
"""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
CATALOGUE_LANGUAGES = ("ar", "zh_Hans", "fr", "ru", "es")

# Not words of any language, so there is nothing to translate.
ALLOWED = frozenset(
    {
        "EMG",  # the brand mark in the header, a logo rather than a word
        "GET",  # HTTP methods on the browsable API's buttons: protocol, the same in every language
        "OPTIONS",
        "DELETE",
    }
)

_WORD = re.compile(r"[^\W\d_]{2,}")
_PLACEHOLDER = "\u2400"  # letter-free, so a rendered value never counts as a word
_OPENERS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
_OPENERS.update(comment="endcomment", verbatim="endverbatim")
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


def _skeleton(source: str) -> str:
    """The template with Django's tokens replaced and marked or commented text dropped.

    Newlines are kept so that the HTML parser's line numbers are the template's.
    """
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.contents.split() else ""
        if closing is not None:
            if token.token_type == TokenType.BLOCK and name == closing:
                closing = None
            parts.append("\n" * token.contents.count("\n"))
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK and name in _OPENERS:
            closing = _OPENERS[name]
        parts.append(_PLACEHOLDER + "\n" * token.contents.count("\n"))
    return "".join(parts)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_depth = 0
        # The open element marked translate="no", and how many of its kind are open inside it.
        self._kept: str | None = None
        self._kept_depth = 0

    def _note(self, text: str | None) -> None:
        if self._kept is None and text and any(word not in ALLOWED for word in _WORD.findall(text)):
            self.found.append((self.getpos()[0], " ".join(text.split())))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style"):
            self._raw_depth += 1
        if self._kept == tag:
            self._kept_depth += 1
        elif self._kept is None and values.get("translate") == "no":
            self._kept, self._kept_depth = tag, 1
        for name in _READ_ATTRIBUTES:
            self._note(values.get(name))
        if tag == "input" and values.get("type") in ("submit", "button"):
            self._note(values.get("value"))
        if tag == "meta" and values.get("name") == "description":
            self._note(values.get("content"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("script", "style") and dict(attrs).get("translate") != "no":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._kept:
            self._kept_depth -= 1
            if not self._kept_depth:
                self._kept = None
        if tag in ("script", "style") and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_depth:
            self._note(data)


def unmarked_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every readable string in a template that is not marked for translation."""
    reader = _Reader()
    reader.feed(_skeleton(source))
    reader.close()
    return reader.found


def _templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in (".html", ".txt", ".xml"))


def test_every_template_string_is_marked_for_translation() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _templates()
        for line, text in unmarked_strings(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "Strings not marked for translation:\n" + "\n".join(problems)


def test_the_scan_finds_an_unmarked_string_and_passes_a_marked_one() -> None:
    source = (
        "{% load i18n %}<h1>{% translate 'Meetings' %}</h1>\n"
        "{% blocktranslate trimmed %}Held in {{ city }}{% endblocktranslate %}\n"
        '<p title="{{ tip }}">{{ count }} — {% comment %}a note{% endcomment %}</p>\n'
        "<script>const label = 'hidden';</script>\n"
        '<a href="/x" aria-label="Next page">{% translate \'Next\' %}</a>\n'
        '<p>Outcome of the session</p><input type="submit" value="Save">\n'
        '<code translate="no">Authorization: Token {{ key }}</code><p>Key</p>'
    )
    assert unmarked_strings(source) == [
        (5, "Next page"),
        (6, "Outcome of the session"),
        (6, "Save"),
        (7, "Key"),
    ]


def _regenerated_locale(tmp_path: Path) -> Path:
    """A copy of the project with its catalogues brought up to date by makemessages.

    The copy keeps the real catalogues untouched; makemessages merges their translations in.
    """
    skip = shutil.ignore_patterns(".venv", "node_modules", "staticfiles", ".git", "__pycache__")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=skip)
    command = [sys.executable, "manage.py", "makemessages", "-v0", "--no-obsolete"]
    command += [f"-l{language}" for language in CATALOGUE_LANGUAGES]
    for ignored in ("tests", "scripts", "staticfiles", "node_modules", ".venv"):
        command.append(f"--ignore={ignored}")
    subprocess.run(command, cwd=copy, check=True)
    return copy / "locale"


@pytest.fixture(scope="module")
def regenerated_locale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _regenerated_locale(tmp_path_factory.mktemp("catalogues"))


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_catalogue_translates_every_message(language: str, regenerated_locale: Path) -> None:
    path = regenerated_locale / language / "LC_MESSAGES" / "django.po"
    # Placeholders that differ from the msgid's (python-format) fail here.
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    catalogue = polib.pofile(str(path))
    # Every plural form the language has (Arabic six, Chinese one), each filled.
    forms = re.search(r"nplurals=(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    assert forms, f"{language}: the catalogue does not say its plural forms"
    plurals = int(forms[1])
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and (
            "fuzzy" in entry.flags
            or (entry.msgid_plural and sum(map(bool, entry.msgstr_plural.values())) < plurals)
            or (not entry.msgid_plural and not entry.msgstr)
        )
    ]
    assert not missing, f"{language}: {len(missing)} messages untranslated or fuzzy, first: " + (
        "; ".join(missing[:10])
    )
