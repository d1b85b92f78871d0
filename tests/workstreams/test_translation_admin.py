"""The secretariat translates content in the admin: the six languages side by side, an
"official" box beside each translation, filters for what is missing or unofficial, and a count
of what is missing in the list (docs/languages.md)."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from meetings.models.translated import field_text
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.workstreams.test_workstream_admin import _change_form, _FormValues
from workstreams.models import Decision, ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record", "untranslated")

COLUMNS = ["title_ar", "title_zh_hans", "title_en", "title_fr", "title_ru", "title_es"]


@pytest.fixture
def secretariat(client: Client) -> Client:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    return client


def _form_page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Workstream, "title"),
        (Meeting, "title"),
        (Decision, "text"),
        (ProgressUpdate, "summary"),
        (AgendaItem, "title"),
    ],
)
def test_every_translated_field_is_edited_in_six_languages_side_by_side(
    secretariat: Client, model: Any, field: str
) -> None:
    row = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
    parser = _FormValues()
    parser.feed(_form_page(secretariat, url))
    names = [name for name in parser.values if name.startswith(f"{field}_")]
    columns = [c.replace("title", field) for c in COLUMNS]
    assert [n for n in names if n in columns] == columns
    # An "official" box beside each translation, none beside the original.
    boxes = {c for c in columns if c != f"{field}_en"}
    page = _form_page(secretariat, url)
    assert {c for c in boxes if f'name="{c}_official"' in page} == boxes
    assert f'name="{field}_en_official"' not in page
    # The original is required, as the field itself is.
    assert re.search(rf'name="{field}_en"[^>]*required', page)


def test_a_translation_saved_with_its_status(secretariat: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    url, values = _change_form(secretariat, workstream)
    english = values["title_en"]
    values |= {
        "title_fr": "Groupe sur la biodiversité",
        "title_fr_official": "on",
        "title_es": "Grupo sobre la biodiversidad",
    }
    response = secretariat.post(url, values)
    assert response.status_code == 302, response.content.decode()[:3000]
    workstream.refresh_from_db()
    assert field_text(workstream, "title", "fr").state == "official"
    assert field_text(workstream, "title", "es").state == "unofficial"
    assert field_text(workstream, "title", "ru").missing
    assert field_text(workstream, "title", "en").text == english
    # Opened again, the form shows the box as it was saved.
    url, values = _change_form(secretariat, workstream)
    assert values.get("title_fr_official") == "on"
    assert "title_es_official" not in values

    # The box cleared: the French becomes unofficial; a translation emptied has no status.
    values.pop("title_fr_official")
    values["title_es"] = ""
    assert secretariat.post(url, values).status_code == 302
    workstream.refresh_from_db()
    assert field_text(workstream, "title", "fr").state == "unofficial"
    assert field_text(workstream, "title", "es").missing
    assert "title_es" not in workstream.translation_status


def test_the_original_cannot_be_emptied(secretariat: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    url, values = _change_form(secretariat, workstream)
    response = secretariat.post(url, values | {"title_en": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def _listed(client: Client, query: str) -> set[str]:
    page = _form_page(client, reverse("admin:workstreams_workstream_changelist") + query)
    return set(re.findall(r"/admin/workstreams/workstream/(\d+)/change/", page))


def test_the_filters_find_what_is_missing_or_unofficial_in_a_language(secretariat: Client) -> None:
    translated = Workstream.objects.get(slug="img-biodiversity")
    for column in ("title", "short_title", "description"):
        setattr(translated, f"{column}_fr", f"{column} en français")
    translated.translation_status = {"title_fr": "official", "short_title_fr": "official"}
    translated.save()
    everyone = _listed(secretariat, "")
    assert str(translated.pk) in everyone

    missing = _listed(secretariat, "?missing_in=fr")
    assert missing == everyone - {str(translated.pk)}
    # Its description's French has no status: unofficial, and only it.
    assert _listed(secretariat, "?unofficial_in=fr") == {str(translated.pk)}
    translated.translation_status["description_fr"] = "official"
    translated.save()
    assert _listed(secretariat, "?unofficial_in=fr") == set()
    # In Spanish everything is missing.
    assert _listed(secretariat, "?missing_in=es") == everyone


def test_the_list_counts_the_translations_missing(secretariat: Client) -> None:
    page = _form_page(secretariat, reverse("admin:workstreams_workstream_changelist"))
    assert "Translations missing" in page
    # Three fields in five languages, none translated yet: fifteen.
    assert re.search(r'<td class="field-translations_missing">15</td>', page)
    assert "By translation missing in" in page
    assert "By unofficial translation in" in page


def test_the_translation_forms_load_nothing_from_another_host(secretariat: Client) -> None:
    workstream = Workstream.objects.get(slug="img-biodiversity")
    page = _form_page(
        secretariat, reverse("admin:workstreams_workstream_change", args=[workstream.pk])
    )
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert any("/static/admin/" in asset for asset in assets)
    assert [a for a in assets if not a.startswith("/")] == []


def test_a_reader_who_may_only_look_gets_the_texts_without_boxes(client: Client) -> None:
    update = ProgressUpdateFactory.create(
        state="published", published_at=timezone.now(), summary="Published in English."
    )
    client.force_login(UserFactory.create(role="focal_point", entity="UNESCO"))
    page = _form_page(client, reverse("admin:workstreams_progressupdate_change", args=[update.pk]))
    assert "Published in English." in page
    assert "field-summary_fr" in page
    assert "_official" not in page
    assert 'name="summary_en"' not in page
