"""The record's unofficial translations, as the loader writes them (report_loader/translations):
every text of the record in the five other languages, marked unofficial; a reload changes
nothing; a person's translation, an official mark and a changed English original are respected.
"""

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem, Meeting
from meetings.models.translated import Translated, field_text, translation_languages
from tests.factories import UserFactory
from workstreams.management import report_loader
from workstreams.management.report_loader import read_translations, reports_load
from workstreams.management.report_loader.translations import translations_load
from workstreams.models import Decision, ProgressUpdate, Workstream
from workstreams.services import workstream_save

pytestmark = pytest.mark.usefixtures("record")

MODELS: list[type[Translated]] = [Workstream, Meeting, ProgressUpdate, Decision, AgendaItem]
SLUG = "img-biodiversity"
COLUMNS = 665  # 133 texts of the record, five languages each


def _columns() -> dict[tuple[str, int, str], tuple[str | None, str | None]]:
    """Every translated column of the record: its text and status, by model, row and column."""
    found = {}
    for model in MODELS:
        for obj in model._default_manager.order_by("pk"):
            for field in model.TRANSLATED_FIELDS:
                if not getattr(obj, f"{field}_en"):
                    continue
                for language in translation_languages():
                    column = f"{field}_{language.replace('-', '_')}"
                    status = obj.translation_status.get(column)
                    found[model._meta.label, obj.pk, column] = (getattr(obj, column), status)
    return found


def _english() -> dict[tuple[str, int], tuple[Any, ...]]:
    return {
        (model._meta.label, obj.pk): tuple(
            (getattr(obj, field), getattr(obj, f"{field}_en")) for field in model.TRANSLATED_FIELDS
        )
        for model in MODELS
        for obj in model._default_manager.all()
    }


def _column(obj: Translated, column: str) -> Any:
    """A language's column (django-modeltranslation adds them at run time)."""
    return getattr(obj, column)


def _set(obj: Translated, **columns: str) -> None:
    for column, text in columns.items():
        setattr(obj, column, text)


def _workstream() -> Workstream:
    return Workstream.objects.get(slug=SLUG)


def _person() -> User:
    user = UserFactory.create(username="nadia", role="secretariat")
    assert isinstance(user, User)
    return user


def test_every_text_of_the_record_is_in_five_languages_marked_unofficial() -> None:
    columns = _columns()

    assert len(columns) == COLUMNS
    assert [key for key, (text, _) in columns.items() if not (text or "").strip()] == []
    assert {status for _, status in columns.values()} == {"unofficial"}
    obj = _workstream()
    french = field_text(obj, "title", "fr")
    assert (french.text, french.state, french.missing) == (
        "Groupe de gestion thématique sur la biodiversité",
        "unofficial",
        False,
    )


def test_the_english_is_the_records() -> None:
    for model in MODELS:
        for obj in model._default_manager.all():
            for field in model.TRANSLATED_FIELDS:
                assert getattr(obj, field) == getattr(obj, f"{field}_en"), (obj, field)
    assert _workstream().title == "Issue Management Group on Biodiversity"
    assert Meeting.objects.get(slug="som27").title == "27th Senior Officials Meeting"


def test_a_reload_changes_nothing() -> None:
    before = (_columns(), _english())
    out = io.StringIO()

    call_command("load_emg_record", stdout=out)

    assert (_columns(), _english()) == before
    assert "The EMG record is already loaded; nothing changed." in out.getvalue()
    report = reports_load()
    assert (report.translations_set, report.translations_left_alone, report.stale) == (0, 0, [])


def test_the_first_load_says_how_many_translations_it_set() -> None:
    Workstream.objects.filter(slug=SLUG).update(title_fr=None)
    out = io.StringIO()

    call_command("load_emg_record", stdout=out)

    assert "  translations: 1 set, 0 left alone, 0 stale" in out.getvalue()
    assert _column(_workstream(), "title_fr") == "Groupe de gestion thématique sur la biodiversité"


def test_a_persons_french_title_survives_a_reload() -> None:
    workstream = _workstream()
    _set(workstream, title_fr="Groupe de gestion thématique « Biodiversité »")
    workstream_save(workstream=workstream, by=_person())

    report = reports_load()

    workstream = _workstream()
    assert _column(workstream, "title_fr") == "Groupe de gestion thématique « Biodiversité »"
    assert _column(workstream, "description_fr").startswith("Soutient l'Approche commune")
    assert report.translations_left_alone == 1
    (note,) = report.left_alone
    assert (note.model, note.key) == ("workstream", SLUG)
    assert note.why.startswith("title_fr edited after loading on ")
    assert [d.field for d in note.differences] == ["title_fr"]
    assert not report.changed


def test_an_official_translation_is_never_touched() -> None:
    marked = {**_workstream().translation_status, "title_ar": "official", "title_fr": "official"}
    Workstream.objects.filter(slug=SLUG).update(
        title_ar="فريق الإدارة المعني بالتنوع البيولوجي", translation_status=marked
    )
    before = _columns()

    report = reports_load()

    assert _columns() == before
    workstream = _workstream()
    assert _column(workstream, "title_ar") == "فريق الإدارة المعني بالتنوع البيولوجي"
    assert workstream.translation_status["title_ar"] == "official"
    assert field_text(workstream, "title", "fr").state == "official"
    assert report.translations_official == 2
    assert not report.left_alone


def test_a_changed_english_original_makes_its_translations_stale() -> None:
    workstream = _workstream()
    workstream.title = "Issue Management Group on Biodiversity and Ecosystems"
    workstream_save(workstream=workstream, by=_person())
    out = io.StringIO()

    call_command("load_emg_record", stdout=out)

    workstream = _workstream()
    for language in translation_languages():
        column = f"title_{language.replace('-', '_')}"
        # The translation of the older words is gone: readers get the English, marked missing.
        assert getattr(workstream, column) is None
        assert column not in workstream.translation_status
        reader = field_text(workstream, "title", language)
        assert (reader.text, reader.missing) == (workstream.title, True)
    assert _column(workstream, "short_title_fr") == "Biodiversité"
    assert (
        "not applied, the English changed since: workstream img-biodiversity: title "
        "(ar, es, fr, ru, zh_hans)" in out.getvalue()
    )

    # Not applied on the next load either, while the English differs.
    report = reports_load()
    assert _column(_workstream(), "title_fr") is None
    assert len(report.stale) == 5
    assert not report.changed


def test_a_person_s_translation_of_the_new_english_is_kept() -> None:
    workstream = _workstream()
    workstream.title = "Issue Management Group on Biodiversity and Ecosystems"
    _set(workstream, title_fr="Groupe de gestion thématique sur la biodiversité et les écosystèmes")
    workstream_save(workstream=workstream, by=_person())

    report = reports_load()

    assert _column(_workstream(), "title_fr") == _column(workstream, "title_fr")
    assert report.translations_left_alone == 1
    assert {n.why.partition(" ")[0] for n in report.stale} == {
        "title_ar",
        "title_es",
        "title_ru",
        "title_zh_hans",
    }


def _file_texts(code: str) -> list[str]:
    data = read_translations()[code]
    return [
        *(row["title"] for row in data["workstreams"].values()),
        *(row["title"] for row in data["meetings"].values()),
        *(row["title"] for items in data["agenda_items"].values() for row in items.values()),
    ]


@pytest.mark.parametrize(("code", "column"), [("ar", "title_ar"), ("zh-hans", "title_zh_hans")])
def test_arabic_and_chinese_come_back_as_written(code: str, column: str) -> None:
    """No mojibake: the database gives back, character for character, what the files hold."""
    stored = [
        getattr(obj, column)
        for model in (Workstream, Meeting, AgendaItem)
        for obj in model._default_manager.all()
    ]
    assert sorted(stored) == sorted(_file_texts(code))
    som27 = Meeting.objects.get(slug="som27")
    assert (
        getattr(som27, column)
        == {"ar": "الاجتماع 27 لكبار المسؤولين", "zh-hans": "第27次高级官员会议"}[code]
    )


def test_the_translations_cost_a_read_and_a_write_per_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bulk work: no query per row, however many rows and languages."""
    Workstream.objects.update(title_fr=None, description_ru=None)
    ProgressUpdate.objects.update(summary_ar=None)
    counted = []

    def counting(loader: Any, files: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            translations_load(loader, files)
        counted.append(len(queries))

    monkeypatch.setattr(report_loader, "translations_load", counting)

    report = reports_load()

    assert report.translations_set == 21 * 2 + 21
    assert counted[0] <= 2 * len(MODELS)
