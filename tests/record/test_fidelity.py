"""Fidelity: every quote of the record data is in the report it names, at the section it names,
verbatim (docs/record.md, "Fidelity"; issue 14).

The reports are the files in ``workstreams/management/report_loader/reports/``, split by
``report_loader.sections`` into the sections the data names. Every row of the data with a quote
is checked: leads, decisions, updates, proposals, interventions, events, and the meetings'
status and opening (``status_quote``, ``opened_by_quote``).
"""

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workstreams.management.report_loader import sections

DATA_DIR = Path(sections.__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Quote:
    where: str  # which row of which file
    source: str
    section: str
    quote: str

    def __str__(self) -> str:
        return f"{self.where}: {self.source} / {self.section}: {self.quote!r}"


def _quotes_of(row: Mapping[str, Any], where: str) -> Iterator[Quote]:
    """The row's quotes: ``quote`` with ``source`` and ``section``, and each prefixed one
    (``status_quote`` with ``status_source`` and ``status_section``)."""
    for name, value in row.items():
        if name == "quote" or name.endswith("_quote"):
            prefix = name[: -len("quote")]
            yield Quote(where, row[f"{prefix}source"], row[f"{prefix}section"], value)
        elif isinstance(value, Mapping):
            yield from _quotes_of(value, f"{where}.{name}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _quotes_of(item, f"{where}.{name}[{i}]")


def record_quotes() -> list[Quote]:
    found: list[Quote] = []
    for path in sorted(DATA_DIR.glob("*.toml")):
        with path.open("rb") as f:
            data = tomllib.load(f)
        for table, rows in data.items():
            for i, row in enumerate(rows):
                found.extend(_quotes_of(row, f"{path.name} {table}[{i}]"))
    return found


def misses(quotes: list[Quote]) -> list[str]:
    """Each quote not found verbatim in its section, and why."""
    missed = []
    for q in quotes:
        if q.source not in sections.DOCUMENTS:
            missed.append(f"{q} — no such report")
            continue
        document = sections.document(q.source)
        if not document.has(q.section):
            missed.append(f"{q} — no such section")
        elif not document.quote_in(q.section, q.quote):
            missed.append(f"{q} — not verbatim in that section")
    return missed


QUOTES = record_quotes()


def test_every_quote_of_the_record_is_verbatim_in_its_section() -> None:
    missed = misses(QUOTES)
    assert not missed, f"{len(missed)} of {len(QUOTES)} quotes not found:\n" + "\n".join(missed)


def test_the_suite_checks_the_whole_record() -> None:
    kinds = {q.where.split(" ")[1].split("[")[0] for q in QUOTES}
    assert {"workstreams", "decisions", "updates", "proposals", "interventions"} <= kinds
    assert {"events", "meetings"} <= kinds
    assert any(".leads[" in q.where for q in QUOTES)
    assert len(QUOTES) > 100


def test_every_source_and_section_named_exists() -> None:
    for q in QUOTES:
        assert q.source in sections.DOCUMENTS, q
        assert sections.document(q.source).has(q.section), q


def _changed_by_one_character(quote: str) -> str:
    middle = len(quote) // 2
    return quote[:middle] + ("x" if quote[middle] != "x" else "y") + quote[middle + 1 :]


@pytest.mark.parametrize("which", [0, len(QUOTES) // 2, -1])
def test_a_quote_changed_by_one_character_is_a_miss(which: int) -> None:
    right = QUOTES[which]
    wrong = Quote(right.where, right.source, right.section, _changed_by_one_character(right.quote))
    assert not misses([right])
    assert misses([wrong]) == [f"{wrong} — not verbatim in that section"]


def test_a_straight_quote_for_a_curly_one_is_a_miss() -> None:
    curly = "A key event has been the ongoing “roadshow”"
    right = Quote("test", "som28-mid-term-report", "section 2(f)", curly)
    straight = Quote("test", "som28-mid-term-report", "section 2(f)", curly.replace("“", '"'))
    assert not misses([right])
    assert misses([straight])


@pytest.mark.parametrize(
    ("source", "right", "wrong", "quote"),
    [
        (
            "som28-mid-term-report",
            "section 2(e)",
            "section 2(d)",
            "This IMG was extended up until the 2022 SOM.",
        ),
        ("som28-mid-term-report", "section 2(c)a", "section 2(c)b", "16th of March"),
        (
            "som28-mid-term-agenda",
            "item 3(h)",
            "item 3(i)",
            "h) EMG Nexus Dialogues 2019-2020 (presented by EMG Secretariat)",
        ),
        ("som29-mid-term-report", "section 1", "section 2", "(a) IMG on Biodiversity"),
    ],
)
def test_a_right_quote_under_a_wrong_section_is_a_miss(
    source: str, right: str, wrong: str, quote: str
) -> None:
    assert not misses([Quote("test", source, right, quote)])
    assert misses([Quote("test", source, wrong, quote)])


def test_pieces_must_come_in_order_within_one_span() -> None:
    lead = "All seven workstreams are expected to continue in 2024:"
    item = "(c) Issue Management Group on Human Rights and Environment"
    report = sections.document("som29-mid-term-report")
    assert report.quote_in("section 1", f"{lead}{sections.GAP}{item}")
    assert not report.quote_in("section 1", f"{item}{sections.GAP}{lead}")
    # A sub-section is read with its parent's lead-in, not with its siblings.
    assert report.quote_in("section 1(c)", f"{lead}{sections.GAP}{item}")
    assert not report.quote_in("section 1(d)", f"{lead}{sections.GAP}{item}")
    assert not report.quote_in("section 1(c)", f"{lead}{sections.GAP}(b) Consultative Process")
    # "section 1" names two spans (the report numbers two headings "1."): not across them.
    assert not report.quote_in("section 1", f"The meeting was chaired{sections.GAP}{item}")
    assert len(report.spans["section 1"]) == 2


def test_the_agenda_is_a_document_of_its_own() -> None:
    agenda = sections.document("som28-mid-term-agenda")
    report = sections.document("som28-mid-term-report")
    assert agenda.has("item 4(1)a")
    assert not report.has("item 4(1)a")
    assert report.has("annex 1")
    assert not report.has("annex 2")
