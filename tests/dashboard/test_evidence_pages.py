"""Stated and inferred, silence, mandates and meetings past their date, as the pages that read
both apps show them: the matrix at ``/``, its counts and flags, and a meeting's page."""

from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from meetings.models import Document, Intervention, Meeting
from workstreams.models import Decision, Workstream
from workstreams.services import timeline_entry_refresh, workstream_mandate_refresh

pytestmark = pytest.mark.usefixtures("record")

READING = "The report says “extended up until the 2022 SOM” and names no meeting."


def _text(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _flag_list(page: str, key: str) -> str:
    """One list of the home page's "Mandates to watch", up to the end of its section."""
    start = page.index(f'id="flags-{key}-heading"')
    return page[start : page.index("</section>", start)]


def infer_decision(slug: str, meeting: str, reason: str = READING) -> Decision:
    """Make the decision on ``slug`` at ``meeting`` our reading, and its cell with it."""
    decision = Decision.objects.select_related("workstream", "meeting").get(
        workstream__slug=slug, meeting__slug=meeting
    )
    Decision.objects.filter(pk=decision.pk).update(evidence="inferred", evidence_reason=reason)
    timeline_entry_refresh(workstream=decision.workstream, meeting=decision.meeting)
    return decision


def set_mandate(slug: str, meeting: str, until: int) -> None:
    """The decision on ``slug`` at ``meeting`` runs its mandate until SOM ``until``."""
    Decision.objects.filter(workstream__slug=slug, meeting__slug=meeting).update(
        term="until_som", until_som=until
    )
    workstream_mandate_refresh(workstreams=Workstream.objects.filter(slug=slug))


def som28_held_inferred() -> Meeting:
    report = Document.objects.filter(meeting__slug="som29-mid-term").first()
    Meeting.objects.filter(slug="som28").update(
        status="held",
        status_evidence="inferred",
        status_evidence_reason="The 2023 report speaks of decisions made at SOM28.",
        status_source=report,
        status_section="section 1",
        status_quote="progress made by the EMG in response to SOM28 decisions",
    )
    return Meeting.objects.get(slug="som28")


# The matrix ----------------------------------------------------------------------------------


def test_an_inferred_cell_is_marked_and_says_why(client: Client) -> None:
    why = "why-img-human-rights-environment-som27"
    # The record: the report names no meeting for the Human Rights IMG's extension.
    reading = Decision.objects.get(
        workstream__slug="img-human-rights-environment", meeting__slug="som27"
    ).evidence_reason
    page = _text(client, "/en/?from=som27")
    assert f'aria-describedby="{why}"' in page
    assert f'<span class="why" role="tooltip" id="{why}">Inferred: {escape(reading)}</span>' in page
    # And Sustainable Infrastructure's SOM27 "Active" rests on an endorsement.
    assert 'aria-describedby="why-cp-sustainable-infrastructure-som27"' in page
    # A stated cell says nothing of the kind.
    assert 'aria-describedby="why-img-biodiversity-som27"' not in page
    # Not by colour alone: a visible mark, and words for a screen reader.
    assert '<span class="inferred-mark" aria-hidden="true">≈</span>' in page
    assert "at SOM27, inferred" in page


def test_the_legend_explains_stated_and_inferred(client: Client) -> None:
    page = _text(client, "/en/")
    assert "stated — the report says it" in page
    assert "inferred — our reading of the report; hover over or focus the cell for the reason" in (
        page
    )


def test_status_now_is_honest_about_silence(client: Client) -> None:
    page = _text(client, "/en/")
    assert "Status now" in page
    # The record: Stockholm+50 reported at SOM28 mid-term and not since.
    assert "Last reported at SOM28 mid-term, silent since" in page
    assert "Active at SOM29 mid-term" in page
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    assert (
        "Last reported at SOM28 mid-term, silent since (not listed among the ongoing "
        "workstreams at SOM29 mid-term)" in _text(client, "/en/")
    )


def test_meetings_past_their_date_never_say_planned(client: Client) -> None:
    response = client.get("/en/")
    page = response.content.decode()
    # SOM29's technical and senior segments, planned for 2023, have nothing on record.
    assert page.count("date passed, no report on record") >= 2
    assert '<span class="planned">' not in page
    # The record: SOM28 is known to be held only from the 2023 report's words.
    som28 = Meeting.objects.get(slug="som28")
    page = _text(client, "/en/")
    assert 'href="/en/meetings/som28/" aria-describedby="why-som28"' in page
    assert (
        f'<span class="why" role="tooltip" id="why-som28">Inferred: '
        f"{escape(som28.status_evidence_reason)}</span>" in page
    )


# The counts and the flags ------------------------------------------------------------------


def test_counts_split_reported_silent_proposed_concluded(client: Client) -> None:
    figures = {f.key: f for f in client.get("/en/").context["counts"]}
    assert list(figures) == ["reported", "silent", "proposed", "concluded", "no_record"]
    assert figures["silent"].count >= 1  # Stockholm+50, among others
    assert figures["silent"].url == "/en/workstreams/?standing=silent"
    # The Biodiversity IMG's three streams have no status of their own.
    assert figures["no_record"].count == 3
    Workstream.objects.create(slug="quiet", title="Quiet", short_title="Q", kind="task_team")
    figures = {f.key: f for f in client.get("/en/").context["counts"]}
    assert figures["no_record"].count == 4
    assert 'href="/en/workstreams/?standing=no_record">No record</a>' in _text(client, "/en/")


def test_mandates_to_watch_name_the_workstream_the_som_and_the_decision(client: Client) -> None:
    # The record: the Human Rights IMG's mandate ran to SOM28 (the 2022 SOM) and it reported at
    # SOM29 mid-term; the Consultations' "another year" ran to SOM28 too.
    page = _text(client, "/en/")
    lapsed = _flag_list(page, "lapsed")
    assert "/en/workstreams/img-human-rights-environment/" in lapsed
    assert "/en/workstreams/consultations-environmental-social-sustainability/" in lapsed
    after = _flag_list(page, "after_lapse")
    assert "/en/workstreams/img-human-rights-environment/" in after
    assert "/en/workstreams/consultations-environmental-social-sustainability/" not in after
    # SOM30 is the next SOM: SOM29's senior segment is the last in the record.
    set_mandate("img-human-rights-environment", "som27", 30)
    set_mandate("img-biodiversity", "som27", 28)
    page = _text(client, "/en/")
    ending = page[page.index('id="flags-ending-heading"') : page.index('id="flags-lapsed-heading"')]
    assert "Mandate ends at the next SOM, no renewal on record" in ending
    assert "/en/workstreams/img-human-rights-environment/" in ending
    assert "mandate to SOM30" in ending
    assert "Extend the mandate at SOM27" in ending
    lapsed = page[page.index('id="flags-lapsed-heading"') :]
    assert "/en/workstreams/img-biodiversity/" in lapsed
    assert "mandate to SOM28 · Establish at SOM27" in lapsed
    # Biodiversity reported at SOM29 mid-term, after its mandate ran to SOM28.
    after = page[page.index('id="flags-after_lapse-heading"') :]
    assert "Work reported after the mandate lapsed" in after
    assert "/en/workstreams/img-biodiversity/" in after


def test_a_long_list_of_flags_is_bounded_with_a_link_to_the_rest(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dashboard.overview.FLAGS_SHOWN", 1)
    set_mandate("img-human-rights-environment", "som27", 28)
    set_mandate("img-biodiversity", "som27", 28)
    page = _text(client, "/en/")
    lapsed = page[page.index('id="flags-lapsed-heading"') :]
    assert "(2)" in lapsed
    assert '<a href="/en/workstreams/?mandate=lapsed">1 more</a>' in lapsed


def test_flags_cost_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    from tests.dashboard.test_timeline import TIMELINE_QUERIES

    set_mandate("img-human-rights-environment", "som27", 30)
    set_mandate("img-biodiversity", "som27", 28)
    # Three lists (ending, lapsed, reported after lapse) and the decisions behind them: the
    # record's two lists, and the ending one now.
    with django_assert_num_queries(TIMELINE_QUERIES + 1):
        client.get("/en/")
    set_mandate("cp-pollution-free-planet", "som27", 28)
    with django_assert_num_queries(TIMELINE_QUERIES + 1):
        client.get("/en/")


# A meeting's page --------------------------------------------------------------------------


def test_a_meeting_past_its_date_says_so(client: Client) -> None:
    page = _text(client, "/en/meetings/som29-technical/")
    assert "date passed, no report on record" in page
    assert '<span class="planned">' not in page


def test_som28_is_held_on_the_later_reports_words_marked_inferred(client: Client) -> None:
    som28 = Meeting.objects.get(slug="som28")  # the record's
    page = _text(client, "/en/meetings/som28/")
    state = page[page.index('class="meeting-state"') :]
    state = state[: state.index("</dd>")]
    assert '<span class="held">held</span>' in state
    assert "(inferred)" in state
    assert f"Inferred: {escape(som28.status_evidence_reason)}" in state
    assert f'<q lang="en" dir="ltr">{escape(som28.status_quote)}</q>' in state
    assert 'href="/en/meetings/som29-mid-term/"' in state
    assert "section 1" in state


def test_a_meeting_names_who_opened_it_and_the_secretariats_responses(client: Client) -> None:
    meeting = Meeting.objects.get(slug="som28-mid-term")
    # The record: opened by the Head of Secretariat, not the chair the agenda names.
    page = _text(client, "/en/meetings/som28-mid-term/")
    opened = page[page.index("Opened by") :]
    assert opened[: opened.index("</dd>")].startswith("Opened by</dt><dd>Hossein Fadaei")
    # The record: Mr. Fadaei's responses in the discussion, among the floor's interventions.
    responses = Intervention.objects.filter(meeting=meeting, kind="response")
    assert responses.count() == 10
    assert "The secretariat’s response</strong>" in page


def test_a_rows_leads_say_when_they_are_our_reading_or_not_stated(client: Client) -> None:
    page = _text(client, "/en/")
    row = page[page.index('href="/en/workstreams/img-biodiversity/"') :]
    row = row[: row.index("</th>")]
    # The agenda says "presented by UNESCO": the lead is our reading.
    assert "UNESCO" in row
    assert 'class="lead-inferred" title="Inferred: Named as presenter in the agenda' in row
    assert '<span class="visually-hidden"> (inferred)</span>' in row
    # The streams' leads are the report's own words: "led by UNESCO and UNDP".
    stream = page[page.index('href="/en/workstreams/img-biodiversity-awareness-knowledge/"') :]
    stream = stream[: stream.index("</th>")]
    assert "lead-inferred" not in stream
    # The Consultations' sub-groups: the report names no lead.
    subgroup = page[page.index('href="/en/workstreams/model-approach-working-group/"') :]
    assert "Lead: not stated in the record" in subgroup[: subgroup.index("</th>")]
