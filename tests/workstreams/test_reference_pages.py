"""Cross-references read: the ``?sdg=``, ``?unea=`` and ``?mea=`` filters of the workstream,
update and decision lists (API and page), ``/api/v1/references/`` and the pages
``/references/`` and ``/references/<slug>/``, with their query counts."""

import json
from typing import Any

import pytest
from django.test import Client

from workstreams.models import Decision, FrameworkReference, ReferenceTag, Workstream

pytestmark = pytest.mark.usefixtures("record")

SWF = "cp-system-wide-framework-strategies"
MINERALS = "nexus-dialogue-minerals-metals"


def _json(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content[:500]
    return json.loads(response.content)


def _slugs(client: Client, url: str, key: str = "slug") -> list[str]:
    return sorted(row[key] for row in _json(client, url)["results"])


def _tag_decision(code: str) -> Decision:
    decision = Decision.objects.select_related("workstream").get(
        workstream__slug="img-biodiversity"
    )
    reference = FrameworkReference.objects.get(kind__startswith="sdg", code=code)
    ReferenceTag.objects.create(reference=reference, decision=decision)
    return decision


def test_sdg_filters_the_updates_and_the_workstreams_by_the_record_s_tag(client: Client) -> None:
    assert _slugs(client, "/api/v1/updates/?sdg=12", "workstream") == [SWF]
    # A workstream matches by the tags of its published updates and decisions too.
    assert _slugs(client, "/api/v1/workstreams/?sdg=12") == [SWF]
    assert _slugs(client, "/api/v1/updates/?sdg=12.1", "workstream") == []
    assert _slugs(client, "/api/v1/decisions/?sdg=12") == []


def test_a_goal_matches_its_targets_and_a_target_only_itself(client: Client) -> None:
    decision = _tag_decision("14.1")
    assert [d["id"] for d in _json(client, "/api/v1/decisions/?sdg=14.1")["results"]] == [
        decision.pk
    ]
    assert [d["id"] for d in _json(client, "/api/v1/decisions/?sdg=14")["results"]] == [decision.pk]
    assert _json(client, "/api/v1/decisions/?sdg=14.2")["results"] == []
    assert _slugs(client, "/api/v1/workstreams/?sdg=14") == ["img-biodiversity"]
    references = _json(client, f"/api/v1/decisions/{decision.pk}/")["references"]
    assert references == [
        {
            "reference": "sdg-14-1",
            "kind": "sdg_target",
            "code": "14.1",
            "origin": "secretariat",
            "evidence": "stated",
            "evidence_reason": "",
            "provenance": None,
        }
    ]


def test_unea_filters_by_symbol_or_slug(client: Client) -> None:
    assert _slugs(client, "/api/v1/workstreams/?unea=UNEP/EA.4/Res.19") == [MINERALS]
    assert _slugs(client, "/api/v1/workstreams/?unea=unep-ea-5-res-12") == [MINERALS]
    assert _slugs(client, "/api/v1/updates/?unea=unep-ea-5-res-12", "workstream") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sdg=18", "No SDG goal or target has the code “18”."),
        ("sdg=14.z", "No SDG goal or target has the code “14.z”."),
        ("sdg=x14", "Give an SDG code, such as 14 or 14.1."),
        ("unea=UNEP/EA.9/Res.99", "No UNEA resolution has the symbol “UNEP/EA.9/Res.99”."),
        ("unea=12", "No UNEA resolution has the symbol “12”."),
        ("mea=CBD/COP/DEC/15/4", "No MEA decision has the symbol “CBD/COP/DEC/15/4”."),
        # PostgreSQL refuses even to look up a NUL: refused before the look-up.
        ("unea=zf%00%3B", "Null characters are not allowed."),
        ("sdg=1%00", "Null characters are not allowed."),
    ],
)
def test_an_unknown_code_is_a_400_in_the_one_error_shape(
    client: Client, query: str, message: str
) -> None:
    for path in ("workstreams", "updates", "decisions"):
        error = _json(client, f"/api/v1/{path}/?{query}", status=400)["error"]
        assert error["status"] == 400
        assert error["fields"] == {query.split("=")[0]: [message]}


def test_the_workstream_list_page_filters_by_sdg(client: Client) -> None:
    page = client.get("/en/workstreams/?sdg=12")
    assert page.status_code == 200
    shown = [row.workstream.slug for row in page.context["rows"]]
    assert shown == [SWF]
    refused = client.get("/en/workstreams/?sdg=99")
    assert refused.status_code == 400
    assert "No SDG goal or target has the code “99”." in refused.content.decode()
    assert client.get("/en/workstreams/?mea=%00").status_code == 400


def test_the_payloads_carry_the_record_s_tags_with_their_quotes(client: Client) -> None:
    minerals = _json(client, f"/api/v1/workstreams/{MINERALS}/")["references"]
    assert [(r["code"], r["origin"]) for r in minerals] == [
        ("UNEP/EA.4/Res.19", "record"),
        ("UNEP/EA.5/Res.12", "record"),
    ]
    assert minerals[0]["provenance"]["quote"].startswith("UNEA resolution 4/19 on mineral")
    assert minerals[0]["provenance"]["section"] == "section 3(c)"
    listed = _json(client, "/api/v1/workstreams/?unea=unep-ea-4-res-19")["results"][0]
    assert listed["references"] == minerals


def test_the_references_api_lists_by_kind_and_gets_by_slug(client: Client) -> None:
    resolutions = _json(client, "/api/v1/references/?kind=unea_resolution")["results"]
    assert [(r["code"], r["tag_count"]) for r in resolutions] == [
        ("UNEP/EA.4/Res.19", 1),
        ("UNEP/EA.5/Res.12", 1),
    ]
    assert _json(client, "/api/v1/references/?kind=sdg_goal&page_size=50")["count"] == 17
    assert _json(client, "/api/v1/references/?kind=sdg_target&page_size=50")["count"] == 169
    referred = _json(client, "/api/v1/references/?referred=true")["results"]
    assert [r["slug"] for r in referred] == ["sdg-12", "unep-ea-4-res-19", "unep-ea-5-res-12"]
    every = _json(client, "/api/v1/references/?page_size=1")["count"]
    assert _json(client, "/api/v1/references/?referred=false&page_size=1")["count"] == every - 3
    refused = _json(client, "/api/v1/references/?referred=maybe", status=400)
    assert "maybe is not one of the available choices" in refused["error"]["fields"]["referred"][0]
    target = _json(client, "/api/v1/references/sdg-14-c/")
    assert (target["kind"], target["code"], target["goal"]) == ("sdg_target", "14.c", "14")
    assert target["title"].startswith("Enhance the conservation and sustainable use of oceans")
    _json(client, "/api/v1/references/no-such-reference/", status=404)


def test_a_reference_page_lists_what_refers_to_it_with_the_quotes(client: Client) -> None:
    page = client.get("/en/references/sdg-12/").content.decode()
    assert "Ensure sustainable consumption and production patterns" in page
    assert f"/en/workstreams/{SWF}/#som28-mid-term" in page
    assert "will focus on SDG 12 (sustainable consumption and production)" in page
    _tag_decision("12.5")
    page = client.get("/en/references/sdg-12/").content.decode()
    assert "(by its target SDG 12.5)" in page
    assert "(tagged by the secretariat)" in page
    unea = client.get("/en/references/unep-ea-5-res-12/").content.decode()
    assert f"/en/workstreams/{MINERALS}/" in unea
    assert "UNEA resolution 5.12 begin." in unea
    assert client.get("/en/references/sdg-1/").status_code == 200
    assert client.get("/en/references/no-such-reference/").status_code == 404


def test_the_list_page_shows_the_goals_referred_to_and_all_on_asking(client: Client) -> None:
    page = client.get("/en/references/").content.decode()
    assert "/en/references/sdg-12/" in page
    assert "/en/references/sdg-1/" not in page
    assert "/en/references/unep-ea-4-res-19/" in page
    everything = client.get("/en/references/?all=1").content.decode()
    assert everything.count('href="/en/references/sdg-') == 17 + 169


def test_a_workstream_page_shows_its_tags_and_those_of_its_updates(client: Client) -> None:
    page = client.get(f"/en/workstreams/{SWF}/").content.decode()
    assert "/en/references/sdg-12/" in page
    minerals = client.get(f"/en/workstreams/{MINERALS}/").content.decode()
    assert "/en/references/unep-ea-4-res-19/" in minerals
    assert Workstream.objects.filter(slug=MINERALS).exists()


PAGES = {
    # the references with their counts
    "/en/references/": 1,
    "/en/references/?all=1": 1,
    # the reference with its goal, its targets with their counts, the tags with what they tag
    "/en/references/sdg-14/": 3,
    "/en/references/sdg-14-1/": 2,
    # as the plain list (tests/workstreams/test_pages.py), and the reference named
    "/en/workstreams/?sdg=12": 6 + 4 + 1,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_page_query_count_is_flat(assert_flat_query_count: Any, url: str) -> None:
    # grow_record tags thirty more workstreams, updates and decisions with SDG 14.1.
    assert_flat_query_count(url, PAGES[url])


def test_the_references_api_query_count_is_flat(assert_flat_query_count: Any) -> None:
    # count, page with the goals and tag counts
    assert_flat_query_count("/api/v1/references/", 2, HTTP_ACCEPT="application/json")
