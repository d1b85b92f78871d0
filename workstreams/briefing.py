"""The briefing pack of a meeting: its published progress updates as a DOCX, a PDF and a CSV.

Modelled on the EMG progress report: a cover naming the meeting and its document symbol, then
progress by workstream in agenda order (who leads it, who presented it, its status, a summary
and the next steps), then the status of those workstreams at every meeting of the record.

Only published updates are ever read. The number of queries does not depend on the number of
updates: one for the meeting's documents, one for its published updates with everything a
section shows, one for the meetings and three for the workstreams with their leads and
timeline entries.
"""

import csv
import datetime
import functools
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import docx.document
import docx.table
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from emgtracker.spreadsheets import safe_row
from meetings.models import Document, Entity, Meeting
from workstreams.matrix import STATUS_SYMBOLS, Cell, cells_for
from workstreams.models import LeadRole, ProgressUpdate, Workstream

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BriefingPack:
    meeting: Meeting
    docx: bytes
    pdf: bytes
    csv: bytes
    sections: int  # workstreams covered
    contents: dict[int, int]  # the published updates it holds: id → version


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cover:
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
class _Section:
    title: str
    agenda_item: str
    leads: str
    presenter: str
    status: str
    status_symbol: str
    summary: str
    next_steps: str
    continue_in: str
    provenance: str


@dataclass(frozen=True)
class _StatusRow:
    workstream: Workstream
    cells: list[Cell]


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


def _cover(meeting: Meeting, generated: datetime.datetime) -> _Cover:
    documents = list(
        meeting.documents.filter(
            kind__in=[Document.Kind.PROGRESS_REPORT, Document.Kind.AGENDA]
        ).order_by("number", "symbol")
    )
    return _Cover(
        title=meeting.title,
        label=meeting.short_label,
        date=meeting.date_display,
        time=_time(meeting),
        venue=_venue(meeting),
        symbol=_symbol(documents),
        generated_at=generated.astimezone(datetime.UTC).replace(microsecond=0),
    )


def _published_updates(meeting: Meeting) -> list[ProgressUpdate]:
    """The meeting's published updates, in agenda order then by title (items without an agenda
    item last, on every database)."""
    return list(
        ProgressUpdate.objects.published()
        .filter(meeting=meeting)
        .select_related(
            "workstream", "presenter__entity", "entity", "agenda_item", "source__meeting"
        )
        .order_by(F("agenda_item__position").asc(nulls_last=True), "workstream__title")
    )


def _section(update: ProgressUpdate, workstream: Workstream) -> _Section:
    return _Section(
        title=workstream.title,
        agenda_item=update.agenda_item.number if update.agenda_item else "",
        leads=_leads(workstream),
        presenter=_presenter(update),
        status=str(update.get_status_display()),
        status_symbol=STATUS_SYMBOLS.get(update.status, ""),
        summary=update.summary,
        next_steps=update.next_steps,
        continue_in=str(update.expected_to_continue_in or ""),
        provenance=update.provenance,
    )


# Text ------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold; python-docx refuses them and reportlab drops them unevenly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; a single line break stays a line break."""
    return [p.strip() for p in re.split(r"\n\s*\n", _clean(text)) if p.strip()]


def _markup(text: str) -> str:
    """Plain text as reportlab Paragraph markup: escaped, with its line breaks kept."""
    return escape(text).replace("\n", "<br/>")


# DOCX ------------------------------------------------------------------------------------------


def _docx_field(document: docx.document.Document, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(_clean(value))


def _docx_text(document: docx.document.Document, label: str, text: str) -> None:
    """A labelled block of one or more paragraphs."""
    document.add_paragraph().add_run(label).bold = True
    for block in _paragraphs(text):
        paragraph = document.add_paragraph()
        for i, line in enumerate(block.split("\n")):
            if i:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            paragraph.add_run(line)


def _docx_start(cover: _Cover) -> docx.document.Document:
    document = docx.Document()
    properties = document.core_properties
    properties.title = _("Briefing pack: %(meeting)s") % {"meeting": cover.label}
    properties.subject = cover.title
    properties.author = properties.last_modified_by = _("EMG Workstream Tracker")
    properties.created = properties.modified = cover.generated_at
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    section.footer.paragraphs[0].text = _("EMG briefing pack – %(meeting)s") % {
        "meeting": cover.label
    }

    document.add_paragraph(_("UNITED NATIONS"))
    document.add_paragraph(_("ENVIRONMENT MANAGEMENT GROUP"))
    document.add_heading(cover.title, level=0)
    document.add_paragraph(_("Briefing pack: progress by workstream"), style="Subtitle")
    _docx_field(document, _("Meeting"), cover.label)
    _docx_field(document, _("Date"), cover.date)
    if cover.time:
        _docx_field(document, _("Time"), cover.time)
    _docx_field(document, _("Venue"), cover.venue)
    _docx_field(document, _("Document symbol"), cover.symbol)
    document.add_paragraph(_("Generated %(when)s") % {"when": cover.generated})
    document.add_page_break()
    document.add_heading(_("Progress by workstream"), level=1)
    return document


def _docx_section(document: docx.document.Document, section: _Section) -> None:
    document.add_heading(_clean(section.title), level=2)
    if section.agenda_item:
        _docx_field(document, _("Agenda item"), section.agenda_item)
    _docx_field(document, _("Lead entities"), section.leads)
    _docx_field(document, _("Presented by"), section.presenter)
    _docx_field(document, _("Status"), f"{section.status_symbol} {section.status}".strip())
    _docx_text(document, _("Summary"), section.summary)
    if section.next_steps.strip():
        _docx_text(document, _("Next steps"), section.next_steps)
    if section.continue_in:
        _docx_field(document, _("Expected to continue in"), section.continue_in)
    if section.provenance:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Source: %(where)s") % {"where": section.provenance}).italic = True


def _docx_repeat_header(table: docx.table.Table) -> None:
    """Mark the first row as a header row, repeated at the top of every page."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_status_table(
    document: docx.document.Document, meetings: Sequence[Meeting], rows: Sequence[_StatusRow]
) -> None:
    # The table grows a column a meeting; it gets a landscape page of its own.
    previous = document.sections[-1]
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = previous.page_height, previous.page_width
    document.add_heading(_("Status across meetings"), level=1)
    table = document.add_table(rows=1, cols=1 + len(meetings))
    table.style = "Table Grid"
    headings = [_("Workstream")] + [f"{m.short_label}\n{m.date_display}" for m in meetings]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    _docx_repeat_header(table)
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = _clean(row.workstream.title)
        for cell, status in zip(cells[1:], row.cells, strict=True):
            cell.text = status.label
    for table_row in table.rows:
        for cell in table_row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _docx_bytes(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# PDF -------------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_REPORTLAB_FONTS = Path(pdfmetrics.__file__).resolve().parent.parent / "fonts"


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    covers: Callable[[str], bool]


def _has_glyphs(glyphs: dict[int, int], text: str) -> bool:
    return all(ord(c) in glyphs for c in text)


@functools.cache
def _fonts() -> _Fonts:
    """DejaVu Sans where the system has it (it has the status symbols), else the Bitstream Vera
    that ships with reportlab, else Helvetica. Each of them has "é", "ä", "–" and "’"."""
    candidates = [
        ("EMGDejaVuSans", DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"),
        ("EMGVera", _REPORTLAB_FONTS / "Vera.ttf", _REPORTLAB_FONTS / "VeraBd.ttf"),
    ]
    for name, regular, bold in candidates:
        try:
            regular_font = TTFont(name, str(regular))
            bold_font = TTFont(f"{name}-Bold", str(bold))
        except Exception:  # a missing or unreadable font file: try the next one
            continue
        pdfmetrics.registerFont(regular_font)
        pdfmetrics.registerFont(bold_font)
        pdfmetrics.registerFontFamily(
            name, normal=name, bold=f"{name}-Bold", italic=name, boldItalic=f"{name}-Bold"
        )
        covers = functools.partial(_has_glyphs, regular_font.face.charToGlyph)
        return _Fonts(name, f"{name}-Bold", covers)
    return _Fonts("Helvetica", "Helvetica-Bold", lambda text: text.isascii())


@dataclass(frozen=True)
class _Styles:
    small: ParagraphStyle
    body: ParagraphStyle
    field: ParagraphStyle
    note: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    cell: ParagraphStyle
    head_cell: ParagraphStyle


def _styles(fonts: _Fonts) -> _Styles:
    base = getSampleStyleSheet()

    def style(name: str, parent: str, **kw: object) -> ParagraphStyle:
        kw.setdefault("fontName", fonts.regular)
        return ParagraphStyle(f"emg-{name}", parent=base[parent], **kw)

    bold = fonts.bold
    return _Styles(
        small=style(
            "small", "Normal", fontSize=9, leading=12, textColor=colors.HexColor("#444444")
        ),
        body=style("body", "Normal", fontSize=10, leading=14, spaceAfter=4),
        field=style("field", "Normal", fontSize=10, leading=14, spaceAfter=2),
        note=style(
            "note", "Normal", fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")
        ),
        title=style("title", "Title", fontName=bold, fontSize=20, leading=25, alignment=0),
        subtitle=style("subtitle", "Normal", fontSize=13, leading=17, spaceAfter=14),
        h1=style("h1", "Heading1", fontName=bold, fontSize=15, leading=19, spaceBefore=6),
        h2=style(
            "h2", "Heading2", fontName=bold, fontSize=12, leading=15, spaceBefore=12, spaceAfter=4
        ),
        cell=style("cell", "Normal", fontSize=7.5, leading=9),
        head_cell=style("head-cell", "Normal", fontName=bold, fontSize=7.5, leading=9),
    )


def _pdf_field(styles: _Styles, label: str, value: str) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}:</b> {_markup(_clean(value))}", styles.field)


def _pdf_text(styles: _Styles, label: str, text: str) -> list[Flowable]:
    flowables: list[Flowable] = [Paragraph(f"<b>{escape(label)}</b>", styles.field)]
    flowables += [Paragraph(_markup(block), styles.body) for block in _paragraphs(text)]
    return flowables


def _pdf_cover(styles: _Styles, cover: _Cover) -> list[Flowable]:
    facts = [(_("Meeting"), cover.label), (_("Date"), cover.date)]
    if cover.time:
        facts.append((_("Time"), cover.time))
    facts += [(_("Venue"), cover.venue), (_("Document symbol"), cover.symbol)]
    table = Table(
        [
            [
                Paragraph(f"<b>{escape(label)}</b>", styles.body),
                Paragraph(_markup(value), styles.body),
            ]
            for label, value in facts
        ],
        colWidths=[45 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#BBBBBB")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [
        Paragraph(escape(_("UNITED NATIONS")), styles.small),
        Paragraph(escape(_("ENVIRONMENT MANAGEMENT GROUP")), styles.small),
        Spacer(1, 40 * mm),
        Paragraph(_markup(cover.title), styles.title),
        Paragraph(escape(_("Briefing pack: progress by workstream")), styles.subtitle),
        table,
        Spacer(1, 10 * mm),
        Paragraph(escape(_("Generated %(when)s") % {"when": cover.generated}), styles.note),
        PageBreak(),
        Paragraph(escape(_("Progress by workstream")), styles.h1),
    ]


def _pdf_section(styles: _Styles, fonts: _Fonts, section: _Section) -> list[Flowable]:
    status = section.status
    if section.status_symbol and fonts.covers(section.status_symbol):
        status = f"{section.status_symbol} {status}"
    head: list[Flowable] = [Paragraph(_markup(_clean(section.title)), styles.h2)]
    if section.agenda_item:
        head.append(_pdf_field(styles, _("Agenda item"), section.agenda_item))
    head += [
        _pdf_field(styles, _("Lead entities"), section.leads),
        _pdf_field(styles, _("Presented by"), section.presenter),
        _pdf_field(styles, _("Status"), status),
    ]
    # The heading and the facts stay on one page; the summary may run over.
    flowables: list[Flowable] = [KeepTogether(head)]
    flowables += _pdf_text(styles, _("Summary"), section.summary)
    if section.next_steps.strip():
        flowables += _pdf_text(styles, _("Next steps"), section.next_steps)
    if section.continue_in:
        flowables.append(_pdf_field(styles, _("Expected to continue in"), section.continue_in))
    if section.provenance:
        flowables.append(
            Paragraph(
                escape(_("Source: %(where)s") % {"where": _clean(section.provenance)}), styles.note
            )
        )
    return flowables


def _pdf_status_table(
    styles: _Styles, meetings: Sequence[Meeting], rows: Sequence[_StatusRow], width: float
) -> list[Flowable]:
    first = min(70 * mm, width / 3)
    other = (width - first) / max(len(meetings), 1)
    header = [Paragraph(escape(_("Workstream")), styles.head_cell)] + [
        Paragraph(f"{escape(m.short_label)}<br/>{escape(m.date_display)}", styles.head_cell)
        for m in meetings
    ]
    body = [
        [Paragraph(_markup(_clean(row.workstream.title)), styles.cell)]
        + [Paragraph(escape(cell.label), styles.cell) for cell in row.cells]
        for row in rows
    ]
    table = Table(
        [header, *body], colWidths=[first] + [other] * len(meetings), repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E4E9EF")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [
        NextPageTemplate("landscape"),
        PageBreak(),
        Paragraph(escape(_("Status across meetings")), styles.h1),
        table,
    ]


def _pdf_bytes(cover: _Cover, fonts: _Fonts, story: list[Flowable]) -> bytes:
    out = io.BytesIO()
    margin = 20 * mm
    footer = _("EMG briefing pack – %(meeting)s") % {"meeting": cover.label}

    def on_page(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        width = canvas._pagesize[0]
        canvas.drawString(margin, 10 * mm, footer)
        canvas.drawRightString(width - margin, 10 * mm, str(doc.page))
        canvas.restoreState()

    def template(name: str, size: tuple[float, float]) -> PageTemplate:
        frame = Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, id=name)
        return PageTemplate(id=name, frames=[frame], onPage=on_page, pagesize=size)

    document = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=_("Briefing pack: %(meeting)s") % {"meeting": cover.label},
        subject=cover.title,
        author=_("EMG Workstream Tracker"),
        creator=_("EMG Workstream Tracker"),
    )
    document.addPageTemplates([template("portrait", A4), template("landscape", landscape(A4))])
    document.build(story)
    return out.getvalue()


# CSV -------------------------------------------------------------------------------------------


def _csv_bytes(meetings: Sequence[Meeting], rows: Sequence[_StatusRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(["workstream", "title", *(m.slug for m in meetings)]))
    for row in rows:
        writer.writerow(
            safe_row([row.workstream.slug, row.workstream.title, *(c.status for c in row.cells)])
        )
    return out.getvalue().encode()


# The builder -----------------------------------------------------------------------------------


def briefing_pack_build(*, meeting: Meeting, progress: Progress | None = None) -> BriefingPack:
    """Compile the published progress updates of ``meeting`` into a DOCX, a PDF and a CSV.

    Calls ``progress(done, total)`` after each workstream section is rendered (``total`` is the
    number of sections), so that a job can show "n of m done". A meeting with no published
    update gives a pack with the cover, a sentence saying so and the header of the status table.
    """
    cover = _cover(meeting, timezone.now())
    updates = _published_updates(meeting)
    meetings = list(Meeting.objects.for_timeline())
    workstreams = {
        w.pk: w
        for w in Workstream.objects.for_timeline().filter(pk__in=[u.workstream_id for u in updates])
    }
    rows = [
        _StatusRow(workstreams[u.workstream_id], cells_for(workstreams[u.workstream_id], meetings))
        for u in updates
    ]

    fonts = _fonts()
    styles = _styles(fonts)
    document = _docx_start(cover)
    story = _pdf_cover(styles, cover)
    if not updates:
        empty = _("No progress update has been published for this meeting.")
        document.add_paragraph(empty)
        story.append(Paragraph(escape(empty), styles.body))
    for done, update in enumerate(updates, start=1):
        section = _section(update, workstreams[update.workstream_id])
        _docx_section(document, section)
        story += _pdf_section(styles, fonts, section)
        if progress is not None:
            progress(done, len(updates))

    _docx_status_table(document, meetings, rows)
    story += _pdf_status_table(styles, meetings, rows, landscape(A4)[0] - 40 * mm)
    return BriefingPack(
        meeting=meeting,
        docx=_docx_bytes(document),
        pdf=_pdf_bytes(cover, fonts, story),
        csv=_csv_bytes(meetings, rows),
        sections=len(updates),
        contents={u.pk: u.version for u in updates},
    )
