"""The benchmark's own parts: the data it grows is what the product would hold, and its verdicts
name what breaks the budget. (The figures themselves: ``manage.py benchmark``.)"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meetings.models import Entity, Meeting
from workstreams.management.benchmark import (
    PAGES,
    Measure,
    Row,
    measure,
    record_grow,
    record_units,
    verdicts,
)
from workstreams.models import TimelineEntry, Workstream
from workstreams.services import timeline_entry_refresh

pytestmark = pytest.mark.usefixtures("record")


def test_grown_units_hold_what_the_services_would_derive() -> None:
    entities = Entity.objects.count()
    units = record_units()
    record_grow(start=units, stop=units + 34)
    assert Workstream.objects.count() == units + 34
    assert Entity.objects.count() == entities  # organisations do not multiply
    meeting = Meeting.objects.get(slug="som29-senior")
    for workstream in Workstream.objects.filter(slug__startswith="bench-")[:5]:
        stored = TimelineEntry.objects.get(workstream=workstream, meeting=meeting)
        stored_now = workstream.status_now
        derived = timeline_entry_refresh(workstream=workstream, meeting=meeting)
        workstream.refresh_from_db()
        assert stored_now == workstream.status_now == "established"
        assert derived is not None
        assert (stored.status, stored.basis, stored.decision_id) == (
            derived.status,
            derived.basis,
            derived.decision_id,
        )
        assert workstream.leads.count() == 1


def test_every_benchmarked_page_answers_and_counts_its_queries() -> None:
    record_grow(start=record_units(), stop=2 * record_units())
    for url in PAGES:
        figures = measure(url, repeat=1)
        assert figures.queries >= 1, url
        assert figures.median_ms > 0, url


def test_verdicts_name_a_growing_query_count_and_a_paged_list_that_slows() -> None:
    def row(url: str, *figures: tuple[int, float]) -> Row:
        scales = (1, 100, 1000)
        return Row(url, {s: Measure(*f) for s, f in zip(scales, figures, strict=True)})

    rows = [
        row("/steady/", (3, 5.0), (3, 6.0), (3, 7.0)),
        row("/n-plus-one/", (3, 5.0), (103, 60.0), (1003, 70.0)),
        row("/slows/", (2, 5.0), (2, 6.0), (2, 9.0)),
    ]
    assert verdicts(rows, [1, 100, 1000]) == [
        "/n-plus-one/: queries [3, 103, 1003]",
        "/slows/: 1.50× slower at 1000× than at 100×",
    ]


def test_the_command_refuses_a_single_scale() -> None:
    with pytest.raises(CommandError, match="two or more scales"):
        call_command("benchmark", scales=[100])
