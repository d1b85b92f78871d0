"""The page's other languages: the switcher's links and the ``hreflang`` alternates.

Given to every template by a context processor (settings.TEMPLATES). Each link is the same page
and query in another language, made from the request's address and language alone, so a page
kept by the shared cache (emgtracker/caching.py, keyed by path, query and language) holds the
right links for whoever is sent it. docs/dashboard.md, "Right to left and the language switcher".
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from emgtracker.languages import API_PREFIX, LANGUAGE_PARAMETER


@dataclass(frozen=True)
class LanguageLink:
    code: str  # Django's code, as in settings.LANGUAGES ("zh-hans")
    tag: str  # the BCP 47 tag for lang= and hreflang= ("zh-Hans")
    name: str  # the language in its own name
    url: str  # absolute
    current: bool


def language_tag(code: str) -> str:
    """``zh-hans`` → ``zh-Hans``: a script subtag is written in title case (BCP 47)."""
    base, _sep, rest = code.partition("-")
    if len(rest) == 4:
        return f"{base}-{rest.title()}"
    return f"{base}-{rest.upper()}" if rest else base


def _with_lang_parameter(full_path: str, code: str) -> str:
    """An unprefixed API page (the API's docs) takes its language from ``?lang=``."""
    parts = urlsplit(full_path)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k != LANGUAGE_PARAMETER] + [(LANGUAGE_PARAMETER, code)]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def _unprefixed(full_path: str, current: str) -> str | None:
    """The address without its language, which Django sends on by Accept-Language: the
    ``x-default``. None where the page has no language prefix."""
    prefix = f"/{current}/"
    if not full_path.startswith(prefix):
        return None
    return "/" + full_path.removeprefix(prefix)


@dataclass(frozen=True)
class LanguageChoice:
    links: list[LanguageLink]  # one per language, in settings order
    default_url: str | None  # the x-default, where the page has one


def language_links(request: HttpRequest) -> dict[str, Any]:
    """``language_choice``, worked out only by a template that reads it (not by fragments,
    e-mails or the admin's pages)."""
    return {"language_choice": SimpleLazyObject(lambda: _language_choice(request))}


def _language_choice(request: HttpRequest) -> LanguageChoice:
    current = translation.get_language() or settings.LANGUAGE_CODE
    full_path = request.get_full_path()
    api = request.path.startswith(API_PREFIX)
    links = []
    for code, name in settings.LANGUAGES:
        path = _with_lang_parameter(full_path, code) if api else translate_url(full_path, code)
        links.append(
            LanguageLink(
                code=code,
                tag=language_tag(code),
                name=name,
                url=request.build_absolute_uri(path),
                current=code == current,
            )
        )
    default = None if api else _unprefixed(full_path, current)
    return LanguageChoice(
        links=links, default_url=request.build_absolute_uri(default) if default else None
    )
