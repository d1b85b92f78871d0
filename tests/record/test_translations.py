"""The unofficial translations of the record (data/translations): every row of the record with
text has it in the five other languages, made from the English the record now gives, and
faithful in what can be checked by machine: numbers, acronyms, document symbols."""

import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from meetings.models import AgendaItem, Meeting
from workstreams.management.report_loader import DATA_DIR, read_translations
from workstreams.management.report_loader.translations import source_hash
from workstreams.models import Decision, ProgressUpdate, Workstream

LANGUAGES = ["ar", "es", "fr", "ru", "zh-hans"]
# Kept as the record writes them, in every language.
KEPT = re.compile(r"\b(?:EMG|UNEP|IMG|SOM\d*|EMGSOM29/midterm/02|UNU-FLORES|Greening the Blue)\b")
NUMBERS = re.compile(r"\d+")
Entry = tuple[str, str, str]  # the row's place in the files, the field, its English


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


def record_texts() -> Iterator[Entry]:
    """Each translatable field of the record with text, by its place in a translation file."""
    record, meetings = _read("workstreams.toml"), _read("meetings.toml")
    for row in record["workstreams"]:
        for field in ("title", "short_title", "description"):
            yield f"workstreams.{row['slug']}", field, row.get(field, "")
    for row in meetings["meetings"]:
        yield f"meetings.{row['slug']}", "title", row["title"]
    for row in record["updates"]:
        place = f"updates.{row['meeting']}.{row['workstream']}"
        yield place, "summary", row["summary"]
        yield place, "next_steps", row.get("next_steps", "")
    for row in record["decisions"]:
        yield f"decisions.{row['meeting']}.{row['workstream']}.{row['kind']}", "text", row["text"]
    for row in meetings["agenda_items"]:
        yield f"agenda_items.{row['meeting']}.{row['number']}", "title", row["title"]


def _rows(data: Mapping[str, Any], depth: int, place: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        here = f"{place}.{key}" if place else key
        if depth:
            yield from _rows(value, depth - 1, here)
        else:
            yield here, value


DEPTHS = {"workstreams": 1, "meetings": 1, "updates": 2, "decisions": 3, "agenda_items": 2}


def translated_rows(data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {
        place: row
        for kind, depth in DEPTHS.items()
        for place, row in _rows({kind: data.get(kind, {})}, depth)
    }


def misses(files: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What the files lack or get wrong against the record's English."""
    found = []
    wanted = [(place, field, english) for place, field, english in record_texts() if english]
    places = {place for place, _, _ in record_texts()}
    for language in LANGUAGES:
        rows = translated_rows(files.get(language, {}))
        found += [f"{language}: {p} is not in the record" for p in sorted(set(rows) - places)]
        for place, field, english in wanted:
            row = rows.get(place, {})
            text = row.get(field, "")
            if not text.strip():
                found.append(f"{language}: {place} {field} is not translated")
            elif row.get("source", {}).get(field) != source_hash(english):
                found.append(f"{language}: {place} {field} was made from other English")
            else:
                lost = (set(NUMBERS.findall(english)) - set(NUMBERS.findall(text))) | (
                    set(KEPT.findall(english)) - set(KEPT.findall(text))
                )
                found += [f"{language}: {place} {field} loses {w!r}" for w in sorted(lost)]
    return found


def test_the_five_languages_are_there() -> None:
    assert sorted(read_translations()) == LANGUAGES


def test_every_text_of_the_record_is_translated_from_its_english() -> None:
    assert misses(read_translations()) == []


def test_the_suite_checks_the_whole_record() -> None:
    entries = [e for e in record_texts() if e[2]]
    counts: dict[str, int] = {}
    for place, _, _ in entries:
        counts[place.partition(".")[0]] = counts.get(place.partition(".")[0], 0) + 1
    # 21 workstreams (three fields each), 6 meetings, 21 updates (11 with next steps),
    # 5 decisions, 27 agenda items.
    assert counts == {
        "workstreams": 63,
        "meetings": 6,
        "updates": 32,
        "decisions": 5,
        "agenda_items": 27,
    }


def _changed(language: str, edit: Any) -> dict[str, Any]:
    """The translation files, read afresh, with one language's edited."""
    files = read_translations()
    edit(files[language])
    return files


@pytest.mark.parametrize(
    ("edit", "miss"),
    [
        (
            lambda d: d["meetings"]["som27"].update(title="Réunion des hauts fonctionnaires"),
            "fr: meetings.som27 title loses '27'",
        ),
        (
            lambda d: d["meetings"]["som27"]["source"].update(title="0" * 16),
            "fr: meetings.som27 title was made from other English",
        ),
        (
            lambda d: d["agenda_items"]["som28-mid-term"].pop("5"),
            "fr: agenda_items.som28-mid-term.5 title is not translated",
        ),
        (
            lambda d: d["updates"]["som29-mid-term"]["img-biodiversity"].update(
                summary="Progrès résumés dans le rapport 02."
            ),
            "fr: updates.som29-mid-term.img-biodiversity summary loses 'EMGSOM29/midterm/02'",
        ),
        (
            lambda d: d["workstreams"].update(gone={"title": "x", "source": {}}),
            "fr: workstreams.gone is not in the record",
        ),
    ],
)
def test_a_file_that_drifts_from_the_record_is_caught(edit: Any, miss: str) -> None:
    assert miss in misses(_changed("fr", edit))


def test_arabic_and_chinese_are_in_their_scripts() -> None:
    files = read_translations()
    for code, script in (("ar", r"[\u0600-\u06FF]"), ("zh-hans", r"[\u4E00-\u9FFF]")):
        texts = [
            (place, text)
            for place, row in translated_rows(files[code]).items()
            for field, text in row.items()
            if field != "source"
        ]
        assert len(texts) == 133
        assert [place for place, text in texts if not re.search(script, text)] == [], code


def test_every_translation_fits_its_column() -> None:
    """A text longer than its column is cut by no database the same way: PostgreSQL refuses it,
    SQLite keeps it whole. None is."""
    models = {
        "workstreams": Workstream,
        "meetings": Meeting,
        "updates": ProgressUpdate,
        "decisions": Decision,
        "agenda_items": AgendaItem,
    }
    too_long = []
    for language, data in read_translations().items():
        for place, row in translated_rows(data).items():
            model = models[place.partition(".")[0]]
            for field, text in row.items():
                limit = (
                    getattr(model._meta.get_field(field), "max_length", None)
                    if field != "source"
                    else None
                )
                if limit and len(text) > limit:
                    too_long.append(
                        f"{language}: {place} {field} is {len(text)} long, over {limit}"
                    )
    assert too_long == []
