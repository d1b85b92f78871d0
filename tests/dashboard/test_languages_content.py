"""Content on the pages in the reader's language: the French text where there is one, the
English original with a visible note and ``lang="en"`` where there is none, a mark on an
unofficial translation, and the same query count in every language (docs/languages.md)."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from meetings.models import Meeting, Translated
from meetings.models.translated import field_text
from tests.dashboard.test_pages import PAGES
from tests.dashboard.test_timeline import TIMELINE_QUERIES
from tests.factories import ProgressUpdateFactory
from tests.workstreams.test_feeds import SITE_FEED_QUERIES, WORKSTREAM_FEED_QUERIES
from workstreams.models import Decision, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record", "untranslated")


LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _in_french(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


# The note, in the page's language: the reader is told in French that this is English.
MISSING_NOTE = re.compile(
    r'<span lang="en" dir="ltr">([^<]*)</span> '
    rf'<small class="translation-note missing">{re.escape(_in_french("not yet translated"))}</small>'
)


def _translate(row: Translated, status: str = "official", **columns: str) -> None:
    """Give ``row`` these language columns (``title_fr=…``), each with ``status``."""
    for column, text in columns.items():
        setattr(row, column, text)
    row.translation_status = {column: status for column in columns}
    row.save()


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def biodiversity() -> Workstream:
    """The Biodiversity IMG with an official French title and description, nothing else in
    French."""
    workstream = Workstream.objects.get(slug="img-biodiversity")
    _translate(
        workstream,
        title_fr="Groupe de gestion des questions relatives à la biodiversité",
        description_fr="Le groupe coordonne les travaux sur la biodiversité.",
    )
    return workstream


def test_a_french_reader_gets_the_french_title_and_no_note(
    client: Client, biodiversity: Workstream
) -> None:
    page = _page(client, "/fr/workstreams/img-biodiversity/")
    assert "<h1>Groupe de gestion des questions relatives à la biodiversité</h1>" in page
    assert "Le groupe coordonne les travaux sur la biodiversité." in page
    assert f"<h1>{field_text(biodiversity, 'title', 'en').text}</h1>" not in page


def test_an_untranslated_field_is_the_english_marked_as_english_with_a_note(
    client: Client, biodiversity: Workstream
) -> None:
    update = ProgressUpdate.objects.published().filter(workstream=biodiversity).first()
    assert update is not None
    assert field_text(update, "summary", "fr").missing
    page = _page(client, "/fr/workstreams/img-biodiversity/")
    originals = MISSING_NOTE.findall(page)
    # The summary's English, whole, inside lang="en", followed by the note.
    assert any(
        field_text(update, "summary", "en").text.startswith(text.replace("&#x27;", "'")[:40])
        for text in originals
    )


def test_an_english_reader_gets_the_original_with_no_note(
    client: Client, biodiversity: Workstream
) -> None:
    page = _page(client, "/en/workstreams/img-biodiversity/")
    # In English nothing is missing: the original is the text.
    assert "translation-note" not in page
    assert f"<h1>{field_text(biodiversity, 'title', 'en').text}</h1>" in page


def test_an_unofficial_translation_is_marked(client: Client, biodiversity: Workstream) -> None:
    biodiversity.translation_status = {}
    biodiversity.save()
    page = _page(client, "/fr/workstreams/img-biodiversity/")
    title = _in_french("Unofficial translation, to be checked")
    note = _in_french("unofficial translation")
    assert note != "unofficial translation"
    assert (
        f'<span class="translation-unofficial" title="{title}">'
        "Groupe de gestion des questions relatives à la biodiversité</span> "
        f'<small class="translation-note unofficial">{note}</small>'
    ) in page.replace("\u2019", "'")


def test_the_timeline_meeting_and_list_pages_mark_what_is_untranslated(
    client: Client, biodiversity: Workstream
) -> None:
    french = "Groupe de gestion des questions relatives à la biodiversité"
    for url in ("/fr/", "/fr/workstreams/", "/fr/meetings/som29-mid-term/", "/fr/entities/unesco/"):
        page = _page(client, url)
        assert french in page, url
        assert MISSING_NOTE.search(page), url
    meeting = Meeting.objects.get(slug="som29-mid-term")
    _translate(
        meeting, title_fr="Réunion de mi-parcours de la 29e réunion des hauts fonctionnaires"
    )
    assert "<h1>Réunion de mi-parcours" in _page(client, "/fr/meetings/som29-mid-term/")
    assert "Réunion de mi-parcours" in _page(client, "/fr/meetings/")


def test_a_decision_text_in_french(client: Client) -> None:
    decision = Decision.objects.filter(workstream__slug="img-biodiversity").first()
    assert decision is not None
    _translate(decision, text_fr="Les hauts fonctionnaires ont prolongé le mandat.")
    page = _page(client, "/fr/workstreams/img-biodiversity/")
    assert "<p>Les hauts fonctionnaires ont prolongé le mandat.</p>" in page


def test_quotes_from_the_reports_are_marked_english(client: Client) -> None:
    page = _page(client, "/fr/workstreams/img-biodiversity/")
    quotes = re.findall(r"<q[ >]", page)
    assert quotes
    assert set(quotes) == {"<q "}
    assert page.count('<q lang="en" dir="ltr">') == len(quotes)


# The same queries in every language: the language columns are in the rows already read -----


def _queries(client: Client, url: str) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


PINNED = {
    **PAGES,
    "/en/": TIMELINE_QUERIES,
    "/en/feed/": SITE_FEED_QUERIES,
    "/en/workstreams/img-biodiversity/feed/": WORKSTREAM_FEED_QUERIES,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", list(PINNED))
def test_each_pinned_page_costs_the_same_queries_in_every_language(
    client: Client, django_assert_num_queries: Any, url: str, language: str
) -> None:
    with django_assert_num_queries(PINNED[url]):
        assert client.get(url.replace("/en/", f"/{language}/", 1)).status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "url", ["/en/workstreams/", "/en/workstreams/img-biodiversity/", "/en/meetings/"]
)
def test_the_workstream_and_meeting_pages_cost_the_same_queries_in_every_language(
    client: Client, url: str, language: str
) -> None:
    english = _queries(client, url)
    assert _queries(client, url.replace("/en/", f"/{language}/", 1)) == english


def test_an_arabic_page_keeps_the_english_original_left_to_right(client: Client) -> None:
    with translation.override("ar"):
        note = gettext("not yet translated")
    page = _page(client, "/ar/workstreams/img-biodiversity/")
    title = re.search(r"<h1>(.*?)</h1>", page, re.DOTALL)
    assert title is not None
    english = field_text(Workstream.objects.get(slug="img-biodiversity"), "title", "en").text
    assert title.group(1) == (
        f'<span lang="en" dir="ltr">{english}</span> '
        f'<small class="translation-note missing">{note}</small>'
    )
    # Where no markup can go, the note is words in brackets.
    head = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert head is not None
    assert head.group(1).startswith(f"{english} ({note})")


def test_the_feed_gives_the_french_summary_or_says_it_is_missing(client: Client) -> None:
    update = ProgressUpdateFactory.create(
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
        summary="Guidance agreed.",
    )
    feed = _page(client, "/fr/workstreams/img-biodiversity/feed/")
    assert "Guidance agreed." in feed
    assert _in_french("not yet translated") in feed
    _translate(update, summary_fr="Orientations adoptées.")
    feed = _page(client, "/fr/workstreams/img-biodiversity/feed/")
    assert "Orientations adoptées." in feed
