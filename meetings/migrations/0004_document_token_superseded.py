"""Documents get an unguessable download token and can be superseded.

Every existing document gets its own token. A briefing pack compiled before packs recorded what
they hold may hold an update since withdrawn: it is superseded (the secretariat still downloads
it) until the secretariat compiles the meeting's pack again.
"""

import secrets

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

import meetings.models

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
        ("meetings", "0003_document_files_submission_deadline"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="document",
            name="document_title_unique",
        ),
        migrations.AddField(
            model_name="document",
            name="superseded_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When it stopped being current; only the secretariat may download it since.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="superseded_reason",
            field=models.CharField(
                blank=True, editable=False, help_text="Why it is superseded.", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(tokens_and_legacy_packs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="document",
            name="token",
            field=models.CharField(
                default=meetings.models.document_token,
                editable=False,
                help_text="The random part of its download address.",
                max_length=64,
                unique=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=("meeting", "title"),
                name="document_title_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("superseded_at__isnull", True), ("superseded_reason", "")),
                    models.Q(
                        ("superseded_at__isnull", False),
                        models.Q(("superseded_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="document_superseded_with_reason",
            ),
        ),
    ]
