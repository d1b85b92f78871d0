"""The API's links, resolved once per request: a list of 200 rows asks Django's URL resolver for
one address per kind of link, not one per row.

The first row of a kind reverses its URL with markers in place of the values that vary (a slug,
an id) and keeps the answer on the request; every row then puts its own values in place of the
markers, quoted as ``reverse()`` quotes them. The address is the one ``reverse()`` would give,
byte for byte."""

from collections.abc import Callable, Hashable, Sequence
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import serializers

# Letters only: reverse() and build_absolute_uri() keep them as they are.
_MARK = "zqemglink{}qz"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted in a URL's values
_CACHE = "_emg_links"


def link(
    request: Any, key: Hashable, values: Sequence[object], build: Callable[[list[str]], str]
) -> str:
    """The address ``build(values)`` would give: ``build`` is called once per request and
    ``key``, with markers for the values. Without a request, ``build`` is called as it is."""
    if request is None:
        return build([str(value) for value in values])
    links: dict[Hashable, str] = request.__dict__.setdefault(_CACHE, {})
    pattern = links.get(key)
    if pattern is None:
        pattern = links[key] = build([_MARK.format(i) for i in range(len(values))])
    for i, value in enumerate(values):
        pattern = pattern.replace(_MARK.format(i), quote(str(value), safe=_SAFE))
    return pattern


def document_link(request: Any, meeting_slug: str, token: object) -> str:
    """A meeting document's download address: absolute with a request, a path without."""

    def build(values: list[str]) -> str:
        path = reverse("meetings:document", args=values)
        return request.build_absolute_uri(path) if request is not None else path

    return link(request, "meetings:document", [meeting_slug, token], build)


class IdentityLinkField(serializers.HyperlinkedIdentityField):
    """DRF's link to an object's own endpoint, reversed once per request (see above)."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str | None:
        # As DRF: an unsaved object has no address.
        if hasattr(obj, "pk") and obj.pk in (None, ""):
            return None

        def build(values: list[str]) -> str:
            kwargs = {self.lookup_url_kwarg: values[0]}
            return str(self.reverse(view_name, kwargs=kwargs, request=request, format=format))

        key = (view_name, self.lookup_url_kwarg, format)
        return link(request, key, [getattr(obj, self.lookup_field)], build)
