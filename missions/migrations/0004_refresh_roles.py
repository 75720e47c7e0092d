"""Give the roles their permissions on the models added since 0002 (statements about missions)."""

from django.db import migrations


def refresh_roles(apps, schema_editor):
    from missions.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("missions", "0003_statement_core")]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
