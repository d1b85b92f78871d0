"""The changes from one meeting to a later one, derived from the record (``ChangesRecord``).

A workstream is *running* as at a meeting when its latest status up to that meeting is
established, active or extended. From meeting F to meeting T ("the interval" is the meetings
after F up to T):

- established, concluded, succeeded or merged: a status of that kind at a meeting of the
  interval;
- continued: running as at T, with a running status in the interval, and not established
  there (one not running as at F says so: proposed then, or no record before);
- reported: a published progress update at a meeting of the interval;
- fallen silent: running as at F, with no record in the interval, where a meeting of the
  interval has a record of any workstream (a meeting with no record at all silences none);
- proposals: a concept note naming a workstream still proposed as at F (or put in the
  interval) is taken forward when its workstream has a later status other than "not taken
  forward"; not taken forward when the record says so, or, our reading, when a report of the
  interval lists every ongoing workstream and it is not there; else no outcome on record yet;
- new lead entities: an entity first named as a lead at a meeting of the interval;
- mandates opened, renewed or lapsed: the mandate periods (``services/mandates.py``) as at F
  and as at T, read against the record's clock as at each (``RecordClock.as_at``).
"""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from meetings.models import Evidence, Meeting
from workstreams.changes.categories import Basis, Category, Change, evidence_of, inferred
from workstreams.changes.record import ChangesRecord
from workstreams.models import (
    RUNNING_STATUSES,
    Decision,
    MandateTerm,
    Proposal,
    Status,
    TimelineEntry,
    Workstream,
)
from workstreams.services.mandates import MandatePeriod, mandate_periods, mandate_state
from workstreams.standing import MandateNow, RecordClock

STATUS_CATEGORY = {
    Status.ESTABLISHED: Category.ESTABLISHED,
    Status.CONCLUDED: Category.CONCLUDED,
    Status.SUCCEEDED: Category.SUCCEEDED,
}


def _done_text(category: str, meeting: Meeting) -> str:
    texts = {
        Category.ESTABLISHED: _("Established at %(meeting)s."),
        Category.CONCLUDED: _("Concluded at %(meeting)s."),
        Category.SUCCEEDED: _("Succeeded or merged at %(meeting)s."),
    }
    return texts[Category(category)] % _at(meeting)


def _entry_change(category: str, entry: TimelineEntry, text: str) -> Change:
    return Change(
        category=category,
        workstream=entry.workstream,
        row=entry.record,
        meeting=entry.meeting,
        why=evidence_of(entry),
        text=text,
    )


def _at(meeting: Meeting) -> dict[str, str]:
    return {"meeting": meeting.short_label}


def status_changes(record: ChangesRecord) -> Iterator[Change]:
    """Established, concluded, succeeded; continued; fallen silent."""
    # Silence means something only where a meeting of the interval has a record at all.
    heard = any(record.within(e.meeting_id) for es in record.entries.values() for e in es)
    for entries in record.entries.values():
        within = [e for e in entries if record.within(e.meeting_id)]
        for entry in within:
            category = STATUS_CATEGORY.get(Status(entry.status))
            if category is not None:
                yield _entry_change(category, entry, _done_text(category, entry.meeting))
        at_start = record.as_at_start(entries)
        running = [e for e in within if e.status in RUNNING_STATUSES]
        established = any(e.status == Status.ESTABLISHED for e in within)
        if running and entries[-1].status in RUNNING_STATUSES and not established:
            yield _continued(running[-1], at_start, entries[0])
        elif heard and not within and at_start and at_start.status in RUNNING_STATUSES:
            yield _silent(record, at_start)


def _continued(
    entry: TimelineEntry, at_start: TimelineEntry | None, first: TimelineEntry
) -> Change:
    text = _("%(status)s at %(meeting)s.") % {
        "status": Status(entry.status).label,
        **_at(entry.meeting),
    }
    before = at_start or first
    if before.status == Status.PROPOSED:
        text += " " + _("Proposed at %(meeting)s.") % _at(before.meeting)
    elif at_start is None:
        text += " " + _("No record of it before %(meeting)s.") % _at(first.meeting)
    return _entry_change(Category.CONTINUED, entry, text)


def _silent(record: ChangesRecord, last: TimelineEntry) -> Change:
    """Running as at F, no record since. Stated where a report of the interval lists every
    ongoing workstream (it is not among them); else our reading of the record's silence."""
    text = _("Last on record at %(meeting)s; no record of it since.") % _at(last.meeting)
    listing = record.listing_meeting()
    parent = last.workstream.parent
    if listing is not None:
        text += " " + _("Not listed among the ongoing workstreams at %(meeting)s.") % _at(listing)
    if record.workstream_entries_within(parent) and parent is not None:
        text += " " + _(
            "Its parent, %(parent)s, has a record since; the report says nothing of this one."
        ) % {"parent": parent.title}
    why = (
        Basis(Evidence.STATED)
        if listing is not None
        else inferred(_("Nothing on record of it after %(meeting)s.") % _at(record.start))
    )
    return Change(
        category=Category.SILENT,
        workstream=last.workstream,
        row=last.record,
        meeting=last.meeting,
        text=text,
        why=why,
    )


def reported(record: ChangesRecord) -> Iterator[Change]:
    for update in record.updates:
        if record.within(update.meeting_id):
            yield Change(
                category=Category.REPORTED,
                workstream=update.workstream,
                row=update,
                meeting=update.meeting,
                text=_("Progress update presented at %(meeting)s.") % _at(update.meeting),
                why=evidence_of(update),
            )


def proposal_changes(record: ChangesRecord) -> Iterator[Change]:
    for proposal in record.proposals:
        workstream = proposal.workstream
        assert workstream is not None  # read so
        entries = record.entries.get(workstream.pk, [])
        at_start = record.as_at_start(entries)
        put = record.index[proposal.meeting_id]
        if put <= record.start_at and (at_start is None or at_start.status != Status.PROPOSED):
            continue  # decided before F, or never proposed on the timeline
        after = [e for e in entries if record.index[e.meeting_id] > max(put, record.start_at)]
        outcome = next((e for e in after if e.status != Status.PROPOSED), None)
        yield _proposal_change(record, proposal, workstream, outcome)


def _proposal_change(
    record: ChangesRecord,
    proposal: Proposal,
    workstream: Workstream,
    outcome: TimelineEntry | None,
) -> Change:
    named = {"proposal": proposal.title, **_at(proposal.meeting)}

    def change(category: str, text: str, why: Basis) -> Change:
        return Change(category, workstream, proposal, proposal.meeting, why=why, text=text)

    listing = record.listing_meeting()
    if outcome is not None and outcome.status != Status.NOT_TAKEN_FORWARD:
        text = _("“%(proposal)s” (%(meeting)s) became this workstream: %(status)s at %(at)s.") % {
            **named,
            "status": Status(outcome.status).label,
            "at": outcome.meeting.short_label,
        }
        decided = outcome.basis == TimelineEntry.Basis.DECISION
        why = (
            evidence_of(outcome)
            if decided
            else inferred(
                _(
                    "The concept note names this workstream, and it is on record at "
                    "%(meeting)s; no decision taking it forward is on record."
                )
                % _at(outcome.meeting)
            )
        )
        return change(Category.TAKEN_FORWARD, text, why)
    if outcome is not None:
        text = _("“%(proposal)s” (%(meeting)s) was not taken forward at %(at)s.") % {
            **named,
            "at": outcome.meeting.short_label,
        }
        return change(Category.NOT_TAKEN_FORWARD, text, evidence_of(outcome))
    if listing is not None and record.index[listing.pk] > record.index[proposal.meeting_id]:
        text = _("“%(proposal)s” (%(meeting)s): no record of it since.") % named
        reason = _(
            "Not among the ongoing workstreams the report of %(meeting)s lists, and nothing on "
            "record of it since it was proposed."
        ) % _at(listing)
        return change(Category.NOT_TAKEN_FORWARD, text, inferred(reason))
    text = _("“%(proposal)s” (%(meeting)s): no outcome on record by %(end)s.") % {
        **named,
        "end": record.end.short_label,
    }
    return change(Category.PENDING, text, evidence_of(proposal))


def mandate_changes(record: ChangesRecord) -> Iterator[Change]:
    for decisions in record.decisions.values():
        before = [d for d in decisions if record.index[d.meeting_id] <= record.start_at]
        periods_start, periods_end = mandate_periods(before), mandate_periods(decisions)
        for at, period in enumerate(periods_end[len(periods_start) :], len(periods_start)):
            renewed = at > 0 and periods_end[at - 1].is_renewed
            yield _mandate_opened(period, renewed=renewed)
        lapsed_start = _mandate_now(periods_start, record.clock_start) == MandateNow.LAPSED
        lapsed_end = _mandate_now(periods_end, record.clock_end) == MandateNow.LAPSED
        if lapsed_end and not lapsed_start:
            yield _mandate_lapsed(record, periods_end[-1])


def _mandate_now(periods: list[MandatePeriod], clock: RecordClock) -> str:
    state, until = mandate_state(periods)
    return clock.mandate_of(Workstream(mandate=state, mandate_until=until))


def _term(decision: Decision) -> str:
    if decision.term == MandateTerm.UNTIL_SOM:
        return _("until SOM%(som)s") % {"som": decision.until_som}
    if decision.term == MandateTerm.NOT_STATED:
        return _("term not stated")
    return str(decision.get_term_display()).lower()


def _mandate_opened(period: MandatePeriod, *, renewed: bool) -> Change:
    decision = period.opened_by
    words = {"term": _term(decision), **_at(decision.meeting)}
    text = (
        _("Mandate renewed at %(meeting)s: %(term)s.")
        if renewed
        else _("Mandate opened at %(meeting)s: %(term)s.")
    ) % words
    return Change(
        category=Category.MANDATE_RENEWED if renewed else Category.MANDATE_OPENED,
        workstream=decision.workstream,
        row=decision,
        meeting=decision.meeting,
        text=text,
        why=evidence_of(decision),
    )


def _mandate_lapsed(record: ChangesRecord, period: MandatePeriod) -> Change:
    decision = period.opened_by
    words = {"som": period.ends_at_som, "end": record.end.short_label}
    return Change(
        category=Category.MANDATE_LAPSED,
        workstream=decision.workstream,
        row=decision,
        meeting=decision.meeting,
        text=_("The mandate ran to SOM%(som)s; no renewal on record by %(end)s.") % words,
        why=inferred(
            _(
                "It ran to SOM%(som)s and no decision renewing it is on record by %(end)s; "
                "the record may be silent on a renewal."
            )
            % words
        ),
    )
