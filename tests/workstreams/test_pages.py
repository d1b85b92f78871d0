"""The workstream pages: what a visitor reads on each, hostile filters, and flat query counts."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from meetings.models import Document
from tests.dashboard.test_evidence_pages import infer_decision, set_mandate
from workstreams.models import Decision, Workstream, WorkstreamEvent, WorkstreamLead
from workstreams.services import workstream_mandate_refresh
from workstreams.services.timeline import ENDORSEMENT_READ_AS_ACTIVE

pytestmark = pytest.mark.usefixtures("record")


def _text(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _slugs(client: Client, query: str) -> list[str]:
    response = client.get(f"/en/workstreams/?{query}")
    assert response.status_code == 200, query
    return [row.workstream.slug for row in response.context["rows"]]


# The workstream list and its filters -------------------------------------------------------


def test_filter_by_kind(client: Client) -> None:
    slugs = _slugs(client, "kind=img")
    assert "img-biodiversity" in slugs
    assert all(Workstream.objects.get(slug=s).kind == "img" for s in slugs)


def test_filter_by_lead_entity(client: Client) -> None:
    # The IMG, and the stream UNESCO co-leads (issue 14).
    assert sorted(_slugs(client, "lead=unesco")) == [
        "img-biodiversity",
        "img-biodiversity-awareness-knowledge",
    ]


def test_filter_by_status_at_a_meeting(client: Client) -> None:
    assert set(_slugs(client, "meeting=som27&status=established")) == {
        "cp-pollution-free-planet",
        "img-biodiversity",
    }
    assert set(_slugs(client, "meeting=som27&status=extended")) == {
        "consultations-environmental-social-sustainability",
        "img-human-rights-environment",
    }


def test_filter_by_year_and_search(client: Client) -> None:
    in_2021 = _slugs(client, "year=2021")
    assert set(in_2021) == {
        "consultations-environmental-social-sustainability",
        "cp-sustainable-infrastructure",
        "cp-pollution-free-planet",
        "img-biodiversity",
        "img-human-rights-environment",
    }
    assert _slugs(client, "year=1999") == []
    # The IMG and its three streams (issue 14).
    assert sorted(_slugs(client, "search=biodiversity")) == [
        "img-biodiversity",
        "img-biodiversity-accountability-reporting",
        "img-biodiversity-awareness-knowledge",
        "img-biodiversity-ecosystem-restoration",
    ]
    assert "img-biodiversity" in _slugs(client, "search=UNESCO")


@pytest.mark.parametrize(
    "query",
    [
        "search=%00",
        "search=" + "x" * 500,
        "kind=nonsense",
        "lead=no-such-entity",
        "lead=%00",
        "meeting=som99",
        "status=sleeping",
        "year=99999999999999999999",
        "year=-1",
        "year=twenty",
        "year=2022.5",
    ],
)
def test_hostile_filters_get_a_400_with_the_reason(client: Client, query: str) -> None:
    page = _text(client, f"/en/workstreams/?{query}", status=400)
    assert "These filters cannot be applied" in page
    assert 'role="alert"' in page


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999", "%00"])
def test_odd_page_numbers_land_on_a_real_page(client: Client, page: str) -> None:
    assert "workstream" in _text(client, f"/en/workstreams/?page={page}")


def test_unknown_query_parameters_are_ignored(client: Client) -> None:
    assert len(_slugs(client, "colour=blue")) == Workstream.objects.count()


# A workstream's page --------------------------------------------------------------------------------


def test_workstream_page_shows_leads_timeline_updates_decisions_and_provenance(
    client: Client,
) -> None:
    page = _text(client, "/en/workstreams/img-biodiversity/")
    assert "United Nations Educational, Scientific and Cultural Organization" in page
    assert 'id="som27"' in page
    assert 'id="som28-mid-term"' in page
    assert "Meriem Bouamrane" in page
    assert "Decision: Establish" in page
    assert "Source:" in page
    assert 'type="application/atom+xml"' in page


@pytest.mark.parametrize("slug", ["no-such-workstream", "x" * 300, "%00"])
def test_unknown_workstream_is_404(client: Client, slug: str) -> None:
    _text(client, f"/en/workstreams/{slug}/", status=404)


def test_list_filters_by_standing_and_mandate_and_says_status_now_honestly(
    client: Client,
) -> None:
    page = _text(client, "/en/workstreams/")
    assert '<label for="id_standing">Reported or silent</label>' in page
    assert '<option value="silent">Silent for one cycle or more</option>' in page
    assert '<label for="id_mandate">Mandate</label>' in page
    assert '<option value="ending">Ends at the next SOM, no renewal on record</option>' in page
    assert "Last reported at SOM28 mid-term, silent since" in page
    silent = _slugs(client, "standing=silent")
    assert "task-team-stockholm-50" in silent
    assert "img-biodiversity" not in silent
    assert "img-biodiversity" in _slugs(client, "standing=reported")
    # The record: the Human Rights IMG's mandate ran to SOM28, the Consultations' another year.
    record_lapsed = [
        "consultations-environmental-social-sustainability",
        "img-human-rights-environment",
    ]
    assert sorted(_slugs(client, "mandate=lapsed")) == record_lapsed
    set_mandate("img-biodiversity", "som27", 28)
    assert sorted(_slugs(client, "mandate=lapsed")) == sorted([*record_lapsed, "img-biodiversity"])
    _text(client, "/en/workstreams/?standing=asleep", status=400)


def test_workstream_page_says_where_it_stands_now(client: Client) -> None:
    page = _text(client, "/en/workstreams/task-team-stockholm-50/")
    assert "Last reported at SOM28 mid-term, silent since" in page
    assert "(1 SOM cycle without a record since)" in page
    assert "Active at SOM29 mid-term" in _text(client, "/en/workstreams/img-biodiversity/")


def test_mandate_bar_draws_each_period_and_cites_its_decision(client: Client) -> None:
    page = _text(client, "/en/workstreams/img-biodiversity/")
    assert "Mandate periods across the Senior Officials Meetings" in page
    assert "Establish at SOM27, end not stated" in page
    # An end the record does not state is said once, and nothing is claimed after it.
    assert '<td class="mark-unknown">End not stated</td><td class="mark-none"></td>' in page
    # The record: the Human Rights IMG "was extended up until the 2022 SOM", at a meeting the
    # report does not name.
    reading = Decision.objects.get(
        workstream__slug="img-human-rights-environment", meeting__slug="som27"
    ).evidence_reason
    page = _text(client, "/en/workstreams/img-human-rights-environment/")
    bar = page[page.index('<table class="mandate-bar">') : page.index("</table>")]
    assert '<th scope="col">SOM27</th>' in bar
    assert '<th scope="col">SOM30</th>' in bar  # on to the next SOM
    assert "Extend the mandate at SOM27, to SOM28" in bar
    assert '<td class="mark-opened">Opened</td><td class="mark-ends">Ends</td>' in bar
    assert '<td class="mark-lapsed">Lapsed</td>' in bar
    lineage = page[page.index("Lineage: the decisions behind each period") :]
    assert "Extend the mandate at SOM27</strong>, to SOM28" in lineage
    assert f"Inferred: {escape(reading)}" in lineage
    assert "Mandate lapsed: it ran to SOM28, and no renewal is on record." in page
    assert "Work reported at SOM29 mid-term, after its mandate lapsed at SOM28." in page


def test_an_open_ended_mandate_runs_on_across_the_bar(client: Client) -> None:
    Decision.objects.filter(workstream__slug="img-biodiversity", meeting__slug="som27").update(
        term="open_ended"
    )
    workstream_mandate_refresh(workstreams=Workstream.objects.filter(slug="img-biodiversity"))
    page = _text(client, "/en/workstreams/img-biodiversity/")
    bar = page[page.index('<table class="mandate-bar">') : page.index("</table>")]
    assert "Establish at SOM27, open-ended" in bar
    assert (
        '<td class="mark-opened">Opened</td>' + '<td class="mark-running">In mandate</td>' * 3
        in (bar)
    )
    assert "Mandate lapsed" not in page


def test_workstream_page_flags_a_mandate_ending_at_the_next_som(client: Client) -> None:
    assert "Mandate ends at" not in _text(client, "/en/workstreams/img-biodiversity/")
    set_mandate("img-biodiversity", "som27", 30)
    page = _text(client, "/en/workstreams/img-biodiversity/")
    assert "Mandate ends at SOM30, the next SOM, with no renewal on record." in page
    assert "after its mandate lapsed" not in page


def test_leads_show_their_basis_or_say_none_is_stated(client: Client) -> None:
    Workstream.objects.create(slug="quiet", title="Quiet", short_title="Q", kind="task_team")
    assert "Lead: not stated in the record" in _text(client, "/en/workstreams/quiet/")
    WorkstreamLead.objects.filter(workstream__slug="img-human-rights-environment").update(
        evidence="inferred", evidence_reason="Presented by UNEP; the report names no lead."
    )
    page = _text(client, "/en/workstreams/img-human-rights-environment/")
    leads = page[page.index('<div class="leads">') :]
    leads = leads[: leads.index("</dd>")]
    assert "Inferred: Presented by UNEP; the report names no lead." in leads
    assert '<span class="inferred-mark" aria-hidden="true">≈</span>' in leads


def test_workstream_page_lists_its_events(client: Client) -> None:
    report = Document.objects.filter(meeting__slug="som28-mid-term").first()
    workstream = Workstream.objects.get(slug="core-working-group-plastic-pollution")
    WorkstreamEvent.objects.create(
        workstream=workstream,
        kind="negotiation",
        role="relates",
        title="Ad hoc open-ended working group on plastic pollution",
        date=datetime.date(2022, 5, 30),
        end_date=datetime.date(2022, 6, 1),
        place="Dakar, Senegal",
        source=report,
        source_section="item 3(c)",
        source_quote="the meeting of the ad hoc open-ended working group in Dakar",
    )
    WorkstreamEvent.objects.create(
        workstream=workstream,
        kind="meeting",
        role="organises",
        title="Core Working Group meeting",
        date=datetime.date(2022, 4, 1),
        date_precision="month",
        evidence="inferred",
        evidence_reason="The report gives the month, not the year.",
    )
    page = _text(client, "/en/workstreams/core-working-group-plastic-pollution/")
    events = page[page.index('id="events-heading"') :]
    assert events.index("Core Working Group meeting") < events.index("Ad hoc open-ended")
    assert "30 May 2022 – 1 June 2022 · Intergovernmental meeting · related by the report" in (
        events
    )
    assert "Dakar, Senegal" in events
    assert "April 2022 · Meeting · organised by the workstream" in events
    assert "Inferred: The report gives the month, not the year." in events
    assert (
        '<q lang="en" dir="ltr">the meeting of the ad hoc open-ended working group in Dakar</q>'
        in events
    )


def test_a_status_read_from_an_endorsement_says_so_on_the_page(client: Client) -> None:
    # The record: Sustainable Infrastructure's SOM27 "Active" rests on an endorsement, a stated
    # decision that our reading makes a status.
    page = _text(client, "/en/workstreams/cp-sustainable-infrastructure/")
    som27 = page[page.index('id="som27"') :]
    som27 = som27[: som27.index("</article>")]
    assert f"Inferred: {ENDORSEMENT_READ_AS_ACTIVE}" in som27
    assert 'Stated in the record</span> · <span class="label">Source:</span>' in som27


def test_updates_and_decisions_show_their_basis(client: Client) -> None:
    page = _text(client, "/en/workstreams/img-biodiversity/")
    assert 'Stated in the record</span> · <span class="label">Source:</span>' in page
    infer_decision("img-biodiversity", "som27", "Read from the 2022 report.")
    page = _text(client, "/en/workstreams/img-biodiversity/")
    assert "Inferred: Read from the 2022 report." in page[page.index('id="som27"') :]


# Query counts: the same at the record's size and with many more rows -----------------------


PAGES = {
    # the filter form's lead and meeting choices, count, page of workstreams with status
    # now, leads, entries (6); the record's clock, for status now in its honest words (4: the
    # latest meeting with a record, the next main meeting, and with none to come the last held
    # and the last of all)
    "/en/workstreams/": 6 + 4,
    "/en/workstreams/?kind=img&year=2023": 6 + 4,
    "/en/workstreams/?standing=reported&mandate=live": 6 + 4,
    # workstream, leads, children, predecessors, updates, decisions, proposals, entries,
    # meetings (9); its events (1); the cross-references of it, its updates and its
    # decisions (3); the record's clock (4)
    "/en/workstreams/img-biodiversity/": 9 + 1 + 3 + 4,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    assert_flat_query_count(url, PAGES[url])
