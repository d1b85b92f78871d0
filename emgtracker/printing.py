"""Printed documents: HTML templates to PDF with WeasyPrint, Word templates to DOCX with docxtpl.

The layout lives in the templates (templates/documents/), never in Python. WeasyPrint reads
nothing from the network: its URL fetcher serves our own static files and refuses every other
address, so a template or a value that names an http(s) URL cannot make the worker fetch it.
"""

import datetime
import io
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from docxtpl import DocxTemplate

# The address the print templates are rendered at: ``{% static %}`` resolves under it. The
# host is reserved (RFC 2606) and is never contacted; the fetcher maps it to files on disk.
PRINT_BASE_URL = "https://print.invalid/"


class RefusedFetch(ValueError):
    """WeasyPrint asked for an address that is not one of our static files."""


def _static_path(name: str) -> Path | None:
    """The file of a static name: collected (hashed names) where it was, else the source."""
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


class StaticFilesOnly(weasyprint.URLFetcher):
    """Serves ``PRINT_BASE_URL`` + ``STATIC_URL`` from the static files; refuses the rest."""

    def fetch(self, url: str, headers: Any = None) -> weasyprint.urls.URLFetcherResponse:
        prefix = PRINT_BASE_URL + settings.STATIC_URL.lstrip("/")
        if not url.startswith(prefix):
            raise RefusedFetch(f"Printed documents read only our static files, not {url!r}.")
        name = unquote(urlsplit(url[len(prefix) :]).path)
        inside = name and not name.startswith("/") and ".." not in name.split("/")
        path = _static_path(name) if inside else None
        if path is None:
            raise RefusedFetch(f"No static file {name!r}.")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": kind}
        )


def pdf_from_html(html: str) -> bytes:
    """An HTML document as PDF. Resources come from our static files only."""
    document = weasyprint.HTML(
        string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticFilesOnly(fail_on_errors=False)
    )
    # Tagged: headings, paragraphs and table cells reach a screen reader as such.
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf


def pdf_from_template(template: str, context: dict[str, Any]) -> bytes:
    """Render an HTML template (templates/documents/) to PDF."""
    return pdf_from_html(render_to_string(template, context))


def docx_from_template(
    template: Path, context: dict[str, Any], *, created: datetime.datetime | None = None
) -> bytes:
    """Fill a Word template (Jinja tags in its text and properties, see docxtpl) with
    ``context``, escaped; ``created`` dates the document's properties."""
    document = DocxTemplate(template)
    document.render(context, autoescape=True)
    if created is not None:
        properties = document.docx.core_properties
        properties.created = properties.modified = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
