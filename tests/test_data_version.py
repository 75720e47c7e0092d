"""Which writes raise the data version (missions.models.data_version): the data pages show, not an
upload waiting between preview and confirm, so that confirming an import takes the version row's
lock only when it writes the rows (see tests/test_conditional.py for the ETags themselves)."""

from __future__ import annotations

from django.db import connection

from missions.models import PendingImport
from missions.models.data_version import BUMP, current_version, install_triggers
from tests import factories


def _triggers_on(table: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND NOT t.tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return sorted(name for (name,) in cursor.fetchall())


def test_a_pending_upload_keeps_the_version_and_a_statement_raises_it(analyst):
    before = current_version()
    pending = PendingImport.objects.create(
        token="t" * 32, user=analyst, filename="letter.csv", table={"header": [], "rows": []}
    )
    PendingImport.objects.filter(pk=pending.pk).update(fingerprint="f" * 64)
    PendingImport.objects.filter(pk=pending.pk).delete()
    assert current_version() == before

    factories.statement()
    assert current_version() > before


def test_installing_removes_a_trigger_an_older_version_put_on_the_pending_uploads(db):
    table = PendingImport._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {table}_data_version BEFORE INSERT OR UPDATE OR "
                f"DELETE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION "
                "missions_bump_data_version()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER {table}_data_version_insert AFTER INSERT ON {table} "
                f"BEGIN {BUMP}; END"
            )
    assert _triggers_on(table)

    install_triggers()

    assert _triggers_on(table) == []
    # The watched tables keep theirs.
    assert _triggers_on("missions_statement")
