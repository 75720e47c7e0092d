"""The contributions table's counts, stored per data version (missions.models.table_counts)."""

from django.db import migrations, models


def refresh_roles(apps, schema_editor):
    from missions.roles import ensure_roles

    ensure_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("missions", "0007_pending_import")]

    operations = [
        migrations.CreateModel(
            name="TableCounts",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True, verbose_name="view")),
                ("version", models.BigIntegerField(verbose_name="data version")),
                ("counts", models.TextField(verbose_name="counts")),
            ],
            options={"verbose_name": "table counts", "verbose_name_plural": "table counts"},
        ),
        # Like every model of the app, so that the roles' permission sets stay whole.
        migrations.RunPython(refresh_roles, migrations.RunPython.noop),
    ]
