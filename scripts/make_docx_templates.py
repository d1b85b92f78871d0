"""Write the Word templates of the printed documents (templates/documents/*.docx).

The DOCX layout lives in the committed template; this script is how it was made, kept so that a
change to the layout is a reviewed change to code. Run it after editing, and commit the result:

    .venv/bin/python scripts/make_docx_templates.py

The Jinja tags in the text are docxtpl's: ``{%p ... %}`` owns its paragraph, ``{%tr ... %}`` its
table row and ``{%tc ... %}`` its table cell (https://docxtpl.readthedocs.io).

The template holds no English: its words are ``t``, the translated labels of
workstreams/briefing_labels.py, and a sentence with a value is ``t.name|format(key=value)``.
"""

from pathlib import Path

import docx
import docx.document
import docx.table
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCUMENTS = Path(__file__).resolve().parent.parent / "templates" / "documents"


def _tag(document: docx.document.Document, tag: str) -> None:
    """A paragraph holding only a docxtpl block tag: it vanishes when rendered."""
    document.add_paragraph(f"{{%p {tag} %}}")


def _field(document: docx.document.Document, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(f"{{{{ {value} }}}}")


def _paragraphs(document: docx.document.Document, label: str, name: str) -> None:
    """A labelled block of paragraphs; a line break inside one stays a line break."""
    document.add_paragraph().add_run(label).bold = True
    _tag(document, f"for paragraph in section.{name}")
    document.add_paragraph("{{ paragraph }}")
    _tag(document, "endfor")


def _cover(document: docx.document.Document) -> None:
    properties = document.core_properties
    properties.title = "{{ t.title|format(meeting=cover.label) }}"
    properties.subject = "{{ cover.title }}"
    properties.author = properties.last_modified_by = "{{ t.author }}"
    properties.comments = properties.keywords = ""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    section.footer.paragraphs[0].text = "{{ t.footer|format(meeting=cover.label) }}"
    document.add_paragraph("{{ t.united_nations }}")
    document.add_paragraph("{{ t.emg }}")
    document.add_heading("{{ cover.title }}", level=0)
    document.add_paragraph("{{ t.subtitle }}", style="Subtitle")
    _field(document, "{{ t.meeting }}", "cover.label")
    _field(document, "{{ t.date }}", "cover.date")
    _tag(document, "if cover.time")
    _field(document, "{{ t.time }}", "cover.time")
    _tag(document, "endif")
    _field(document, "{{ t.venue }}", "cover.venue")
    _field(document, "{{ t.symbol }}", "cover.symbol")
    document.add_paragraph("{{ t.generated|format(when=cover.generated) }}")
    document.add_page_break()


def _since(document: docx.document.Document) -> None:
    """What changed since the meeting before: a bold label a kind of change, then its lines
    (no Heading 2, which is a workstream's section)."""
    document.add_heading("{{ t.since }}", level=1)
    _tag(document, "if since.previous")
    document.add_paragraph(
        "{{ t.since_intro|format(previous=since.previous_label, meeting=cover.label) }}"
    )
    _tag(document, "for group in since.groups")
    document.add_paragraph().add_run("{{ group.label }}").bold = True
    _tag(document, "for line in group.lines")
    document.add_paragraph("{{ line }}", style="List Bullet")
    _tag(document, "endfor")
    _tag(document, "else")
    document.add_paragraph("{{ t.since_none }}")
    _tag(document, "endfor")
    _tag(document, "else")
    document.add_paragraph("{{ t.since_first }}")
    _tag(document, "endif")


def _sections(document: docx.document.Document) -> None:
    document.add_heading("{{ t.progress }}", level=1)
    _tag(document, "for section in sections")
    document.add_heading("{{ section.title }}", level=2)
    _tag(document, "if section.agenda_item")
    _field(document, "{{ t.agenda_item }}", "section.agenda_item")
    _tag(document, "endif")
    _field(document, "{{ t.leads }}", "section.leads")
    _field(document, "{{ t.presenter }}", "section.presenter")
    _field(document, "{{ t.status }}", "section.status")
    _field(document, "{{ t.status_basis }}", "section.status_basis")
    _field(document, "{{ t.status_now }}", "section.status_now")
    _tag(document, "if section.decisions")
    document.add_paragraph().add_run("{{ t.decisions }}").bold = True
    _tag(document, "for decision in section.decisions")
    document.add_paragraph("{{ decision }}", style="List Bullet")
    _tag(document, "endfor")
    _tag(document, "endif")
    _paragraphs(document, "{{ t.summary }}", "summary")
    _tag(document, "if section.next_steps")
    _paragraphs(document, "{{ t.next_steps }}", "next_steps")
    _tag(document, "endif")
    _tag(document, "if section.continue_in")
    _field(document, "{{ t.continue_in }}", "section.continue_in")
    _tag(document, "endif")
    _tag(document, "if section.provenance")
    document.add_paragraph().add_run(
        "{{ t.source|format(where=section.provenance) }}"
    ).italic = True
    _tag(document, "endif")
    _tag(document, "else")
    document.add_paragraph("{{ t.no_update }}")
    _tag(document, "endfor")


def _cells(row: docx.table._Row, texts: list[str], *, bold: bool) -> None:
    for cell, text in zip(row.cells, texts, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold
        run.font.size = Pt(8)


def _repeat_header(table: docx.table.Table) -> None:
    """Mark the first row as a header row, repeated at the top of every page."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)


def _status_table(document: docx.document.Document) -> None:
    # The table grows a column a meeting; it gets a landscape page of its own.
    previous = document.sections[-1]
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = previous.page_height, previous.page_width
    document.add_heading("{{ t.across }}", level=1)
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    meeting = "{{ meeting.short_label }}\n{{ meeting.date_display }}"
    loop = ["{%tc for meeting in meetings %}", meeting, "{%tc endfor %}"]
    _cells(table.rows[0], ["{{ t.workstream }}", *loop], bold=True)
    _cells(table.rows[1], ["{%tr for row in rows %}", "", "", ""], bold=False)
    cells = ["{%tc for cell in row.cells %}", "{{ cell.label }}", "{%tc endfor %}"]
    _cells(table.rows[2], ["{{ row.title }}", *cells], bold=False)
    _cells(table.rows[3], ["{%tr endfor %}", "", "", ""], bold=False)
    _repeat_header(table)
    table.columns[0].width = Mm(70)
    document.add_paragraph("{{ t.inferred_note }}").runs[0].italic = True
    _tag(document, "if inferences")
    document.add_paragraph().add_run("{{ t.inferred_why }}").bold = True
    _tag(document, "for note in inferences")
    document.add_paragraph("{{ note }}", style="List Bullet")
    _tag(document, "endfor")
    _tag(document, "endif")


def _mandates_to_watch(document: docx.document.Document) -> None:
    document.add_heading("{{ t.watch }}", level=1)
    document.add_paragraph("{{ t.watch_intro }}")
    _tag(document, "for item in watch")
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run("{{ item.title }}").bold = True
    paragraph.add_run(": {{ item.text }}")
    _tag(document, "else")
    document.add_paragraph("{{ t.watch_none }}")
    _tag(document, "endfor")


def briefing_pack() -> docx.document.Document:
    document = docx.Document()
    _cover(document)
    _since(document)
    _sections(document)
    _status_table(document)
    _mandates_to_watch(document)
    return document


if __name__ == "__main__":
    briefing_pack().save(str(DOCUMENTS / "briefing_pack.docx"))
