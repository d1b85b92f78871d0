"""``manage.py export_record PATH.zip``: the whole public record as one archive."""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import ProgressUpdateFactory
from workstreams import export
from workstreams.models import ProgressUpdate, Workstream

pytestmark = pytest.mark.usefixtures("record")

RESOURCES = [
    *("meetings", "entities", "workstreams", "timeline", "updates", "decisions", "proposals"),
    "events",
]


@pytest.fixture(autouse=True)
def site_url(settings: Any) -> None:
    # Links in the archive (an entity's url) name the site as the test client's answers do.
    settings.SITE_URL = "http://testserver"


def run_export(tmp_path: Path) -> zipfile.ZipFile:
    path = tmp_path / "record.zip"
    call_command("export_record", str(path), stdout=io.StringIO())
    return zipfile.ZipFile(path)


def api_list(client: Client, path: str) -> list[dict[str, Any]]:
    """Every row of an API list, page after page, as an anonymous consumer reads it."""
    rows: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/{path}/?page_size=200"
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def canonical(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_the_archive_holds_every_resource_as_the_api_gives_it(
    client: Client, tmp_path: Path
) -> None:
    archive = run_export(tmp_path)
    names = set(archive.namelist())
    meetings = list(Meeting.objects.values_list("slug", flat=True))

    expected = {"manifest.json"}
    for name in [*RESOURCES, *(f"participants/{slug}" for slug in meetings)]:
        expected |= {f"{name}.json", f"{name}.csv"}
    assert names == expected
    for name in RESOURCES:
        assert canonical(json.loads(archive.read(f"{name}.json"))) == canonical(
            api_list(client, name)
        ), name
    for slug in meetings:
        in_archive = json.loads(archive.read(f"participants/{slug}.json"))
        assert canonical(in_archive) == canonical(api_list(client, f"meetings/{slug}/participants"))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["record"]["counts"]["participants"] == 103  # the SOM28 mid-term list
    assert (
        manifest["record"]["counts"]["meetings"] == client.get("/api/v1/meetings/").json()["count"]
    )


def test_the_csv_files_match_the_apis_csv(client: Client, tmp_path: Path) -> None:
    archive = run_export(tmp_path)

    for name in RESOURCES:
        # Asked for by Accept: with ?format=csv, the API's links would carry it too.
        api = client.get(f"/api/v1/{name}/?page_size=200", HTTP_ACCEPT="text/csv").content.decode()
        mine = archive.read(f"{name}.csv").decode()
        api_rows = list(csv.DictReader(io.StringIO(api, newline="")))
        my_rows = list(csv.DictReader(io.StringIO(mine, newline="")))
        assert len(my_rows) == len(json.loads(archive.read(f"{name}.json"))), name
        # The same columns and cells; rows may come in another order where the API's
        # ordering ties.
        assert api.splitlines()[0] == mine.splitlines()[0], name
        assert canonical(api_rows) == canonical(my_rows), name


def test_the_csv_files_carry_the_basis_standing_and_mandate(tmp_path: Path) -> None:
    Meeting.objects.filter(slug="som29-mid-term").update(lists_ongoing_workstreams=True)
    archive = run_export(tmp_path)

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode(), newline="")))

    workstreams = {row["slug"]: row for row in rows("workstreams")}
    stockholm = workstreams["task-team-stockholm-50"]
    assert stockholm["standing.text"] == (
        "Last reported at SOM28 mid-term, silent since (not listed among the ongoing "
        "workstreams at SOM29 mid-term)"
    )
    assert stockholm["standing.standing"] == "silent"
    biodiversity = workstreams["img-biodiversity"]
    assert biodiversity["mandate.state"] == "live"
    assert biodiversity["leads.0.entity"] == "unesco"
    # The agenda names UNESCO as presenter: the record's lead is our reading.
    assert biodiversity["leads.0.evidence"] == "inferred"
    assert "leads.0.evidence_reason" in biodiversity
    timeline = {row["slug"]: row for row in rows("timeline")}
    infrastructure = timeline["cp-sustainable-infrastructure"]
    assert infrastructure["evidence.som27.evidence"] == "inferred"
    assert "endorse" in infrastructure["evidence.som27.evidence_reason"]
    decisions = rows("decisions")
    assert {"evidence", "evidence_reason"} <= set(decisions[0])
    assert "evidence" in rows("updates")[0]


def test_the_manifest_checksums_and_counts_match_the_files(tmp_path: Path) -> None:
    archive = run_export(tmp_path)
    manifest = json.loads(archive.read("manifest.json"))

    assert manifest["format"] == 1
    assert manifest["app_version"] == export.app_version() != "unknown"
    assert manifest["generated_at"].startswith(str(timezone.now().year))
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for name, entry in listed.items():
        content = archive.read(name)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), name
        assert entry["bytes"] == len(content), name
        if name.endswith(".json"):
            assert entry["rows"] == len(json.loads(content)), name
        else:
            assert entry["rows"] == len(content.decode().splitlines()) - 1, name
    assert manifest["record"]["counts"]["updates"] == ProgressUpdate.objects.published().count()


def test_drafts_and_submitted_updates_are_not_exported(tmp_path: Path) -> None:
    ProgressUpdateFactory.create(summary="A DRAFT that must stay private.")
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="cp-pollution-free-planet"),
        summary="A SUBMITTED update, not yet public.",
        state=ProgressUpdate.State.SUBMITTED,
    )
    ProgressUpdateFactory.create(
        workstream=Workstream.objects.get(slug="img-environmental-sustainability-management"),
        summary="A PUBLISHED update, public.",
        state=ProgressUpdate.State.PUBLISHED,
        published_at=timezone.now(),
    )

    archive = run_export(tmp_path)

    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"A DRAFT that must stay private." not in everything
    assert b"A SUBMITTED update" not in everything
    assert b"A PUBLISHED update, public." in archive.read("updates.json")
    assert b"A PUBLISHED update, public." in archive.read("updates.csv")


def test_formula_like_cells_are_neutralised_in_the_csv_only(tmp_path: Path) -> None:
    ProgressUpdateFactory.create(
        summary="=HYPERLINK(A1)", state=ProgressUpdate.State.PUBLISHED, published_at=timezone.now()
    )

    archive = run_export(tmp_path)

    rows = list(csv.DictReader(io.StringIO(archive.read("updates.csv").decode(), newline="")))
    assert "'=HYPERLINK(A1)" in [row["summary"] for row in rows]
    assert "=HYPERLINK(A1)" in [row["summary"] for row in json.loads(archive.read("updates.json"))]


def test_a_failed_export_leaves_the_previous_archive_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "record.zip"
    path.write_bytes(b"yesterday's archive")

    def failing(view: Any) -> Any:
        yield {"slug": "first"}
        raise RuntimeError("the database went away")

    monkeypatch.setattr(export, "_rows", failing)
    with pytest.raises(RuntimeError):
        call_command("export_record", str(path), stdout=io.StringIO())

    assert path.read_bytes() == b"yesterday's archive"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.zip"]


def test_rows_are_read_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chunk_sizes: list[int] = []
    iterator = QuerySet.iterator

    def spy(self: Any, chunk_size: int | None = None) -> Any:
        chunk_sizes.append(chunk_size or 0)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    run_export(tmp_path)

    # Each of the eight lists and each meeting's participants, read 500 rows at a time.
    assert chunk_sizes == [export.CHUNK_SIZE] * (len(RESOURCES) + Meeting.objects.count())
