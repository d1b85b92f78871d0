"""The record as it stood right after a meeting: ``?as-at=som28-mid-term`` on the pages that show
a status, ``?as_at=`` in the API.

Read from the meetings of the record alone (``Meeting.objects.up_to``, ``RecordClock.as_at``),
not from edit history, so the same record gives the same answer. A workstream's status then is
its latest timeline entry at a meeting up to M, and its latest meeting with a record likewise;
its mandate then is derived from the decisions of those meetings by the code that derives it now
(``mandate_from_decisions``). Both are annotations (``then_*``, one subquery a row, one query of
decisions for the page) that the clock's filters read (``THEN_FIELDS``), so a list or a count as
at a meeting costs what it costs now. ``RecordAsAt.stand`` puts them on a row read, in place of
the fields it keeps, for the pages and serializers that read those: a row so changed is shown,
never saved.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import HttpRequest
from django.utils.translation import gettext as _

from emgtracker.slugs import is_slug
from meetings.models import Meeting
from workstreams.models import MANDATE_KINDS, Decision, MandateState, TimelineEntry, Workstream
from workstreams.services.mandates import mandate_from_decisions
from workstreams.standing import ClockFields, RecordClock

# The parameter on the pages (as their other parameters, with a hyphen) and in the API.
PAGE_PARAM = "as-at"
API_PARAM = "as_at"
# What the API's schema declares: a meeting's slug (a slug field's characters); one that names
# no meeting, or anything else, is answered 400.

THEN_FIELDS = ClockFields(
    status="then_status",
    som="then_som",
    mandate="then_mandate",
    mandate_until="then_mandate_until",
)

Rows = TypeVar("Rows", bound=QuerySet[Any])


class UnknownMeeting(ValueError):
    """An ``as-at`` value that names no meeting of the record; the message says so."""


class RecordAsAt:
    """The record right after ``meeting``: the meetings up to it, and the clock then."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.meetings: list[Meeting] = list(Meeting.objects.up_to(meeting).for_timeline())
        self.clock = dataclasses.replace(RecordClock.as_at(meeting), fields=THEN_FIELDS)
        self.ids = [m.pk for m in self.meetings]
        self._by_pk = {m.pk: m for m in self.meetings}

    @property
    def query(self) -> str:
        """``as-at=<slug>``, for the links of an as-at page that lead to a page with statuses."""
        return urlencode({PAGE_PARAM: self.meeting.slug})

    def next_meeting(self, meetings: Sequence[Meeting]) -> Meeting | None:
        """The meeting after M among ``meetings`` (the matrix's order): "the next meeting" then."""
        shown = set(self.ids)
        return next((m for m in meetings if m.pk not in shown), None)

    def entries(self) -> QuerySet[TimelineEntry]:
        """The timeline entries of the meetings up to M, latest first."""
        return TimelineEntry.objects.filter(meeting__in=self.ids).order_by(
            "-meeting__date", "-meeting__som_number", "-meeting__pk"
        )

    @cached_property
    def mandates(self) -> dict[int, tuple[str, int | None]]:
        """Each workstream's mandate then, from the decisions of the meetings up to M: one
        query (the decisions that open, renew or close a mandate), whatever the rows shown."""
        decisions: dict[int, list[Decision]] = defaultdict(list)
        kinds = [*MANDATE_KINDS, Decision.Kind.CONCLUDE]
        rows = Decision.objects.filter(meeting__in=self.ids, kind__in=kinds).select_related(
            "meeting"
        )
        for decision in rows.order_by():
            decisions[decision.workstream_id].append(decision)
        return {pk: mandate_from_decisions(found) for pk, found in decisions.items()}

    def annotate(self, rows: Rows) -> Rows:
        """``rows`` with each workstream's status, latest meeting with a record and mandate
        then, under the names the clock's filters read (``THEN_FIELDS``)."""
        latest = self.entries().filter(workstream=OuterRef("pk"))
        by_state: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        for pk, held in self.mandates.items():
            if held[0] != MandateState.NONE:
                by_state[held].append(pk)
        return rows.annotate(
            then_status=Subquery(latest.values("status")[:1]),
            then_meeting=Subquery(latest.values("meeting")[:1]),
            then_som=Subquery(latest.values("meeting__som_number")[:1]),
            then_mandate=Case(
                *[When(pk__in=pks, then=Value(held[0])) for held, pks in by_state.items()],
                default=Value(MandateState.NONE),
                output_field=CharField(),
            ),
            then_mandate_until=Case(
                *[When(pk__in=pks, then=Value(held[1])) for held, pks in by_state.items()],
                default=None,
                output_field=IntegerField(),
            ),
        )

    def meeting_by_pk(self, pk: int | None) -> Meeting | None:
        """One of the meetings up to M (``annotate``'s ``then_meeting``), from those in hand."""
        return self._by_pk.get(pk or 0)

    def mandate_of(self, pk: int) -> tuple[str, int | None]:
        """A workstream's mandate then: its state and the SOM it runs to."""
        return self.mandates.get(pk, (MandateState.NONE, None))

    def stand(self, workstream: Workstream) -> Workstream:
        """The workstream as it stood then, read from ``annotate``'s values: its kept status,
        latest meeting with a record and mandate replaced by theirs then. Shown, never saved."""
        workstream.status_now = getattr(workstream, "then_status", None)
        workstream.current_status = workstream.status_now  # type: ignore[attr-defined]
        workstream.last_record_meeting = self.meeting_by_pk(
            getattr(workstream, "then_meeting", None)
        )
        workstream.mandate, workstream.mandate_until = self.mandate_of(workstream.pk)
        return workstream


def as_at_asked(
    params: Mapping[str, str], name: str = PAGE_PARAM, *, strict: bool = False
) -> RecordAsAt | None:
    """The record as at the meeting ``params[name]`` names; None, none asked (or empty, as an
    empty filter is none). One that names no meeting (``strict``, as the API: taken as sent,
    spaces and all) raises ``UnknownMeeting`` with the message the page or the API shows."""
    slug = params.get(name, "")
    slug = slug if strict else slug.strip()
    if not slug:
        return None
    meeting = Meeting.objects.filter(slug=slug).first() if is_slug(slug) else None
    if meeting is None:
        raise UnknownMeeting(
            _("The record has no meeting “%(slug)s”: name one by its slug, as som28-mid-term.")
            % {"slug": slug[:40]}
        )
    return RecordAsAt(meeting)


def now_url(path: str, params: Mapping[str, str]) -> str:
    """The same page without ``as-at``: the record as it stands now."""
    rest = urlencode([(k, v) for k, v in params.items() if k != PAGE_PARAM])
    return f"{path}?{rest}" if rest else path


def page_as_at(request: HttpRequest) -> tuple[RecordAsAt | None, dict[str, Any]]:
    """The record as at the meeting a page's ``?as-at=`` names, and what the banner shows: the
    meeting, or the notice that there is none such (the page then answers 400, as it stands
    now), with the link back to now."""
    notice = ""
    try:
        as_at = as_at_asked(request.GET)
    except UnknownMeeting as error:
        as_at, notice = None, str(error)
    return as_at, {
        "as_at": as_at,
        "as_at_query": as_at.query if as_at else "",
        "as_at_notice": notice,
        "as_at_now_url": now_url(request.path, request.GET),
    }
