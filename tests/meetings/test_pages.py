"""The meeting pages that read only this app: the list a page at a time, and flat query
counts."""

from typing import Any

import pytest
from django.test import Client

from meetings.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.usefixtures("record")


def _slugs(response: Any) -> list[str]:
    return [m.slug for m in response.context["meetings"].rows]


def test_meetings_come_newest_first_a_page_at_a_time(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr("meetings.views.MEETINGS_PER_PAGE", 4)
    MeetingFactory.create()
    first, second = client.get("/en/meetings/"), client.get("/en/meetings/?page=2")
    newest_first = Meeting.objects.order_by("-date", "-som_number", "segment")
    assert _slugs(first) + _slugs(second) == [m.slug for m in newest_first]
    assert len(_slugs(first)) == 4
    for response in (first, second):
        page = response.content.decode()
        assert "7 meeting segments in the record" in page
        # The next meeting, whichever page it falls on.
        assert 'Next meeting: <a href="/en/meetings/som30-senior/">' in page
    assert '<nav class="pagination" aria-label="Pages of meetings">' in first.content.decode()
    assert '<a href="/en/meetings/?page=2" rel="next">Next</a>' in first.content.decode()
    assert '<a href="/en/meetings/" rel="prev">Previous</a>' in second.content.decode()
    # Each row keeps its counts.
    som28 = next(m for m in second.context["meetings"].rows if m.slug == "som28-mid-term")
    assert (som28.participant_count, som28.entity_count) == (103, 47)


def test_meetings_past_their_date_say_so_and_the_calendar_stays(client: Client) -> None:
    MeetingFactory.create()  # SOM30 senior, a month from today
    page = client.get("/en/meetings/").content.decode()
    som29 = page[page.index('href="/en/meetings/som29-technical/"') :]
    som29 = som29[: som29.index("</th>")]
    assert "date passed, no report on record" in som29
    som30 = page[page.index('<th scope="row"><a href="/en/meetings/som30-senior/"') :]
    assert '<span class="planned">planned</span>' in som30[: som30.index("</th>")]
    assert '<a href="/en/meetings/calendar.ics">Subscribe to the meetings calendar' in page


@pytest.mark.parametrize(
    ("asked", "shown"), [("banana", 1), ("0", 1), ("-3", 1), ("2.0", 1), ("99999", 2)]
)
def test_an_odd_page_number_lands_on_the_nearest_page(
    client: Client, monkeypatch: Any, asked: str, shown: int
) -> None:
    monkeypatch.setattr("meetings.views.MEETINGS_PER_PAGE", 4)
    response = client.get(f"/en/meetings/?page={asked}")
    assert response.status_code == 200
    assert response.context["meetings"].page.number == shown


# Query counts: the same at the record's size and with many more rows -----------------------

PAGES = {
    # count, a page of meetings with their counts, the next meeting
    "/en/meetings/": 3,
    "/en/meetings/?page=2": 3,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
