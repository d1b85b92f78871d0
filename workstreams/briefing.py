"""The briefing pack of a meeting: its published progress updates as a PDF, a DOCX and a CSV.

Modelled on the EMG progress report: a cover naming the meeting and its document symbol, then
progress by workstream in agenda order (who leads it, who presented it, its status, where it
stands now, the decisions about it, a summary and the next steps), then the status of those
workstreams at every meeting of the record, then the mandates to watch: those that end at the
next SOM with no renewal on record, those that lapsed, and work reported after a lapse. Every
status, decision and lead says in words what it rests on: the report's words, our reading of
them and why, or nothing the report states (workstreams/basis.py).

``briefing_pack_context`` reads the record once; the PDF (templates/documents/briefing_pack.html,
through WeasyPrint) and the DOCX (templates/documents/briefing_pack.docx, through docxtpl) render
that same context, and the CSV its status table. No layout is written here.

Only published updates are ever read. The number of queries does not depend on the number of
updates: one for the meeting's documents, one for its published updates with everything a
section shows, one for the meetings, four for the workstreams with their leads, decisions and
timeline entries, the record's clock (up to four), one for the mandates to watch, and those of
"Since the last meeting" (the meeting before, and workstreams/changes/record.py's ten).
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from emgtracker.printing import docx_from_template, pdf_from_template
from emgtracker.spreadsheets import safe_row
from meetings.models import Document, Entity, Evidence, Meeting
from workstreams.basis import basis_text, with_basis
from workstreams.briefing_labels import docx_labels
from workstreams.briefing_since import Since, since_last_meeting
from workstreams.cells import STATUS_SYMBOLS, Cell, cells_for
from workstreams.models import (
    Decision,
    LeadRole,
    MandateState,
    ProgressUpdate,
    TimelineEntry,
    Workstream,
)
from workstreams.standing import MandateNow, RecordClock

Progress = Callable[[int, int], None]

HTML_TEMPLATE = "documents/briefing_pack.html"
DOCX_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "documents" / "briefing_pack.docx"


@dataclass(frozen=True)
class BriefingPack:
    meeting: Meeting
    docx: bytes
    pdf: bytes
    csv: bytes
    sections: int  # workstreams covered
    contents: dict[int, int]  # the published updates it holds: id → version


# The context both documents render -------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    title: str
    label: str
    date: str
    time: str
    venue: str
    symbol: str
    generated_at: datetime.datetime

    @property
    def generated(self) -> str:
        return self.generated_at.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Section:
    title: str
    agenda_item: str
    leads: str
    presenter: str
    status: str  # "● Active": the symbol of the status matrix, then its name
    status_basis: str  # "Stated in the report", "Inferred: <why>"
    status_now: str  # "Active at SOM29 mid-term", "Last reported at …, silent since"
    decisions: list[str]  # each with its basis
    summary: list[str]  # paragraphs; a line break inside one stays a line break
    next_steps: list[str]
    continue_in: str
    provenance: str


@dataclass(frozen=True)
class BriefCell:
    """A cell of the status table: its status, and "(inferred)" where it is our reading."""

    cell: Cell

    @property
    def status(self) -> str:
        return self.cell.status

    @property
    def label(self) -> str:
        entry = self.cell.entry
        if entry is not None and entry.evidence == Evidence.INFERRED:
            return _("%(status)s (inferred)") % {"status": self.cell.label}
        return self.cell.label


@dataclass(frozen=True)
class StatusRow:
    workstream: Workstream
    title: str
    cells: list[BriefCell]

    @property
    def inferences(self) -> list[str]:
        """Why each inferred status of the row is read so."""
        return [
            _("%(workstream)s at %(meeting)s: %(reason)s")
            % {
                "workstream": self.title,
                "meeting": c.cell.meeting.short_label,
                "reason": c.cell.entry.evidence_reason,
            }
            for c in self.cells
            if c.cell.entry is not None and c.cell.entry.evidence == Evidence.INFERRED
        ]


@dataclass(frozen=True)
class Watch:
    """A mandate to watch: the workstream and what is to watch."""

    title: str
    text: str


@dataclass(frozen=True)
class BriefingContext:
    meeting: Meeting
    cover: Cover
    sections: list[Section]
    meetings: list[Meeting]  # the columns of the status table
    rows: list[StatusRow]  # a row a section, in the same order
    watch: list[Watch]  # the mandates to watch, of every workstream
    since: Since  # what changed since the meeting before (workstreams/briefing_since.py)
    contents: dict[int, int]  # the published updates it holds: id → version (``Job.contents``)

    def as_template_context(self) -> dict[str, Any]:
        return {
            "cover": self.cover,
            "sections": self.sections,
            "meetings": self.meetings,
            "rows": self.rows,
            "inferences": [note for row in self.rows for note in row.inferences],
            "watch": self.watch,
            "since": self.since,
            "t": docx_labels(),
        }


# Characters XML 1.0 cannot hold: neither a DOCX nor an HTML document may carry them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; a single line break stays a line break."""
    return [p.strip() for p in re.split(r"\n\s*\n", _clean(text)) if p.strip()]


def _entity_name(entity: Entity) -> str:
    """ "United Nations Environment Programme (UNEP)", or the name alone without an acronym."""
    if entity.acronym and entity.acronym != entity.name:
        return f"{entity.name} ({entity.acronym})"
    return entity.name


def _leads(workstream: Workstream) -> str:
    """The lead entities, leads before co-leads, from the prefetched ``leads``."""
    leads = sorted(
        workstream.leads.all(), key=lambda lead: (lead.role != LeadRole.LEAD, lead.entity.name)
    )
    names = [
        with_basis(
            _entity_name(lead.entity)
            if lead.role == LeadRole.LEAD
            else _("%(entity)s (co-lead)") % {"entity": _entity_name(lead.entity)},
            lead.evidence,
            lead.evidence_reason,
        )
        for lead in leads
    ]
    return "; ".join(names) or _("Not recorded")


def _presenter(update: ProgressUpdate) -> str:
    """ "Meriem Bouamrane (UNESCO)": the presenting entity of the update, else the person's own."""
    entity = update.entity or (update.presenter.entity if update.presenter else None)
    if update.presenter is None:
        return entity.label if entity else _("Not recorded")
    if entity is None:
        return update.presenter.name
    return f"{update.presenter.name} ({entity.label})"


def _time(meeting: Meeting) -> str:
    """ "15:00–17:00 CEST (Europe/Zurich)", where the record gives a start time."""
    start = meeting.starts_at()
    if start is None:
        return ""
    end = meeting.ends_at()
    span = f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M}"
    return f"{span} {meeting.time_zone_abbreviation()} ({meeting.time_zone})"


def _venue(meeting: Meeting) -> str:
    parts = [str(meeting.get_format_display()) if meeting.format else "", meeting.venue]
    return ", ".join(p for p in parts if p) or _("Not stated")


def _symbol(documents: Sequence[Document]) -> str:
    """The progress report's symbol, else the agenda's, else none."""
    for kind in (Document.Kind.PROGRESS_REPORT, Document.Kind.AGENDA):
        for document in documents:
            if document.kind == kind and document.symbol:
                return document.symbol
    return _("No symbol assigned")


def _cover(meeting: Meeting, generated: datetime.datetime) -> Cover:
    documents = list(
        meeting.documents.filter(
            kind__in=[Document.Kind.PROGRESS_REPORT, Document.Kind.AGENDA]
        ).order_by("number", "symbol")
    )
    return Cover(
        title=_clean(meeting.title),
        label=meeting.short_label,
        date=meeting.date_display,
        time=_time(meeting),
        venue=_clean(_venue(meeting)),
        symbol=_symbol(documents),
        generated_at=generated.astimezone(datetime.UTC).replace(microsecond=0),
    )


def _decisions(workstream: Workstream, meeting: Meeting) -> list[str]:
    """The decisions about the workstream up to ``meeting``, oldest first, each with its basis."""
    decisions = [d for d in workstream.decisions.all() if d.meeting.date <= meeting.date]
    return [
        with_basis(
            _("%(meeting)s, %(kind)s: %(text)s")
            % {"meeting": d.meeting.short_label, "kind": d.get_kind_display(), "text": d.text},
            d.evidence,
            d.evidence_reason,
        )
        for d in decisions
    ]


def _status_basis(update: ProgressUpdate, workstream: Workstream) -> str:
    """The basis of the status shown: the timeline's entry at the meeting (an endorsement read
    as activity is inferred there), else the update's own."""
    entries = [e for e in workstream.timeline_entries.all() if e.meeting_id == update.meeting_id]
    record: TimelineEntry | ProgressUpdate = entries[0] if entries else update
    return basis_text(record.evidence, record.evidence_reason)


def _section(update: ProgressUpdate, workstream: Workstream, clock: RecordClock) -> Section:
    symbol = STATUS_SYMBOLS.get(update.status, "")
    return Section(
        title=_clean(workstream.title),
        agenda_item=update.agenda_item.number if update.agenda_item else "",
        leads=_clean(_leads(workstream)),
        presenter=_clean(_presenter(update)),
        status=f"{symbol} {update.get_status_display()}".strip(),
        status_basis=_clean(_status_basis(update, workstream)),
        status_now=clock.standing_of(workstream).text,
        decisions=[_clean(d) for d in _decisions(workstream, update.meeting)],
        summary=_paragraphs(update.summary),
        next_steps=_paragraphs(update.next_steps),
        continue_in=str(update.expected_to_continue_in or ""),
        provenance=_clean(update.provenance),
    )


def briefing_pack_context(*, meeting: Meeting, progress: Progress | None = None) -> BriefingContext:
    """Read what the pack of ``meeting`` holds, once: the cover, a section a published update
    (through ``ProgressUpdate.objects.presented()``, as the meeting's page reads them), the
    status cells of those workstreams at every meeting, and the updates at their versions.

    Calls ``progress(done, total)`` after each section is read (``total``: the sections).
    """
    cover = _cover(meeting, timezone.now())
    updates = list(ProgressUpdate.objects.presented().filter(meeting=meeting))
    meetings = list(Meeting.objects.for_timeline())
    decisions = Decision.objects.select_related("meeting").order_by("meeting_date", "kind")
    workstreams = {
        w.pk: w
        for w in Workstream.objects.for_timeline()
        .select_related("last_record_meeting")
        .prefetch_related(Prefetch("decisions", queryset=decisions))
        .filter(pk__in=[u.workstream_id for u in updates])
    }
    clock = RecordClock.read()
    sections, rows = [], []
    for done, update in enumerate(updates, start=1):
        workstream = workstreams[update.workstream_id]
        sections.append(_section(update, workstream, clock))
        cells = [BriefCell(c) for c in cells_for(workstream, meetings)]
        rows.append(StatusRow(workstream, _clean(workstream.title), cells))
        if progress is not None:
            progress(done, len(updates))
    return BriefingContext(
        meeting=meeting,
        cover=cover,
        sections=sections,
        meetings=meetings,
        rows=rows,
        watch=_mandates_to_watch(clock),
        since=since_last_meeting(meeting),
        contents={u.pk: u.version for u in updates},
    )


def _mandates_to_watch(clock: RecordClock) -> list[Watch]:
    """Every workstream whose mandate ends at the next SOM with no renewal on record, or has
    lapsed (saying so where work was reported after the lapse), in title order."""
    watched = []
    until = Workstream.objects.filter(mandate=MandateState.UNTIL).select_related(
        "last_record_meeting"
    )
    for workstream in until.order_by("title"):
        standing = clock.standing_of(workstream)
        som = {"som": standing.mandate_until}
        if standing.mandate == MandateNow.ENDING:
            text = _("Ends at SOM%(som)s, the next SOM, with no renewal on record") % som
        elif standing.reported_after_lapse and standing.meeting is not None:
            text = _("Lapsed after SOM%(som)s; work reported since, at %(meeting)s") % {
                **som,
                "meeting": standing.meeting.short_label,
            }
        elif standing.mandate == MandateNow.LAPSED:
            text = _("Lapsed after SOM%(som)s, with no renewal on record") % som
        else:
            continue
        watched.append(Watch(_clean(workstream.title), text))
    return watched


# The files -------------------------------------------------------------------------------------


def _csv_bytes(meetings: Sequence[Meeting], rows: Sequence[StatusRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(["workstream", "title", *(m.slug for m in meetings)]))
    for row in rows:
        writer.writerow(
            safe_row([row.workstream.slug, row.workstream.title, *(c.status for c in row.cells)])
        )
    return out.getvalue().encode()


def briefing_pack_build(*, meeting: Meeting, progress: Progress | None = None) -> BriefingPack:
    """Compile the published progress updates of ``meeting`` into a PDF, a DOCX and a CSV.

    A meeting with no published update gives a pack with the cover, a sentence saying so and
    the header of the status table.
    """
    context = briefing_pack_context(meeting=meeting, progress=progress)
    rendered = context.as_template_context()
    return BriefingPack(
        meeting=meeting,
        docx=docx_from_template(DOCX_TEMPLATE, rendered, created=context.cover.generated_at),
        pdf=pdf_from_template(HTML_TEMPLATE, rendered),
        csv=_csv_bytes(context.meetings, context.rows),
        sections=len(context.sections),
        contents=context.contents,
    )
