"""The pages that read both apps: the timeline, a meeting's page and the entities, with what a
visitor reads on each and flat query counts."""

import datetime
from typing import Any

import pytest
from django.test import Client

from meetings.models import Attendance, Entity, Intervention, Meeting
from tests.factories import MeetingFactory, ProgressUpdateFactory, grow_record
from workstreams.models import ProgressUpdate, Proposal, Workstream, WorkstreamLead

pytestmark = pytest.mark.usefixtures("record")


def _text(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# The timeline ------------------------------------------------------------------------------


def test_timeline_cells_link_to_the_record_and_silence_says_no_record(client: Client) -> None:
    page = _text(client, "/en/")
    assert 'href="/en/workstreams/img-biodiversity/#som27"' in page
    assert 'href="/en/workstreams/img-biodiversity/#som29-mid-term"' in page
    assert "no record" in page
    assert "Latest published updates" in page


def test_timeline_counts_workstreams_by_where_they_stand(client: Client) -> None:
    figures = client.get("/en/").context["counts"]
    counts = {figure.key: figure.count for figure in figures}
    running = {"established", "active", "extended"}
    assert counts["reported"] + counts["silent"] == sum(
        1 for w in Workstream.objects.all() if w.status_now in running
    )
    # The record: the seven the SOM29 midterm report lists; the nine last heard of at the SOM28
    # mid-term; two concept notes never decided; the Biodiversity IMG's three streams, which
    # report within the IMG and have no status of their own.
    assert counts == {"reported": 7, "silent": 9, "proposed": 2, "concluded": 0, "no_record": 3}
    page = _text(client, "/en/")
    assert '<a href="/en/workstreams/?standing=silent">Silent for one cycle or more</a>' in page
    assert '<a href="/en/workstreams/?standing=reported">Reported in the latest cycle</a>' in page


def test_timeline_shows_the_next_meeting_once_one_is_scheduled(client: Client) -> None:
    assert "No meeting is scheduled yet after today." in _text(client, "/en/")
    MeetingFactory.create()
    page = _text(client, "/en/")
    assert "Next meeting:" in page
    assert "Senior Segment of the 30th Senior Officials Meeting" in page


def test_drafts_never_reach_the_public_pages(client: Client) -> None:
    ProgressUpdateFactory.create(summary="A confidential draft sentence.")
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-human-rights-environment"),
        state="submitted",
        summary="A submitted sentence awaiting review.",
    )
    for url in [
        "/en/",
        "/en/workstreams/img-biodiversity/",
        "/en/meetings/som29-senior/",
        "/en/entities/unesco/",
    ]:
        page = _text(client, url)
        assert "confidential draft" not in page
        assert "awaiting review" not in page


# A meeting's page and an entity's page -----------------------------------------------------


def test_meeting_page_lists_103_participants_grouped_by_entity(client: Client) -> None:
    response = client.get("/en/meetings/som28-mid-term/")
    page = response.content.decode()
    assert "103 participants" in page
    groups = response.context["participant_groups"]
    assert sum(len(g.people) for g in groups) == 103
    unesco = next(g for g in groups if g.entity and g.entity.acronym == "UNESCO")
    assert len(unesco.people) == 4
    assert "15:00–17:00 CEST" in page
    assert "EMG SOM28/mid-term/02" in page


def test_meeting_page_gives_the_reported_count_where_nobody_is_listed(client: Client) -> None:
    page = _text(client, "/en/meetings/som29-mid-term/")
    assert "33 entities reported present" in page
    assert "Ligia Noronha" in page


def test_meeting_page_gives_the_submission_deadline_once_set(client: Client) -> None:
    meeting = MeetingFactory.create()
    assert "Progress updates due" not in _text(client, f"/en/meetings/{meeting.slug}/")
    meeting.submission_deadline = datetime.date(2026, 12, 12)
    meeting.save()
    page = _text(client, f"/en/meetings/{meeting.slug}/")
    assert "<dt>Progress updates due</dt>" in page
    assert '<time datetime="2026-12-12">12 December 2026</time>' in page


def test_entity_page_shows_what_it_leads_presented_and_attended(client: Client) -> None:
    page = _text(client, "/en/entities/unesco/")
    assert "Issue Management Group on Biodiversity" in page
    assert "Meriem Bouamrane" in page
    _text(client, "/en/entities/no-such-entity/", status=404)


# A page at a time -----------------------------------------------------------------------------


def _people(response: Any) -> list[str]:
    return [a.person.name for g in response.context["participant_groups"] for a in g.people]


def test_meeting_participants_come_a_page_at_a_time(client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr("dashboard.views.PARTICIPANTS_PER_PAGE", 20)
    meeting = Meeting.objects.get(slug="som28-mid-term")
    listed = Attendance.objects.filter(meeting=meeting)
    entities = listed.exclude(entity=None).values("entity").distinct().count()
    pages = [client.get(f"/en/meetings/som28-mid-term/?participants={n}") for n in range(1, 7)]
    assert [len(_people(r)) for r in pages] == [20, 20, 20, 20, 20, 3]
    # Each participant on one page, none lost.
    shown = [name for r in pages for name in _people(r)]
    assert sorted(shown) == sorted(a.person.name for a in listed.select_related("person"))
    for response in pages:
        # The headline counts the whole list, whichever page is shown.
        assert "103 participants, 47 entities" in response.content.decode()
        assert entities == 47
    # A group that runs on to the next page gives the size of the whole group.
    groups = [g for r in pages for g in r.context["participant_groups"]]
    assert any(len(g.people) < g.total for g in groups)
    for group in groups:
        same = (
            listed.filter(entity=group.entity)
            if group.entity
            else listed.filter(entity=None, listed_affiliation=group.affiliation)
        )
        assert group.total == same.count()


def test_meeting_page_links_to_the_other_pages_of_its_participants(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr("dashboard.views.PARTICIPANTS_PER_PAGE", 40)
    page = _text(client, "/en/meetings/som28-mid-term/?participants=2")
    nav = page[page.index('<nav class="pagination" aria-label="Pages of participants">') :]
    nav = nav[: nav.index("</nav>")]
    url = "/en/meetings/som28-mid-term/"
    assert f'<a href="{url}#participants-heading" rel="prev">Previous</a>' in nav
    assert f'<a href="{url}?participants=3#participants-heading" rel="next">Next</a>' in nav
    assert (
        f'<a href="{url}?participants=2#participants-heading" aria-current="page">'
        '<span class="visually-hidden">Page </span>2</a>'
    ) in nav
    assert "Page 2 of 3" in nav


def test_each_list_of_a_meeting_pages_on_its_own_and_keeps_the_others(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr("dashboard.views.PER_SECTION", 5)
    meeting = Meeting.objects.get(slug="som28-mid-term")
    updates = ProgressUpdate.objects.published().filter(meeting=meeting).count()
    interventions = Intervention.objects.filter(meeting=meeting).count()
    assert (updates, interventions) == (14, 31)
    response = client.get("/en/meetings/som28-mid-term/?interventions=2&updates=3")
    context, page = response.context, response.content.decode()
    assert [len(context[n].rows) for n in ("updates", "interventions", "proposals")] == [4, 5, 5]
    assert '<span class="count">(14)</span>' in page
    assert '<span class="count">(31)</span>' in page
    # The updates' link back keeps the interventions' page, and the other way round.
    assert (
        'href="/en/meetings/som28-mid-term/?interventions=2&amp;updates=2#updates-heading"' in page
    )
    assert (
        'href="/en/meetings/som28-mid-term/?updates=3&amp;interventions=3#interventions-heading"'
        in (page)
    )


BAD_PAGES = {"banana": 1, "0": 1, "-1": 1, "--2": 1, "1.5": 1, "99999": 3, "9" * 30: 3}


@pytest.mark.parametrize(("asked", "shown"), BAD_PAGES.items())
def test_an_odd_page_number_lands_on_the_nearest_page(
    client: Client, monkeypatch: Any, asked: str, shown: int
) -> None:
    monkeypatch.setattr("dashboard.views.PARTICIPANTS_PER_PAGE", 40)
    monkeypatch.setattr("dashboard.views.PER_SECTION", 11)  # 31 interventions: 3 pages
    meeting = client.get(f"/en/meetings/som28-mid-term/?participants={asked}&interventions={asked}")
    assert meeting.status_code == 200
    assert meeting.context["participants"].page.number == shown
    assert meeting.context["interventions"].page.number == shown
    monkeypatch.setattr("dashboard.views.ENTITIES_PER_PAGE", 20)  # 48 entities: 3 pages
    entities = client.get(f"/en/entities/?page={asked}")
    assert entities.status_code == 200
    assert entities.context["entities"].page.number == shown


def test_entities_come_a_page_at_a_time_with_the_record_s_counts(client: Client) -> None:
    grow_record(30)
    pages = [client.get(f"/en/entities/?page={n}").context["entities"] for n in (1, 2)]
    assert [len(p.rows) for p in pages] == [50, Entity.objects.count() - 50]
    assert pages[0].count == Entity.objects.count()
    for entity in pages[0].rows + pages[1].rows:
        assert (
            entity.lead_count,
            entity.update_count,
            entity.intervention_count,
            entity.attendance_count,
        ) == (
            WorkstreamLead.objects.filter(entity=entity).count(),
            ProgressUpdate.objects.published().filter(entity=entity).count(),
            Intervention.objects.filter(entity=entity).count(),
            Attendance.objects.filter(entity=entity).count(),
        )
    assert 'aria-label="Pages of entities"' in _text(client, "/en/entities/")


def test_entity_page_gives_each_list_s_count_and_a_page_of_it(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr("dashboard.views.PER_SECTION", 5)
    monkeypatch.setattr("dashboard.views.PARTICIPANTS_PER_PAGE", 5)
    grow_record(12)
    unep = Entity.objects.get(slug="unep")
    counts = {
        "leads": WorkstreamLead.objects.filter(entity=unep).count(),
        "updates": ProgressUpdate.objects.published().filter(entity=unep).count(),
        "proposals": Proposal.objects.filter(entity=unep).count(),
        "interventions": Intervention.objects.filter(entity=unep).count(),
        "attended": Attendance.objects.filter(entity=unep).count(),
    }
    assert counts["interventions"] > 5
    response = client.get("/en/entities/unep/?interventions=2")
    for name, count in counts.items():
        assert response.context[name].count == count, name
        assert len(response.context[name].rows) == min(
            count - 5 if name == "interventions" else count, 5
        )
    page = response.content.decode()
    assert f'<span class="count">({counts["interventions"]})</span>' in page
    assert 'href="/en/entities/unep/#interventions-heading" rel="prev"' in page
    # Each meeting attended gives how many of the entity's people came, on every page.
    for group in response.context["meetings_attended"]:
        assert group.total == Attendance.objects.filter(entity=unep, meeting=group.meeting).count()


# Query counts: the same at the record's size and with many more rows -----------------------


PAGES = {
    # meetings, counts, each group's page (one query at the record's size), sub-groups (one per
    # level, and an empty one), rows, leads, entries, latest updates (tests/dashboard/test_timeline.py);
    # the record's clock (4) and the counts of where each stands, with the flags (1)
    "/en/": 9 + 4 + 1 + 3,
    # meeting (with its kept participant and entity counts), agenda, documents; a count and a
    # page of each of updates, proposals, decisions and interventions; a page of participants;
    # the meeting before it (the link to what changed since)
    "/en/meetings/som29-senior/": 13,
    "/en/meetings/som28-mid-term/?participants=2&updates=2": 13,
    # count, a page of entities with their four counts
    "/en/entities/": 2,
    "/en/entities/?page=2": 2,
    # entity; a count and a page of each of leads, updates, proposals, interventions and
    # attendances
    "/en/entities/unep/": 11,
    "/en/entities/unep/?interventions=2&attended=9": 11,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
