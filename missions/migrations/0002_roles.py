"""The Analyst and Viewer groups (see missions/roles.py). Safe to run again; reversible."""

from django.db import migrations


def create_roles(apps, schema_editor):
    from missions.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


def remove_roles(apps, schema_editor):
    from missions.roles import remove_roles

    remove_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("missions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
