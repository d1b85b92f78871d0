"""The API in six languages: each translated field in the request's language, or the English
original with ``missing_translations`` saying so; every language at once with
``?translations=all``; writes set the original, whatever the request's language."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from tests.factories import UserFactory, api_token
from workstreams.models import Decision, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

API = "/api/v1"
BIODIVERSITY = "Issue Management Group on Biodiversity"
FRENCH = "Groupe de gestion des questions relatives à la biodiversité"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Throttle counts and kept answers live in the cache: each test starts afresh.
    cache.clear()


@pytest.fixture
def french_title(record: None, untranslated: None) -> Workstream:
    """The biodiversity IMG with an official French title, and no French for the rest."""
    workstream = Workstream.objects.get(slug="img-biodiversity")
    workstream.title_fr = FRENCH  # type: ignore[attr-defined]  # a modeltranslation column
    workstream.translation_status = {"title_fr": "official"}
    workstream.save()
    return workstream


def _json(client: Client, url: str, **headers: Any) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.content[:300])
    return response


@pytest.mark.usefixtures("french_title")
@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (f"{API}/workstreams/img-biodiversity/?lang=fr", {}),
        (f"{API}/workstreams/img-biodiversity/", {"Accept-Language": "fr-CH, en;q=0.5"}),
    ],
    ids=["lang", "accept-language"],
)
def test_a_french_reader_gets_the_french_title_and_is_told_what_is_english(
    client: Client, url: str, headers: dict[str, str]
) -> None:
    response = _json(client, url, **headers)
    assert response["Content-Language"] == "fr"
    payload = response.json()
    assert payload["title"] == FRENCH
    # No French yet: the English original, named as such.
    assert payload["short_title"] == "Biodiversity"
    assert payload["description"].startswith("Supports the UN Common Approach")
    assert payload["missing_translations"] == ["short_title", "description"]
    # The decision that opened its mandate has no French either.
    assert payload["mandates"][0]["opened_by"]["missing_translations"] == ["text"]


@pytest.mark.usefixtures("french_title")
def test_the_lists_and_the_timeline_give_the_french_title(client: Client) -> None:
    listed = _json(client, f"{API}/workstreams/?lang=fr&search=biodiversity").json()["results"]
    row = next(r for r in listed if r["slug"] == "img-biodiversity")
    assert (row["title"], row["missing_translations"]) == (FRENCH, ["short_title", "description"])
    matrix = _json(client, f"{API}/timeline/?lang=fr&search=biodiversity").json()["results"]
    row = next(r for r in matrix if r["slug"] == "img-biodiversity")
    assert (row["title"], row["missing_translations"]) == (FRENCH, [])
    english = _json(client, f"{API}/timeline/?search=biodiversity").json()["results"]
    assert next(r for r in english if r["slug"] == "img-biodiversity")["title"] == BIODIVERSITY


@pytest.mark.usefixtures("french_title")
def test_csv_gives_the_text_in_the_request_language(client: Client) -> None:
    response = _json(client, f"{API}/workstreams/?format=csv&lang=fr&search=biodiversity")
    assert FRENCH in response.content.decode()


@pytest.mark.usefixtures("untranslated")
def test_an_update_summary_in_arabic_and_one_still_in_english(client: Client) -> None:
    update = ProgressUpdate.objects.get(
        workstream__slug="img-biodiversity", meeting__slug="som28-mid-term"
    )
    arabic = "نُظّم العمل في ثلاثة مسارات."
    update.summary_ar = arabic  # type: ignore[attr-defined]  # a modeltranslation column
    update.save()
    payload = _json(client, f"{API}/updates/{update.pk}/?lang=ar").json()
    assert payload["summary"] == arabic
    assert payload["next_steps"].startswith("Finish the monitoring and reporting framework")
    assert payload["missing_translations"] == ["next_steps"]
    cells = _json(client, f"{API}/workstreams/img-biodiversity/timeline/?lang=ar").json()
    cell = next(c for c in cells if c["meeting"] == "som28-mid-term")
    assert (cell["summary"], cell["missing_translations"]) == (arabic, ["next_steps"])
    # A meeting with no update there has nothing that fell back.
    assert next(c for c in cells if c["meeting"] == "som27")["missing_translations"] == []


def test_english_readers_are_told_of_nothing_missing(client: Client) -> None:
    payload = _json(client, f"{API}/decisions/?workstream=img-biodiversity").json()
    assert payload["results"][0]["missing_translations"] == []


@pytest.mark.usefixtures("french_title")
def test_every_language_at_once_with_its_status(client: Client) -> None:
    payload = _json(client, f"{API}/workstreams/img-biodiversity/?translations=all").json()
    title = payload["title"]
    assert list(title) == ["ar", "zh-hans", "en", "fr", "ru", "es"]
    assert title["en"] == {"text": BIODIVERSITY, "status": "original"}
    assert title["fr"] == {"text": FRENCH, "status": "official"}
    assert title["ru"] == {"text": "", "status": "missing"}
    assert payload["short_title"]["en"]["text"] == "Biodiversity"
    assert payload["mandates"][0]["opened_by"]["text"]["en"]["status"] == "original"
    # The list answers alike, from its rows.
    listed = _json(client, f"{API}/workstreams/?translations=all&search=biodiversity").json()
    row = next(r for r in listed["results"] if r["slug"] == "img-biodiversity")
    assert row["title"] == title


@pytest.mark.parametrize("value", ["some", "", "ALL", "fr"])
def test_any_other_translations_value_is_refused_in_the_error_shape(
    client: Client, value: str
) -> None:
    response = client.get(f"{API}/meetings/", {"translations": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", ["translations"])


LISTS = [
    f"{API}/workstreams/?page_size=200",
    f"{API}/updates/?page_size=200",
    f"{API}/decisions/?page_size=200",
    f"{API}/meetings/?page_size=200",
    f"{API}/timeline/?page_size=200",
    f"{API}/workstreams/img-biodiversity/timeline/",
    f"{API}/workstreams/img-biodiversity/",
]


def _queries(client: Client, url: str) -> int:
    cache.clear()  # a kept answer costs no query at all
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_queries_in_every_language(client: Client, url: str) -> None:
    Workstream.objects.filter(slug="img-biodiversity").update(title_fr=FRENCH, title_ar="تنوع")
    Decision.objects.update(text_es="Establecido.")
    Meeting.objects.update(title_zh_hans="会议")
    english = _queries(client, url)
    joined = "&" if "?" in url else "?"
    for language in ["ar", "zh-hans", "fr", "ru", "es"]:
        assert _queries(client, f"{url}{joined}lang={language}") == english, language
    assert _queries(client, f"{url}{joined}translations=all") == english
    assert _queries(client, f"{url}{joined}translations=all&lang=ar") == english


def _writer(**headers: str) -> Client:
    user = UserFactory.create(role="secretariat")
    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}", headers=headers)


def _columns(update: ProgressUpdate, *fields: str) -> dict[str, Any]:
    """The English and French columns of the fields (modeltranslation's, unknown to mypy)."""
    return {f"{f}_{code}": getattr(update, f"{f}_{code}") for f in fields for code in ["en", "fr"]}


def test_a_write_in_french_sets_the_english_original() -> None:
    client = _writer(**{"Accept-Language": "fr"})
    body = {
        "workstream": "img-biodiversity",
        "meeting": "som29-senior",
        "status": "active",
        "summary": "Guidance on nature-positive operations agreed.",
        "next_steps": "Publish the guidance.",
    }
    response = client.post(f"{API}/updates/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert _columns(update, "summary", "next_steps") == {
        "summary_en": body["summary"],
        "next_steps_en": body["next_steps"],
        "summary_fr": None,
        "next_steps_fr": None,
    }
    assert ProgressUpdate.objects.filter(summary=body["summary"]).exists()
    # Answered in French: there is no French yet, and the answer says so.
    assert response["Content-Language"] == "fr"
    assert response.json()["missing_translations"] == ["summary", "next_steps"]
    # An edit in French changes the original too.
    edited = client.patch(
        f"{API}/updates/{update.pk}/",
        {"summary": "Guidance agreed and published.", "version": 1},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content
    update.refresh_from_db()
    assert update.summary == "Guidance agreed and published."
    assert _columns(update, "summary") == {
        "summary_en": "Guidance agreed and published.",
        "summary_fr": None,
    }


def test_a_refused_write_is_explained_in_the_request_language() -> None:
    client = _writer(**{"Accept-Language": "fr"})
    body = {"workstream": "img-biodiversity", "meeting": "som29-senior", "summary": " "}
    response = client.post(f"{API}/updates/", body, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["summary"] == ["Ce champ ne peut pas être vide."]
    assert not ProgressUpdate.objects.filter(meeting__slug="som29-senior").exists()
    spanish = _writer(**{"Accept-Language": "es"}).post(
        f"{API}/updates/", {"meeting": "som29-senior"}, content_type="application/json"
    )
    assert spanish.json()["error"]["fields"]["workstream"] == ["Este campo es requerido."]
