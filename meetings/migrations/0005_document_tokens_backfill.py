"""Every existing document gets a token of its own. A briefing pack compiled before packs recorded what
they hold may hold an update since withdrawn: it is superseded (the secretariat still downloads
it) until the secretariat compiles the meeting's pack again.
"""

import secrets

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

LEGACY_PACK = "Compiled before packs recorded the updates they hold: compile it again."


def tokens_and_legacy_packs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Document = apps.get_model("meetings", "Document")
    for document in Document.objects.filter(token__isnull=True).only("pk"):
        Document.objects.filter(pk=document.pk).update(token=secrets.token_urlsafe(32))
    Document.objects.filter(kind="briefing_pack", superseded_at__isnull=True).update(
        superseded_at=timezone.now(), superseded_reason=LEGACY_PACK
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_document_token_superseded"),
    ]

    operations = [
        migrations.RunPython(tokens_and_legacy_packs, migrations.RunPython.noop),
    ]
