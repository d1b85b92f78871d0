"""Keyset (cursor) pagination: a list walked by the position of its last row instead of by page
number, so that a page costs one index range however deep it is, and a row added or removed
while a client walks the list neither repeats nor skips another.

A list is in cursor mode when the request sends ``cursor`` (the opaque token of a ``next`` or
``previous`` link) or ``paginate=cursor`` (its first page); ``page`` is then ignored. The order
is the list's own (``ordering``, or the list's default), made total by the row's id; nulls sort
last. The token
names that order and the sort key of the row it starts after: a token that does not decode, or
that was made for another order, is refused with 404 ``Invalid cursor.``, as DRF's own
``CursorPagination`` refuses it."""

import base64
import binascii
import json
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, Model, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR = "cursor"
MODE = "paginate"

# (name, descending) of each key of the order.
Keys = list[tuple[str, bool]]


def cursor_mode(params: Any) -> bool:
    """Whether the query string asks for cursor mode: a cursor (an empty one is none, as an
    empty filter is no filter), or ``paginate=cursor``. Either wins over ``page``."""
    return bool(params.get(CURSOR)) or params.get(MODE) == "cursor"


def _keys(queryset: QuerySet[Any]) -> Keys:
    names = [n for n in queryset.query.order_by or queryset.model._meta.ordering]
    keys = [(n.lstrip("-"), n.startswith("-")) for n in names if isinstance(n, str)]
    if not any(name in {"pk", "id"} for name, _desc in keys):
        keys.append(("pk", False))
    return keys


def _order(name: str, descending: bool, backwards: bool) -> OrderBy:
    """Forward, nulls come last; walking backwards is the exact reverse."""
    field = F(name)
    if backwards:
        return field.asc(nulls_first=True) if descending else field.desc(nulls_first=True)
    return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)


def _beyond(name: str, descending: bool, value: Any, backwards: bool) -> Q:
    """The rows whose key ``name`` lies past ``value`` in the walk's direction."""
    if not backwards:
        if value is None:
            return Q(pk__in=[])  # nothing sorts after a null
        past = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
        return past | Q(**{f"{name}__isnull": True})
    if value is None:
        return Q(**{f"{name}__isnull": False})
    return Q(**{f"{name}__gt" if descending else f"{name}__lt": value})


def _equal(name: str, value: Any) -> Q:
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def _past(keys: Keys, values: list[Any], backwards: bool) -> Q:
    """Lexicographic: past the first key, or equal to it and past the second, and so on."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        condition |= equal & _beyond(name, descending, value, backwards)
        equal &= _equal(name, value)
    return condition


def _value(row: Model | dict[str, Any], name: str) -> Any:
    """The row's key ``name``; a row read by ``.values()`` is a dict (emgtracker/values.py)."""
    value = row[name] if isinstance(row, dict) else getattr(row, name)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _invalid() -> exceptions.NotFound:
    return exceptions.NotFound(_("Invalid cursor."))


def _decode(token: str, model: type[Model], keys: Keys) -> tuple[list[Any], bool]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        order, values, backwards = data["o"], data["v"], data["b"]
    except (ValueError, UnicodeError, binascii.Error, TypeError, KeyError) as error:
        raise _invalid() from error
    if order != [n for n, _d in keys] or not isinstance(values, list) or len(values) != len(keys):
        raise _invalid()
    return [_checked(model, name, value) for name, value in zip(order, values, strict=True)], bool(
        backwards
    )


def _checked(model: type[Model], name: str, value: Any) -> Any:
    """The value as its field takes it; one it cannot take names no row of this list."""
    if value is None:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or "\x00" in str(value):
        raise _invalid()
    try:
        field = model._meta.get_field("id" if name == "pk" else name)
    except FieldDoesNotExist:
        return value  # an annotation of text (a participant's name)
    if not isinstance(field, Field):
        raise _invalid()
    try:
        return field.to_python(value)
    except (ValidationError, ValueError, TypeError) as error:
        raise _invalid() from error


def _encode(keys: Keys, values: list[Any], backwards: bool) -> str:
    data = {"o": [n for n, _d in keys], "v": values, "b": backwards}
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()


class KeysetPage:
    """One page of a list in cursor mode, and the links to the pages beside it."""

    def __init__(self, queryset: QuerySet[Any], request: Request, size: int) -> None:
        keys = _keys(queryset)
        token = request.query_params.get(CURSOR)
        values, backwards = _decode(token, queryset.model, keys) if token else (None, False)
        ordered = queryset.order_by(*(_order(n, d, backwards) for n, d in keys))
        if values is not None:
            ordered = ordered.filter(_past(keys, values, backwards))
        rows = list(ordered[: size + 1])
        more = len(rows) > size
        self.rows = rows[:size]
        if backwards:
            self.rows.reverse()
        first = [_value(self.rows[0], n) for n, _d in keys] if self.rows else values
        last = [_value(self.rows[-1], n) for n, _d in keys] if self.rows else values
        url = remove_query_param(request.build_absolute_uri(), "page")
        has_next = more if not backwards else True
        has_previous = values is not None if not backwards else more
        self.next = self._link(url, keys, last, False) if has_next else None
        self.previous = self._link(url, keys, first, True) if has_previous else None

    @staticmethod
    def _link(url: str, keys: Keys, values: list[Any] | None, backwards: bool) -> str | None:
        if values is None:
            return remove_query_param(url, CURSOR) if backwards else None
        return str(replace_query_param(url, CURSOR, _encode(keys, values, backwards)))
