"""The restore drill of docs/operations.md, run for real: pg_dump the database (custom format),
pg_restore it into a fresh database, and find the same public record there.

"The same record" is what ``export_record`` writes: the archive's manifest lists every file
with its row count and SHA-256, so two equal manifests mean equal records, row for row.
"""

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.usefixtures("record")

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


@pytest.fixture
def postgres() -> dict[str, Any]:
    database: dict[str, Any] = connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(
            "pg_dump and pg_restore back up PostgreSQL; the embedded default's SQLite file is "
            "backed up by copying it (docs/operations.md)."
        )
    return database


def pg_env(database: dict[str, Any]) -> dict[str, str]:
    return {
        **os.environ,
        "PGHOST": database["HOST"] or "127.0.0.1",
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"] or "postgres",
        "PGPASSWORD": database["PASSWORD"] or "",
    }


def url(database: dict[str, Any], name: str) -> str:
    env = pg_env(database)
    return f"postgres://{env['PGUSER']}:{env['PGPASSWORD']}@{env['PGHOST']}:{env['PGPORT']}/{name}"


def run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command[0]} failed: {result.stderr}"
    return result.stdout


def manifest(database: dict[str, Any], name: str, archive: Path) -> dict[str, Any]:
    """export_record run by another process against the database ``name``."""
    env = {**pg_env(database), "DATABASE_URL": url(database, name)}
    run([sys.executable, MANAGE, "export_record", str(archive)], env)
    with zipfile.ZipFile(archive) as opened:
        data: dict[str, Any] = json.loads(opened.read("manifest.json"))
    return data


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """Everything but the time it was written."""
    return {key: value for key, value in data.items() if key != "generated_at"}


@pytest.fixture
def fresh_database(postgres: dict[str, Any]) -> Iterator[str]:
    name = f"{postgres['NAME']}_restored"
    env = pg_env(postgres)
    run(["dropdb", "--if-exists", name], env)
    run(["createdb", name], env)
    yield name
    run(["dropdb", "--if-exists", "--force", name], env)


def test_a_dump_restored_into_a_fresh_database_holds_the_same_record(
    postgres: dict[str, Any], fresh_database: str, tmp_path: Path
) -> None:
    env = pg_env(postgres)
    dump = tmp_path / "emgtracker.dump"
    # The record the test database holds is committed (loaded once for the session), so
    # another process sees it.
    run(["pg_dump", "--format=custom", "--file", str(dump), postgres["NAME"]], env)
    run(["pg_restore", "--no-owner", "--dbname", fresh_database, str(dump)], env)

    # The restored database needs no migration.
    restored_env = {**env, "DATABASE_URL": url(postgres, fresh_database)}
    run([sys.executable, MANAGE, "migrate", "--check"], restored_env)
    before = manifest(postgres, postgres["NAME"], tmp_path / "before.zip")
    after = manifest(postgres, fresh_database, tmp_path / "after.zip")

    assert before["record"]["counts"]["meetings"] == 6
    assert before["record"]["counts"]["participants"] == 103
    assert comparable(after) == comparable(before)

    # The comparison would see a difference: one entity renamed in the restored copy.
    run(
        [
            "psql",
            "--dbname",
            fresh_database,
            "--command",
            "UPDATE meetings_entity SET name = name || ' (changed)' "
            "WHERE id = (SELECT min(id) FROM meetings_entity)",
        ],
        env,
    )
    changed = manifest(postgres, fresh_database, tmp_path / "changed.zip")
    files = {f["name"]: f["sha256"] for f in changed["files"]}
    original = {f["name"]: f["sha256"] for f in before["files"]}
    assert files["entities.json"] != original["entities.json"]
    assert changed["record"]["counts"] == before["record"]["counts"]
