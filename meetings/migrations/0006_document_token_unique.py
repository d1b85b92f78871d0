"""Document tokens are unique and given to every new document; a current title is unique."""

from django.db import migrations, models

import meetings.models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_document_tokens_backfill"),
    ]

    operations = [
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
