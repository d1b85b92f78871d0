"""Reports of other meetings, in the same layout, that the parser was not written from: it reads
their structure (headings, numbering, "presented by", the annex tables), not the two seed
reports' words. One is written by hand (data/som30-technical-invented.txt); others are made
here with other names, entities and counts."""

import datetime
import random

import pytest

from intake.extraction import Extraction, report_extract
from intake.reading import report_read
from tests.intake.reports import DATA, docx_of

INVENTED = DATA / "som30-technical-invented.txt"


def _read(text: str, file_format: str) -> Extraction:
    data = text.encode() if file_format == "txt" else docx_of(text)
    return report_extract(report_read(data, file_format))


@pytest.fixture(params=["txt", "docx"])
def som30(request: pytest.FixtureRequest) -> Extraction:
    return _read(INVENTED.read_text(encoding="utf-8"), request.param)


def test_the_meeting_of_an_unseen_report(som30: Extraction) -> None:
    meeting = som30.meeting
    assert (meeting.title, meeting.som_number, meeting.segment) == (
        "Technical Segment of the 30th Senior Officials Meeting",
        30,
        "technical",
    )
    assert meeting.date == datetime.date(2024, 10, 9)
    assert (meeting.start_time, meeting.end_time) == (datetime.time(10), datetime.time(12, 30))
    assert (meeting.time_zone_as_written, meeting.time_zone) == ("EAT", "Africa/Nairobi")
    assert meeting.format == "hybrid"
    assert meeting.chair == "Wanjiru Kamau"
    assert meeting.reported_entity_count == 41


def test_the_agenda_and_documents_of_an_unseen_report(som30: Extraction) -> None:
    assert [(a.number, a.title, a.parent, a.entity, a.start_time) for a in som30.agenda] == [
        ("1", "Opening by Wanjiru Kamau, Deputy Director", "", "", datetime.time(10)),
        ("2", "Progress of the EMG workstreams since SOM29", "", "", datetime.time(10, 10)),
        ("2(a)", "Task Team on Sand and Dust Storms", "2", "WMO", None),
        ("2(b)", "Issue Management Group on Biodiversity", "2", "UNESCO", None),
        ("2(b)a", "Working Group on Ecosystem Restoration", "2(b)", "", None),
        ("2(c)", "Network on Circular Procurement", "2", "UNOPS", None),
        ("3", "New topics for the work of the EMG", "", "", datetime.time(11, 30)),
        ("3(1)", "Environmental Aspects of Artificial Intelligence", "3", "ITU", None),
        ("4", "Any other business", "", "", datetime.time(12, 20)),
    ]
    assert [(d.number, d.symbol, d.kind) for d in som30.documents] == [
        ("", "", "meeting_report"),
        ("01", "EMG SOM30/technical/02", "agenda"),
        ("02", "", "progress_report"),
        ("03 A", "", "concept_note"),
    ]


def test_the_presenters_proposals_and_interventions_of_an_unseen_report(som30: Extraction) -> None:
    assert [
        (p.section, p.workstream, p.presenter, p.entity, p.agenda_item) for p in som30.presentations
    ] == [
        ("2(a)", "Task Team on Sand and Dust Storms", "Oleksandr Petrenko", "WMO", "2(a)"),
        ("2(b)", "Issue Management Group on Biodiversity", "Meriem Bouamrane", "UNESCO", "2(b)"),
        ("2(b)a", "Working Group on Ecosystem Restoration", "Lucía Fernández", "FAO", "2(b)a"),
        ("2(c)", "Network on Circular Procurement", "Kofi Mensah", "UNOPS", "2(c)"),
    ]
    assert [(p.title, p.presenter, p.entity, p.agenda_item) for p in som30.proposals] == [
        ("Environmental Aspects of Artificial Intelligence", "Anna Lindqvist", "ITU", "3(1)")
    ]
    # "The WMO Secretariat added …" in the section WMO presents is the presentation, not the
    # floor; the chair's answers are the secretariat's responses.
    assert [(i.entity, i.person, i.kind, i.agenda_item) for i in som30.interventions] == [
        ("FAO", "", "floor", "2(a)"),
        ("EMG", "Wanjiru Kamau", "response", "2(a)"),
        ("UNICEF", "", "floor", "2(b)a"),
        ("WHO", "", "floor", "3(1)"),
        ("EMG", "Wanjiru Kamau", "response", "3(1)"),
    ]


def test_the_participants_of_an_unseen_report_in_three_column_groups(som30: Extraction) -> None:
    assert [(p.number, p.name, p.entity) for p in som30.participants] == [
        (1, "Anna Lindqvist", "ITU"),
        (2, "Lucía Fernández", "FAO"),
        (3, "Joaquim Silva", "UN-Habitat"),
        (4, "Kofi Mensah", "UNOPS"),
        (5, "Meriem Bouamrane", "UNESCO"),
        (6, "Oleksandr Petrenko", "WMO"),
        (7, "Priya Raman", ""),
        (8, "Wanjiru Kamau", "EMG"),
        (9, "Zhang Wei", "UNIDO"),
    ]
    assert som30.participants[6].source.text.startswith("1\tAnna Lindqvist")


FIRST = ["Amina", "Bruno", "Chen", "Dolores", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Júlia"]
LAST = ["Abebe", "Baptiste", "Cruz", "Dimitrov", "Eriksen", "Fofana", "García", "Haddad", "Ito"]
ENTITIES = ["UNEP", "UNDP", "FAO", "WHO", "ILO", "UNIDO", "UN-Habitat", "IMO", "Youth", ""]
KINDS = ["Task Team on", "Issue Management Group on", "Consultative Process on", "Network on"]
TOPICS = ["Ocean Acidification", "Urban Heat", "Green Procurement", "Mountain Ecosystems"]


def _generated(seed: int, participants: int, groups: int, sections: int) -> tuple[str, dict]:
    """A report of the layout with ``participants`` people listed ``groups`` to a row and
    ``sections`` workstream sections; and what it says, to compare with."""
    rng = random.Random(seed)
    som = 31 + seed
    people = [
        (n, f"{rng.choice(FIRST)} {rng.choice(LAST)}-{n}", rng.choice(ENTITIES))
        for n in range(1, participants + 1)
    ]
    presented = [
        (
            chr(ord("a") + i),
            f"{KINDS[i % len(KINDS)]} {TOPICS[(i + seed) % len(TOPICS)]} {i + 1}",
            people[i % participants][1],
            people[i % participants][2] or "UNEP",
        )
        for i in range(sections)
    ]
    lines = [
        "UNITED NATIONS",
        "",
        f"Mid-term Technical Segment of the {som}th Senior Officials Meeting",
        "",
        f"{3 + seed} June 20{30 + seed}",
        "",
        "Virtual meeting",
        "",
        "14:00-15:30 CEST",
        "",
        "1. Opening of the meeting",
        "",
        "The meeting was opened by the EMG Secretary, who welcomed the members.",
        "",
        "2. Overview of progress made by the EMG workstreams",
        "",
    ]
    for letter, title, name, entity in presented:
        lines += [f"({letter}) {title} (presented by {name}, {entity})", "", "Work continued.", ""]
        lines += ["UNHCR asked about the timeline.", ""]
    lines += ["3. Closure of the meeting", "", "Annex 1: List of participants", ""]
    rows = (participants + groups - 1) // groups
    for r in range(rows):
        cells = []
        for g in range(groups):
            index = g * rows + r
            if index < participants:
                number, name, entity = people[index]
                cells += [str(number), name, entity]
        lines.append("\t".join(cells))
    said = {
        "som": som,
        "people": people,
        "presented": [(title, name, entity) for _letter, title, name, entity in presented],
    }
    return "\n".join(lines) + "\n", said


@pytest.mark.parametrize(
    ("seed", "participants", "groups", "sections"),
    [(0, 7, 1, 1), (1, 64, 2, 5), (2, 250, 3, 9), (3, 31, 4, 3)],
)
@pytest.mark.parametrize("file_format", ["txt", "docx"])
def test_generated_reports_of_other_sizes(
    seed: int, participants: int, groups: int, sections: int, file_format: str
) -> None:
    text, said = _generated(seed, participants, groups, sections)
    found = _read(text, file_format)
    assert found.meeting.som_number == said["som"]
    assert found.meeting.segment == "mid-term"
    assert (found.meeting.start_time, found.meeting.time_zone) == (
        datetime.time(14),
        "Europe/Zurich",
    )
    assert found.meeting.format == "virtual"
    assert [(p.number, p.name, p.entity) for p in found.participants] == said["people"]
    assert [(p.workstream, p.presenter, p.entity) for p in found.presentations] == said["presented"]
    assert [i.entity for i in found.interventions] == ["UNHCR"] * sections
    assert not found.problems


def test_a_participant_number_listed_twice_is_noted_on_the_intake() -> None:
    text, _said = _generated(0, 7, 1, 1)
    lines = text.splitlines()
    annex = lines.index("Annex 1: List of participants")
    lines.append(lines[annex + 4].replace(lines[annex + 4].split("\t")[1], "Another Name"))
    found = _read("\n".join(lines), "txt")
    assert found.problems == [
        f"Participant number 3 is listed twice (line {len(lines)}); the last is kept."
    ]
    assert [p.name for p in found.participants if p.number == 3] == ["Another Name"]
