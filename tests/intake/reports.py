"""Reports for the intake's tests: the two seed reports, and the same text as DOCX and PDF."""

import html
import io
import zipfile
from pathlib import Path

import docx

DATA = Path(__file__).resolve().parent / "data"
# The two EMG meeting reports the record was entered from, as the secretariat published them.
SOM28_MID_TERM = DATA / "som28-mid-term-report.txt"
SOM29_MID_TERM = DATA / "som29-midterm-report.txt"


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """The text's paragraphs and tables: a run of lines with tabs is one table."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            if blocks and blocks[-1][0] == "table":
                blocks.append(("gap", []))
            continue
        kind = "table" if "\t" in line else "paragraph"
        if kind == "table" and blocks and blocks[-1][0] == "table":
            blocks[-1][1].append(line)
        else:
            blocks.append((kind, [line]))
    return [block for block in blocks if block[0] != "gap"]


def docx_of(text: str) -> bytes:
    """The report as Word writes it: each paragraph a paragraph, each run of tab-separated lines a
    table (the annex's list of participants, the agenda's heading)."""
    document = docx.Document()
    for kind, lines in _blocks(text):
        if kind == "paragraph":
            document.add_paragraph(lines[0].replace("**", ""))
            continue
        width = max(len(line.split("\t")) for line in lines)
        table = document.add_table(rows=len(lines), cols=width)
        for row, line in zip(table.rows, lines, strict=True):
            for cell, value in zip(row.cells, line.split("\t"), strict=False):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_of(text: str) -> bytes:
    """The report printed to PDF (WeasyPrint): paragraphs, and tables for tab-separated lines."""
    from weasyprint import HTML

    parts = []
    for kind, lines in _blocks(text):
        if kind == "paragraph":
            parts.append(f"<p>{html.escape(lines[0].replace('**', ''))}</p>")
            continue
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
            for line in lines
        )
        parts.append(f"<table>{rows}</table>")
    page = (
        "<style>@page { size: A4 landscape; margin: 1cm } body { font: 8pt sans-serif }"
        " td { padding: 0 6mm 0 0 }</style>" + "".join(parts)
    )
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf


def zip_bomb_docx() -> bytes:
    """A Word document with one part that unpacks to 20 MB of zeros from a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * 20_000_000)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF whose trailer names a standard security handler: encrypted, no password known."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <"
        + b"ab" * 32
        + b"> /U <"
        + b"cd" * 32
        + b"> >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Encrypt 4 0 R "
        f"/ID [<{'01' * 16}><{'01' * 16}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return body


def binary_renamed_txt() -> bytes:
    """A program's bytes (an ELF header and zeros), named .txt."""
    return b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64
