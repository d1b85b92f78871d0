"""Each entry's title in every language (``titles``). The entries are emptied: once migrated,
``index_fill`` (post_migrate) writes them again from the rows, with their titles and their pages'
addresses in the original's language (docs/search.md)."""

from typing import Any

from django.db import migrations, models


def entries_empty(apps: Any, schema_editor: Any) -> None:
    apps.get_model("search", "SearchEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_verbose_names_translatable"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="titles",
            field=models.TextField(blank=True, default="", verbose_name="titles"),
        ),
        migrations.RunPython(entries_empty, migrations.RunPython.noop),
    ]
