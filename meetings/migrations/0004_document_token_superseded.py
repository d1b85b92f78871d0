"""Documents get an unguessable download token and can be superseded: the new columns.

The token is filled in by 0005 and made unique by 0006; on PostgreSQL the rows cannot be
updated and the table altered in one transaction.
"""

from django.db import migrations, models


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
    ]
