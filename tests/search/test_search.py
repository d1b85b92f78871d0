"""The search page and API: what a reader finds in the EMG record, ranked and highlighted, on
PostgreSQL and SQLite alike; drafts never; hostile queries refused in the API's error shape."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from search.models import SearchEntry
from search.query import entries_matching, hits
from tests.factories import ProgressUpdateFactory
from workstreams.models import Workstream

pytestmark = pytest.mark.usefixtures("record")

API = "/api/v1/search/"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's full-text search and trigrams"
)
KARIUKI_UPDATE = "Issue Management Group on Human Rights and Environment · SOM28 mid-term"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


def _found(client: Client, query: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(API, {"q": query, **params}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_the_api_finds_a_presenter_and_the_update_she_presented(client: Client) -> None:
    results = _found(client, "Kariuki")
    person = {
        "kind": "person",
        "kind_label": "Person",
        "title": "Angela Kariuki",
        "url": "/en/entities/unep/",
        "title_html": "Angela <mark>Kariuki</mark>",
    }
    assert {k: results[0][k] for k in person} == person
    assert "UNEP" in results[0]["body_html"]
    update = results[1]
    assert (update["kind"], update["title"]) == ("update", KARIUKI_UPDATE)
    assert update["url"] == "/en/workstreams/img-human-rights-environment/"
    assert "Angela <mark>Kariuki</mark>" in update["body_html"]
    assert len(results) == 2


def test_the_page_finds_the_presenter_highlighted_and_labelled(client: Client) -> None:
    page = client.get("/en/search/", {"q": "Kariuki"}).content.decode()
    assert "2 results" in page
    assert '<a href="/en/entities/unep/">Angela <mark>Kariuki</mark></a>' in page
    assert KARIUKI_UPDATE in page
    assert '<span class="search-kind">Progress update</span>' in page
    # The header's box keeps the words searched for.
    assert 'name="q" maxlength="200" placeholder="Search" value="Kariuki"' in page


def test_a_kind_narrows_the_results(client: Client) -> None:
    results = _found(client, "Kariuki", kind="update")
    assert [r["title"] for r in results] == [KARIUKI_UPDATE]


# The Biodiversity IMG's streams name it in their descriptions (issue 14).
BIODIVERSITY_STREAMS = {
    "Awareness raising and knowledge sharing",
    "Accountability and global-level reporting",
    "The UN Decade on Ecosystem Restoration",
}


def test_the_start_of_a_word_finds_the_word(client: Client) -> None:
    titles = [r["title"] for r in _found(client, "biodiv", kind="workstream")]
    assert set(titles) <= {"Issue Management Group on Biodiversity", *BIODIVERSITY_STREAMS}
    assert "Issue Management Group on Biodiversity" in titles


@on_postgresql
def test_a_typo_still_finds_the_workstream(client: Client) -> None:
    titles = [r["title"] for r in _found(client, "biodiversty", kind="workstream")]
    assert set(titles) <= {"Issue Management Group on Biodiversity", *BIODIVERSITY_STREAMS}
    assert "Issue Management Group on Biodiversity" in titles


def test_a_title_match_ranks_above_a_body_match(client: Client) -> None:
    Workstream.objects.create(
        slug="zebra-body",
        title="Marine ecosystems",
        short_title="Marine",
        kind="task_team",
        description="Coordinates the quagga mussel response.",
    )
    Workstream.objects.create(
        slug="zebra-title",
        title="Quagga mussel task team",
        short_title="Quagga",
        kind="task_team",
    )
    titles = [r["title"] for r in _found(client, "quagga")]
    assert titles == ["Quagga mussel task team", "Marine ecosystems"]


def test_drafts_are_never_found(client: Client) -> None:
    ProgressUpdateFactory.create(summary="Zanzibar coral workplan, still a draft.")
    assert _found(client, "Zanzibar") == []
    page = client.get("/en/search/", {"q": "Zanzibar"}).content.decode()
    assert "0 results" in page
    # The index holds it, for the secretariat's admin search.
    assert SearchEntry.objects.filter(kind="update", public=False).count() == 1


def test_the_highlight_escapes_the_text(client: Client) -> None:
    Workstream.objects.create(
        slug="hostile",
        title="<script>alert('x')</script> wetlands",
        short_title="Hostile",
        kind="task_team",
    )
    (hit,) = _found(client, "wetlands", kind="workstream")
    assert hit["title_html"] == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; <mark>wetlands</mark>"
    )
    page = client.get("/en/search/", {"q": "wetlands"}).content.decode()
    assert "<script>alert" not in page
    assert hit["title_html"] in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "water", "kind": "spaceship"}, "kind"),
        ({"q": "water", "sort": "title"}, "sort"),
    ],
)
def test_a_refused_query_is_a_400_in_the_error_shape(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get(API, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize(
    "query", ["'\"!:*&|()<>", "a:* & !b", "water\\", "水", "-- DROP TABLE", "é" * 200]
)
def test_a_hostile_query_answers_without_error(client: Client, query: str) -> None:
    assert isinstance(_found(client, query), list)
    assert client.get("/en/search/", {"q": query}).status_code == 200


def test_the_page_refuses_a_long_query_and_asks_for_words_when_blank(client: Client) -> None:
    refused = client.get("/en/search/", {"q": "x" * 201})
    assert refused.status_code == 400
    assert "at most 200 characters" in refused.content.decode()
    blank = client.get("/en/search/", {"q": " "})
    assert blank.status_code == 200
    assert "result" not in blank.content.decode().split("<main", 1)[1]


def test_the_plain_engine_gives_the_same_shape() -> None:
    """SQLite's fallback, run here on whichever database the tests use: the same hits."""
    from search.query import _plain  # the fallback itself, whatever the database

    entries = list(_plain(SearchEntry.objects.public(), ["Kariuki"]))
    (person, update) = hits(entries, "Kariuki")
    assert (person.title, str(person.title_html)) == (
        "Angela Kariuki",
        "Angela <mark>Kariuki</mark>",
    )
    assert "Angela <mark>Kariuki</mark>" in update.body_html
    assert [
        h.title
        for h in hits(list(entries_matching(SearchEntry.objects.public(), "Kariuki")), "Kariuki")
    ] == [person.title, update.title]


def test_api_query_count_is_flat(assert_flat_query_count: Any) -> None:
    # The count and the page of entries, headlines included.
    assert_flat_query_count(f"{API}?q=workstream", 2, HTTP_ACCEPT="application/json")


def test_page_query_count_is_flat(assert_flat_query_count: Any) -> None:
    assert_flat_query_count("/en/search/?q=workstream", 2)


TITLES = {
    "ar": ("فريق إدارة القضايا المعني بالتنوع البيولوجي", "البيولوجي"),
    "zh-hans": ("生物多样性问题管理小组", "多样性"),
    "fr": ("Groupe de gestion des questions relatives à la biodiversité", "biodiversité"),
    "ru": ("Группа по управлению проблемами биоразнообразия", "биоразнообразия"),
    "es": ("Grupo de gestión temática sobre diversidad biológica", "diversidad biológica"),
}


@pytest.mark.parametrize("language", list(TITLES))
def test_a_workstream_is_found_by_its_title_in_each_language(client: Client, language: str) -> None:
    title, words = TITLES[language]
    workstream = Workstream.objects.get(slug="img-biodiversity")
    setattr(workstream, f"title_{language.replace('-', '_')}", title)
    workstream.save()
    found = _found(client, words, kind="workstream", lang=language)
    assert [r["title"] for r in found][:1] == ["Issue Management Group on Biodiversity"]
    # The page, in the reader's language.
    assert found[0]["url"] == f"/{language}/workstreams/img-biodiversity/"


def test_a_workstream_is_found_by_its_short_title_in_another_language(client: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    workstream.short_title_fr = "Biodiversité"  # type: ignore[attr-defined]  # modeltranslation's
    workstream.save()
    found = _found(client, "Biodiversité", kind="workstream")
    assert "Issue Management Group on Biodiversity" in [r["title"] for r in found]


def test_french_readers_get_french_pages(client: Client) -> None:
    found = _found(client, "Kariuki", lang="fr")
    assert [r["url"] for r in found] == [
        "/fr/entities/unep/",
        "/fr/workstreams/img-human-rights-environment/",
    ]
    page = client.get("/fr/search/", {"q": "Kariuki"}).content.decode()
    assert 'href="/fr/entities/unep/"' in page
    assert 'href="/en/' not in page
