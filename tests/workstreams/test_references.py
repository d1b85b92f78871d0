"""Cross-references (docs/record.md, "Cross-references"): the SDG data file, its loader, the
record's tags and the secretariat's tagging in the workspace."""

import re
import tomllib
from collections import Counter
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import UserFactory
from tests.workstreams.test_workstream_admin import _change_form
from workstreams import services
from workstreams.management.report_loader import DATA_DIR
from workstreams.management.report_loader.framework import read_sdg, sdg_file_load
from workstreams.management.report_loader.sections import REPORTS_DIR
from workstreams.models import FrameworkReference, ReferenceTag, Workstream

SDG_ROWS = read_sdg()


def test_the_data_file_has_the_17_goals_and_169_targets_with_unique_codes() -> None:
    kinds = Counter(row["kind"] for row in SDG_ROWS)
    assert kinds == {"sdg_goal": 17, "sdg_target": 169}
    codes = [row["code"] for row in SDG_ROWS]
    assert len(set(codes)) == len(codes) == 186
    goals = [row["code"] for row in SDG_ROWS if row["kind"] == "sdg_goal"]
    assert goals == [str(n) for n in range(1, 18)]
    for row in SDG_ROWS:
        if row["kind"] == "sdg_target":
            assert re.fullmatch(r"(1[0-7]|[1-9])\.([1-9]|1[0-9]|[a-d])", row["code"]), row
            assert row["code"].split(".")[0] == row["goal"], row
        assert row["title"], row
        assert row["title"] == row["title"].strip(), row
    # Numbered and lettered targets alike, to the last of the last goal.
    assert {"1.1", "1.a", "1.b", "14.1", "14.c", "16.10", "17.19"} <= set(codes)
    per_goal = Counter(row["goal"] for row in SDG_ROWS if row["goal"])
    assert (per_goal["1"], per_goal["14"], per_goal["17"]) == (7, 10, 19)


@pytest.mark.usefixtures("record")
def test_the_record_holds_the_goals_and_targets_with_their_official_titles() -> None:
    sdg = FrameworkReference.objects.sdg()
    assert sdg.filter(kind="sdg_goal").count() == 17
    assert sdg.filter(kind="sdg_target").count() == 169
    target = FrameworkReference.objects.select_related("goal").get(slug="sdg-14-1")
    assert target.title.startswith("By 2025, prevent and significantly reduce marine pollution")
    assert (target.goal and target.goal.code, target.label) == ("14", "SDG 14.1")
    codes = list(sdg.filter(goal__code="16").values_list("code", flat=True))
    assert codes[-4:] == ["16.9", "16.10", "16.a", "16.b"]


@pytest.mark.usefixtures("record")
def test_loading_again_changes_nothing_and_keeps_a_person_s_edit() -> None:
    assert not sdg_file_load().changed
    secretariat = UserFactory.create(role="secretariat")
    target = FrameworkReference.objects.get(slug="sdg-14-1")
    target.title = "Marine pollution, in the secretariat's words."
    services.framework_reference_save(reference=target, by=secretariat)
    report = sdg_file_load()
    target.refresh_from_db()
    assert target.title == "Marine pollution, in the secretariat's words."
    assert [note.key for note in report.left_alone] == ["code=14.1,kind=sdg_target"]
    assert not report.created
    assert not report.updated
    assert target.history.first().history_user == secretariat


# The record's tags -----------------------------------------------------------------------------

REPORTS = {
    "som28-mid-term-report": (REPORTS_DIR / "som28-mid-term-report.txt").read_text("utf-8"),
    "som29-mid-term-report": (REPORTS_DIR / "som29-midterm-report.txt").read_text("utf-8"),
}


def _data_tags() -> list[dict[str, Any]]:
    with (DATA_DIR / "references.toml").open("rb") as f:
        return list(tomllib.load(f)["tags"])


def _update_of(tag: ReferenceTag) -> str:
    assert tag.update is not None
    return tag.update.workstream.slug


def test_every_tag_of_the_data_quotes_its_report_verbatim() -> None:
    for row in _data_tags():
        report = " ".join(REPORTS[row["source"]].split())
        assert row["quote"] in report, row["quote"]


@pytest.mark.usefixtures("record")
def test_the_record_is_tagged_only_where_a_report_names_the_reference_with_its_quote() -> None:
    tags = ReferenceTag.objects.select_related("reference", "update__workstream", "source")
    found = {(tag.reference.code, tag.workstream_id or _update_of(tag)): tag for tag in tags}
    minerals = Workstream.objects.get(slug="nexus-dialogue-minerals-metals").pk
    assert set(found) == {
        ("12", "cp-system-wide-framework-strategies"),
        ("UNEP/EA.4/Res.19", minerals),
        ("UNEP/EA.5/Res.12", minerals),
    }
    assert sorted(t.source_quote for t in tags) == sorted(r["quote"] for r in _data_tags())
    for tag in tags:
        assert (tag.origin, tag.evidence) == (ReferenceTag.Origin.RECORD, "stated")
        assert tag.source is not None
        assert tag.source.meeting.slug == "som28-mid-term"
    sdg12 = found["12", "cp-system-wide-framework-strategies"]
    assert sdg12.update is not None
    assert sdg12.update.meeting.slug == "som28-mid-term"
    assert "SDG 12" in sdg12.source_quote
    assert "UNEA resolution 4/19" in found["UNEP/EA.4/Res.19", minerals].source_quote
    assert "UNEA resolution 5.12" in found["UNEP/EA.5/Res.12", minerals].source_quote


# The workspace -------------------------------------------------------------------------------


@pytest.mark.usefixtures("record")
def test_the_secretariat_tags_a_workstream_inline_and_the_history_says_who(client: Any) -> None:
    secretariat = UserFactory.create(role="secretariat", username="sec")
    client.force_login(secretariat)
    workstream = Workstream.objects.get(slug="img-biodiversity")
    url, values = _change_form(client, workstream)
    row = int(values["reference_tags-TOTAL_FORMS"])
    target = FrameworkReference.objects.get(slug="sdg-15-5")
    values |= {
        "reference_tags-TOTAL_FORMS": str(row + 1),
        f"reference_tags-{row}-reference": str(target.pk),
        f"reference_tags-{row}-evidence": "stated",
    }
    with mock.patch.object(
        services, "reference_tag_save", wraps=services.reference_tag_save
    ) as save:
        response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    tag = ReferenceTag.objects.get(workstream=workstream, reference=target)
    save.assert_called_once_with(tag=tag, by=mock.ANY)
    assert tag.origin == ReferenceTag.Origin.SECRETARIAT
    assert tag.history.get().history_user == secretariat
    page = client.get(f"/en/workstreams/{workstream.slug}/").content.decode()
    assert "/en/references/sdg-15-5/" in page
    assert "(tagged by the secretariat)" in page


@pytest.mark.usefixtures("record")
def test_focal_points_read_the_tags_and_change_none(client: Any) -> None:
    focal_point = UserFactory.create(role="focal_point", entity="UNESCO")
    tag = ReferenceTag.objects.first()
    assert tag is not None
    assert focal_point.has_perm("workstreams.view_referencetag", tag)
    for action in ("add", "change", "delete"):
        assert not focal_point.has_perm(f"workstreams.{action}_referencetag", tag)
        assert not focal_point.has_perm(f"workstreams.{action}_frameworkreference", tag.reference)
    fresh = ReferenceTag(reference=tag.reference, workstream=Workstream.objects.first())
    with pytest.raises(PermissionDenied):
        services.reference_tag_save(tag=fresh, by=focal_point)
    assert not ReferenceTag.objects.filter(pk=fresh.pk or 0).exists()
    client.force_login(focal_point)
    add = reverse("admin:workstreams_referencetag_add")
    assert client.get(add).status_code == 403


@pytest.mark.usefixtures("record")
def test_the_secretariat_adds_a_resolution_and_a_tag_from_the_record_needs_a_quote() -> None:
    secretariat = UserFactory.create(role="secretariat")
    resolution = FrameworkReference(
        kind="unea_resolution", code="UNEP/EA.5/Res.14", title="End plastic pollution"
    )
    services.framework_reference_save(reference=resolution, by=secretariat)
    assert resolution.slug == "unep-ea-5-res-14"
    workstream = Workstream.objects.get(slug="core-working-group-plastic-pollution")
    tag = ReferenceTag(reference=resolution, workstream=workstream, origin="record")
    services.reference_tag_save(tag=tag, by=secretariat)
    # Added by hand, with no quote: the secretariat's, not the record's.
    assert tag.origin == ReferenceTag.Origin.SECRETARIAT
    unquoted = ReferenceTag(reference=resolution, workstream=workstream, origin="record")
    unquoted.pk = tag.pk
    with pytest.raises(Exception, match="quotes the report"):
        services.reference_tag_save(tag=unquoted, by=secretariat)
