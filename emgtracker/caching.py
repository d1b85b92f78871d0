"""Conditional requests and the shared page cache, for anonymous reads of the public record.

Every public page, feed and API answer is a function of the record's version
(``meetings/record_version.py``), the address with its query string, the language, the API's
``Accept``, the day (pages say what is upcoming) and the release of the code. From those, before
any view runs, this middleware names the answer: its ETag, its Last-Modified and its key in the
cache. A client holding that ETag is answered 304 at the cost of one cache read (the version);
an answer already rendered for that key is sent from the cache; any other is rendered, and kept
when it is fit to share. A write moves the version on, so the next request names a new answer:
nothing is purged, and no answer from before the write is sent after it.

Logged-in users, API tokens and requests carrying a message are not served from here: their
answers are rendered and marked ``private, no-cache``. docs/operations.md#caching.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, time
from functools import cache as once
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from meetings.record_version import Version, record_version_current

# The public reads, by URL name: the pages and feeds, and every GET of these API resources.
PUBLIC_PAGES = frozenset(
    {
        "workstreams:timeline",
        "workstreams:list",
        "workstreams:detail",
        "workstreams:feed",
        "workstreams:detail_feed",
        "workstreams:detail_calendar",
        "meetings:list",
        "meetings:calendar",
        "meetings:detail",
        "entities:list",
        "entities:detail",
        "search:search",
        "api:api-root",
    }
)
PUBLIC_API = (
    *("meeting", "participant", "entity", "workstream"),
    *("update", "decision", "proposal", "timeline", "search"),
    "event",
)

# Headers a kept answer does not carry to the next client: they belong to one exchange.
NOT_KEPT = {"date", "set-cookie", "vary"}

PAGE_PREFIX = "record-page"
# Where process_view leaves the named answer for __call__ (a WSGI-style extension key).
REPRESENTATION = "emgtracker.record_representation"


class RecordCacheMiddleware:
    """ETag, Last-Modified, 304 and the shared cache for anonymous reads (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        release()  # named as the process starts, not at its first request

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        named: Representation | None = request.META.get(REPRESENTATION)
        if named is not None:
            fit = not named.served and _shareable(request, response)
            if fit and request.method == "GET":
                named.keep(response)
            if named.served or fit:
                named.mark(response)
        elif _logged_in(request) and not response.has_header("Cache-Control"):
            # A logged-in user may see drafts, and always sees the record as it is now.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        if not (settings.CACHE_RECORD_ANSWERS and _public_read(request)):
            return None
        named = Representation(request, record_version_current())
        request.META[REPRESENTATION] = named
        if named.matches(request):
            named.served = True
            return HttpResponseNotModified()
        # Decided here, by the version: Django's ConditionalGetMiddleware, outside, would take a
        # date within the second of a write for a current copy.
        request.META.pop("HTTP_IF_MODIFIED_SINCE", None)
        kept = named.kept()
        if kept is not None and _throttles_allow(request, view):
            named.served = True
            return kept
        return None


class Representation:
    """One answer of the public record, named before it is rendered."""

    def __init__(self, request: HttpRequest, version: Version) -> None:
        api = request.path.startswith("/api/")
        today = timezone.localdate()
        parts = [
            release(),
            # The time as well: a database restored from a backup counts the same numbers again.
            f"{version.number}@{version.changed_at.isoformat()}",
            today.isoformat(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            translation.get_language() or "",
            request.headers.get("Accept", "") if api else "",
        ]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        self.api = api
        self.etag = f'W/"{version.number}-{digest}"'
        self.key = f"{PAGE_PREFIX}:{digest}"
        # The answer can change at midnight as well as at a write: what is upcoming moves on.
        midnight = timezone.make_aware(datetime.combine(today, time()))
        self.last_modified = int(max(version.changed_at, midnight).timestamp())
        self.changed_at = version.changed_at.timestamp()
        self.served = False

    def matches(self, request: HttpRequest) -> bool:
        """Whether the client's copy is this answer: by ETag (weakly), else by date."""
        if request.method not in ("GET", "HEAD"):
            return False
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            theirs = {_opaque(tag) for tag in parse_etags(if_none_match)}
            return _opaque(self.etag) in theirs
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        # Dates count whole seconds, and two writes may fall within one: only a date a whole
        # second after this version's change is surely of a copy that already had it.
        return since is not None and self.last_modified <= since and self.changed_at + 1 <= since

    def kept(self) -> HttpResponse | None:
        stored = cache.get(self.key)
        if stored is None:
            return None
        status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response

    def keep(self, response: HttpResponseBase) -> None:
        assert isinstance(response, HttpResponse)  # _shareable refuses a streamed answer
        headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT]
        stored = (response.status_code, headers, response.content)
        cache.set(self.key, stored, settings.CACHE_PAGE_SECONDS)

    def mark(self, response: HttpResponseBase) -> None:
        """The validators and the caching headers, on the full answer and on the 304 alike."""
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        if not response.has_header("Cache-Control"):
            # Browsers ask again each time (a 304 is cheap); a CDN keeps it a few seconds.
            patch_cache_control(response, public=True, max_age=0)
        # A view's own max-age (the feeds') is for readers; a CDN revalidates as for the rest.
        patch_cache_control(
            response,
            s_maxage=settings.CACHE_CDN_MAX_AGE,
            stale_while_revalidate=settings.CACHE_CDN_STALE_WHILE_REVALIDATE,
        )
        # Authorization: a token may see drafts. Cookie: so may a session.
        vary = ["Accept", "Authorization", "Cookie"] if self.api else ["Cookie"]
        patch_vary_headers(response, [*vary, "Accept-Language"])


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")


def _public_read(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    match = request.resolver_match
    name = match.view_name if match else ""
    public = name in PUBLIC_PAGES or (
        name.startswith("api:") and name.removeprefix("api:").startswith(_api_prefixes())
    )
    # A message waiting in its cookie is shown on the next page, to that visitor alone.
    return public and "messages" not in request.COOKIES and not _logged_in(request)


@once
def _api_prefixes() -> tuple[str, ...]:
    return tuple(f"{basename}-" for basename in PUBLIC_API)


def _logged_in(request: HttpRequest) -> bool:
    if "Authorization" in request.headers:
        return True
    # Without a session cookie no one is logged in: the session need not be read to know it.
    user = getattr(request, "user", None)
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    return bool(has_session and user is not None and user.is_authenticated)


def _shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Only a whole, successful answer that holds nothing of this visitor's."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.cookies
        and not response.has_header("Content-Encoding")
        and "private" not in cache_control
        and "no-store" not in cache_control
        # A CSRF token or a CSP nonce in the page is this visitor's alone.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
    )


def _throttles_allow(request: HttpRequest, view: Any) -> bool:
    """A kept API answer still counts against the client's limit; over it, the view answers
    (with its 429). A 304 is not counted: it sends nothing of the record."""
    view_class = getattr(view, "cls", None)
    if view_class is None:
        return True
    return all(throttle().allow_request(request, None) for throttle in view_class.throttle_classes)


@once
def release() -> str:
    """What names this release of the code: an answer kept by another release is not served.

    RELEASE from the environment (settings.CACHE_RELEASE), or else the names, sizes and times
    of the files of our apps, templates and static files. Walked once a process, as the
    middleware is made."""
    if settings.CACHE_RELEASE:
        return str(settings.CACHE_RELEASE)
    base = Path(settings.BASE_DIR)
    ours = {Path(config.path) for config in apps.get_app_configs()} | {base / "emgtracker"}
    apps_here = sorted(
        path for path in ours if path.is_relative_to(base) and "site-packages" not in path.parts
    )
    roots = [base / "templates", base / "static", *apps_here]
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(base)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:16]
