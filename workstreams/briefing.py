"""The briefing pack of a meeting: its published progress updates as a PDF, a DOCX and a CSV.

Modelled on the EMG progress report: a cover naming the meeting and its document symbol, then
progress by workstream in agenda order (who leads it, who presented it, its status, a summary
and the next steps), then the status of those workstreams at every meeting of the record.

``briefing_pack_context`` reads the record once; the PDF (templates/documents/briefing_pack.html,
through WeasyPrint) and the DOCX (templates/documents/briefing_pack.docx, through docxtpl) render
that same context, and the CSV its status table. No layout is written here.

Only published updates are ever read. The number of queries does not depend on the number of
updates: one for the meeting's documents, one for its published updates with everything a
section shows, one for the meetings and three for the workstreams with their leads and
timeline entries.
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
from django.utils import timezone
from django.utils.translation import gettext as _

from emgtracker.printing import docx_from_template, pdf_from_template
from emgtracker.spreadsheets import safe_row
from meetings.models import Document, Entity, Meeting
from workstreams.cells import STATUS_SYMBOLS, Cell, cells_for
from workstreams.models import LeadRole, ProgressUpdate, Workstream

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
    summary: list[str]  # paragraphs; a line break inside one stays a line break
    next_steps: list[str]
    continue_in: str
    provenance: str


@dataclass(frozen=True)
class StatusRow:
    workstream: Workstream
    title: str
    cells: list[Cell]


@dataclass(frozen=True)
class BriefingContext:
    meeting: Meeting
    cover: Cover
    sections: list[Section]
    meetings: list[Meeting]  # the columns of the status table
    rows: list[StatusRow]  # a row a section, in the same order
    contents: dict[int, int]  # the published updates it holds: id → version (``Job.contents``)

    def as_template_context(self) -> dict[str, Any]:
        return {
            "cover": self.cover,
            "sections": self.sections,
            "meetings": self.meetings,
            "rows": self.rows,
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
        _entity_name(lead.entity)
        if lead.role == LeadRole.LEAD
        else _("%(entity)s (co-lead)") % {"entity": _entity_name(lead.entity)}
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


def _section(update: ProgressUpdate, workstream: Workstream) -> Section:
    symbol = STATUS_SYMBOLS.get(update.status, "")
    return Section(
        title=_clean(workstream.title),
        agenda_item=update.agenda_item.number if update.agenda_item else "",
        leads=_clean(_leads(workstream)),
        presenter=_clean(_presenter(update)),
        status=f"{symbol} {update.get_status_display()}".strip(),
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
    workstreams = {
        w.pk: w
        for w in Workstream.objects.for_timeline().filter(pk__in=[u.workstream_id for u in updates])
    }
    sections, rows = [], []
    for done, update in enumerate(updates, start=1):
        workstream = workstreams[update.workstream_id]
        sections.append(_section(update, workstream))
        rows.append(
            StatusRow(workstream, _clean(workstream.title), cells_for(workstream, meetings))
        )
        if progress is not None:
            progress(done, len(updates))
    return BriefingContext(
        meeting=meeting,
        cover=cover,
        sections=sections,
        meetings=meetings,
        rows=rows,
        contents={u.pk: u.version for u in updates},
    )


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
