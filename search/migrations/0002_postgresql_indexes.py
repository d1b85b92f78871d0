"""On PostgreSQL: the pg_trgm extension, a GIN index of the entries' vectors and a trigram GIN
index of their titles. Nothing on SQLite, which searches without them (docs/search.md).

Neither index is in the model's Meta: both are PostgreSQL's alone, and SQLite must migrate too.
The entries of rows that exist already are written after the migrations (search/apps.py).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS search_entry_vector ON search_searchentry USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_entry_title_trigram"
    " ON search_searchentry USING gin (title gin_trgm_ops)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS search_entry_title_trigram",
    "DROP INDEX IF EXISTS search_entry_vector",
]


def _run(statements: list[str], schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(FORWARDS, schema_editor)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(BACKWARDS, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_entry")]

    operations = [migrations.RunPython(forwards, backwards)]
