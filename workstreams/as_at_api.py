"""``?as_at=<meeting>`` in the API: the workstreams and the timeline as the record stood right
after a meeting (``workstreams/as_at.py``). An unknown meeting is refused with a 400 in the one
error shape, before anything is read."""

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request

from emgtracker.slugs import SLUG_PATTERN
from emgtracker.values import Row
from workstreams.as_at import API_PARAM, RecordAsAt, UnknownMeeting, as_at_asked

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    ViewBase = GenericAPIView[Any]
else:
    ViewBase = object

AS_AT_PARAMETER = OpenApiParameter(
    API_PARAM,
    str,
    description=_(
        "The record as it stood right after this meeting, named by its slug (som28-mid-term): "
        "only the meetings up to it, and each status, standing and mandate as derived then. "
        "Empty: the record now, as with the filters. A slug the record does not have is "
        "refused with 400."
    ),
    pattern=SLUG_PATTERN,
)


class AsAtView(ViewBase):
    """A view that takes ``?as_at=``: ``self.as_at`` is the record then, or None."""

    query_parameters: tuple[str, ...] = (API_PARAM,)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        method = (request.method or "").lower()
        if method not in self.http_method_names or not hasattr(self, method):
            return  # dispatch answers 405, whatever the meeting asked
        if self.as_at is not None:
            # The filters read the clock then (workstreams.filters.request_clock).
            request.record_clock = self.as_at.clock  # type: ignore[attr-defined]

    @cached_property
    def as_at(self) -> RecordAsAt | None:
        try:
            return as_at_asked(self.request.query_params, API_PARAM, strict=True)
        except UnknownMeeting as error:
            raise exceptions.ValidationError({API_PARAM: [str(error)]}) from error


def row_then(row: Row, as_at: RecordAsAt) -> Row:
    """A workstream's row of the list's fast path (``WORKSTREAM_VALUES``) as it stood then:
    what ``RecordAsAt.stand`` does to a workstream, for ``workstreams/serializers/rows.py``."""
    meeting = as_at.meeting_by_pk(row.get("then_meeting"))
    state, until = as_at.mandate_of(row["pk"])
    return {
        **row,
        "status_now": row.get("then_status"),
        "mandate": state,
        "mandate_until": until,
        "last_record_meeting__slug": meeting.slug if meeting else None,
        "last_record_meeting__som_number": meeting.som_number if meeting else None,
        "last_record_meeting__segment": meeting.segment if meeting else None,
    }
