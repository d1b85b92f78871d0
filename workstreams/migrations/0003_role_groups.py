"""The three roles of the workspace, as groups. What each may do is in workstreams/permissions.py."""

from django.db import migrations

ROLES = ["secretariat", "focal_point", "viewer"]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("workstreams", "0002_workspace_focal_points_versions_history"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
