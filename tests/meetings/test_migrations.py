"""The migrations that give documents their tokens, run on rows that existed before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workstreams.models import Workstream

BEFORE = [("meetings", "0003_document_files_submission_deadline")]
AFTER = [("meetings", "0006_document_token_unique")]


@pytest.mark.django_db(transaction=True)
def test_existing_documents_get_distinct_tokens_and_old_packs_are_superseded() -> None:
    # The record's streams of work (a kind added since) cannot be held by the schema of BEFORE.
    Workstream.objects.filter(kind="stream").delete()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    meeting = old.get_model("meetings", "Meeting").objects.create(
        slug="som30", som_number=30, segment="senior", title="SOM30", date="2024-09-01"
    )
    Document = old.get_model("meetings", "Document")
    agenda = Document.objects.create(meeting=meeting, title="Agenda", kind="agenda")
    pack = Document.objects.create(
        meeting=meeting, title="Briefing pack (PDF)", kind="briefing_pack", file="x.pdf"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("meetings", "Document")
    agenda, pack = new.objects.get(pk=agenda.pk), new.objects.get(pk=pack.pk)
    assert len(agenda.token) == 43
    assert len(pack.token) == 43
    assert agenda.token != pack.token
    # An agenda stays public; a pack that did not record what it holds is superseded.
    assert (agenda.superseded_at, agenda.superseded_reason) == (None, "")
    assert pack.superseded_at is not None
    assert pack.superseded_reason.startswith("Compiled before packs recorded")

    # Back to the latest state, for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
