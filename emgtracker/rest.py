"""The REST framework's plumbing: what every API endpoint shares (pagination, ordering, strict
fields, CSV, permissions and the error shape), named in settings.REST_FRAMEWORK. The endpoints
themselves, viewsets, live in each app's ``api.py``; the schema's additions in ``openapi.py``.

Every error, from any endpoint, is JSON of one shape::

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"year": ["…"]}}}

``fields`` is present only for a refused field.
"""

import re
import sys
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import OperationalError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import bad_request as page_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as page_server_error
from rest_framework import exceptions, filters, permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework_csv.renderers import CSVRenderer as BaseCSVRenderer

from emgtracker.errors import error_body
from emgtracker.keyset import CURSOR, MODE
from emgtracker.pagination import MAX_PAGE_SIZE, Pagination
from emgtracker.spreadsheets import safe_row
from emgtracker.unavailable import unavailable

__all__ = ["MAX_PAGE_SIZE", "Pagination"]  # named in settings.REST_FRAMEWORK

if TYPE_CHECKING:
    # Imported for types only: rest_framework.views loads this module's classes from the
    # REST_FRAMEWORK setting while it is itself being imported.
    from rest_framework.views import APIView

    # APIConventions is typed as the view it is mixed into; at run time it is a plain mixin.
    ViewMixinBase = APIView
else:
    ViewMixinBase = object


class StrictOrderingFilter(filters.OrderingFilter):
    """Ordering that refuses an unknown field instead of silently ignoring it."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: "APIView") -> Any:
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown:
                raise exceptions.ValidationError(
                    {
                        self.ordering_param: [
                            _("Unknown ordering field “%(field)s”; use one of: %(valid)s.")
                            % {"field": unknown[0], "valid": ", ".join(sorted(valid))}
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view: "APIView") -> list[dict[str, Any]]:
        fields = [f for f in getattr(view, "ordering_fields", None) or [] if isinstance(f, str)]
        if not fields:
            return []
        one = "-?(" + "|".join(re.escape(f) for f in fields) + ")"
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": _("Order by %(fields)s; a leading - reverses; several with commas.")
                % {"fields": ", ".join(fields)},
                "schema": {"type": "string", "pattern": f"^({one}(,{one})*)?$"},
            }
        ]


# A character that is white space neither to Python (which trims it) nor to the ECMAScript
# regular expressions of JSON Schema: the pattern of text that must not be blank.
NOT_BLANK = (
    r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)

# Fields that take a value only as the JSON type the schema states: DRF's own would take 0 for
# the text "0" or for false.


class JSONString(serializers.CharField):
    """Text only as a JSON string."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictCharField(JSONString):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not (self.read_only or self.allow_blank) and self.trim_whitespace:
            # Text that is only white space is blank once trimmed: the schema says so too.
            self.validators.append(
                RegexValidator(NOT_BLANK, gettext_lazy("This field may not be blank."))
            )


class StrictRegexField(JSONString, serializers.RegexField):
    pass


class StrictSlugRelatedField(serializers.SlugRelatedField[Model]):
    """A row named by its slug, which is a string with no NUL: PostgreSQL refuses a NUL even in
    the query that would look it up."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": gettext_lazy("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class CSVRenderer(BaseCSVRenderer):
    """CSV of a list's page (``?format=csv`` or ``Accept: text/csv``), or of one object.

    A text cell that a spreadsheet would run as a formula is written with a leading single
    quote (emgtracker/spreadsheets.py)."""

    results_field = "results"

    def render(self, data: Any, media_type: str | None = None, renderer_context: Any = None) -> Any:
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and self.results_field in data:
            data = data[self.results_field]
        if data == [] and "view" in renderer_context:
            # An empty page still says what its columns are.
            fields = list(renderer_context["view"].get_serializer().fields)
            return (",".join(fields) + "\r\n").encode()
        return super().render(data, media_type, renderer_context)

    def tablize(self, data: Any, header: Any = None, labels: Any = None) -> Any:
        # Every cell, the header row too, as a spreadsheet may open it safely.
        for row in super().tablize(data, header=header, labels=labels):
            yield safe_row(row)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # A service refused the write (a wrong workflow step, a stale copy): a client error.
        code = getattr(exc, "code", None) or "invalid"
        status = 409 if code == "stale" else 400
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        message = " ".join(exc.messages)
        return Response(error_body(status, code, message, fields), status=status)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    from rest_framework.views import exception_handler as drf_exception_handler  # see above

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        fields = _flat(
            detail if isinstance(detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: detail}
        )
        message = _("The request was refused: see the fields.")
        response.data = error_body(response.status_code, "invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        response.data = error_body(response.status_code, code, message)
    return response


def _flat(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{"name": ["reason", …]}``; an item of a list or a nested object is
    named with dots (``events.0``), so that every error has the one shape."""
    if not isinstance(errors, dict):
        return {prefix: [str(e) for e in errors] if isinstance(errors, list) else [str(errors)]}
    flat: dict[str, list[str]] = {}
    for name, reasons in errors.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(reasons, list) and any(isinstance(r, dict) for r in reasons):
            for index, reason in enumerate(reasons):
                if reason:
                    flat.update(_flat(reason, f"{key}.{index}"))
        else:
            flat.update(_flat(reasons, key))
    return flat


TRANSLATIONS_PARAMETER = "translations"
EVERY_LANGUAGE = "all"


def translations_check(params: Any) -> None:
    """``?translations=`` takes ``all`` only (emgtracker/translated_api.py): anything else is
    refused, not ignored."""
    asked = params.get(TRANSLATIONS_PARAMETER)
    if asked is not None and asked != EVERY_LANGUAGE:
        message = _("Either leave this parameter out or ask for all.")
        raise exceptions.ValidationError({TRANSLATIONS_PARAMETER: [message]})


# Parameters every list understands besides its filters.
COMMON_PARAMETERS = {
    "page",
    "page_size",
    "ordering",
    "format",
    CURSOR,
    MODE,
    "lang",
    TRANSLATIONS_PARAMETER,
}


class APIConventions(ViewMixinBase):
    """What every API view does: refuse unknown parameters, answer errors in JSON whatever
    format was asked for, and tell caches that the answer depends on who asks."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        params = request.query_params
        repeated = [name for name, values in params.lists() if len(values) > 1]
        if repeated:
            raise exceptions.ValidationError(
                {name: [_("Give this parameter once.")] for name in repeated[:10]}
            )
        if params.get("page") == "":
            raise exceptions.ValidationError({"page": [_("A page number from 1.")]})
        if params.get("format") == "":
            raise exceptions.ValidationError({"format": [_("Name a format: json or csv.")]})
        _paging_check(params)
        translations_check(params)
        # A view names the parameters it takes besides its filters (``query_parameters``:
        # ``?as_at=``, ``?from=`` and ``?to=``).
        known = COMMON_PARAMETERS | set(_filter_names(self)) | set(_own_parameters(self))
        unknown = sorted(set(params) - known)
        if unknown:
            message = _("Unknown parameter; this takes: %(known)s.") % {
                "known": ", ".join(sorted(known))
            }
            raise exceptions.ValidationError({name: [message] for name in unknown[:10]})

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        response = super().finalize_response(request, response, *args, **kwargs)
        # Token clients may see drafts: a shared cache must not hand their answer to others.
        patch_vary_headers(response, ["Authorization"])
        return response


class RulesPermission(permissions.BasePermission):
    """The rules the admin asks (workstreams/permissions.py), asked by an API view of a model:
    ``<app>.<verb>_<model>``, with the row for detail views. An extra action names its verb in
    the view's ``rules_verbs``."""

    VERBS = {
        "list": "view",
        "retrieve": "view",
        "create": "add",
        "update": "change",
        "partial_update": "change",
        "destroy": "delete",
        "metadata": "view",  # OPTIONS
    }

    def _perm(self, view: Any) -> str:
        verb = {**self.VERBS, **getattr(view, "rules_verbs", {})}[view.action]
        meta = view.get_queryset().model._meta
        return f"{meta.app_label}.{verb}_{meta.model_name}"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # No action: a method the view does not take, which DRF answers with 405.
        return view.action is None or bool(user.has_perm(self._perm(view)))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return bool(request.user.has_perm(self._perm(view), obj))


def _paging_check(params: Any) -> None:
    if (params.get(MODE) or "page") not in {"page", "cursor"}:
        raise exceptions.ValidationError({MODE: [_("Either page or cursor.")]})


def _own_parameters(view: Any) -> tuple[str, ...]:
    return tuple(getattr(view, "query_parameters", ()))


def _filter_names(view: Any) -> list[str]:
    filterset_class = getattr(view, "filterset_class", None)
    return list(filterset_class.base_filters) if filterset_class else []


def not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    """Unknown URLs under /api/ answer in the API's error shape; others get the site's page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(404, "not_found", _("No such resource.")), status=404)
    return page_not_found(request, exception or Http404())


def bad_request(request: HttpRequest, exception: Exception) -> Any:
    """A request Django refused before any view saw it: under /api/, in the API's shape. A body
    over the limit is 413; too many parameters or an unreadable request is 400."""
    if not request.path.startswith("/api/"):
        return page_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        message = _("The request body is too large.")
        return JsonResponse(error_body(413, "too_large", message), status=413)
    if isinstance(exception, TooManyFieldsSent):
        message = _("Too many parameters.")
        return JsonResponse(error_body(400, "too_many_parameters", message), status=400)
    return JsonResponse(error_body(400, "bad_request", _("The request was refused.")), status=400)


def server_error(request: HttpRequest) -> Any:
    if isinstance(sys.exc_info()[1], OperationalError):
        # A database error outside a view (a middleware saving the session): still a 503.
        return unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(500, "server_error", _("Something went wrong on our side.")), status=500
        )
    return page_server_error(request)
