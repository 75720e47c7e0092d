"""Triggers that raise ``DataVersion`` on every write to the data the pages show.

Installed after every ``migrate`` (``post_migrate``), for every concrete table of the missions
app except the history tables (each history row comes with a write to its record's table), the
API tokens (their ``last_used_at`` moves on every API call), the pending imports (an upload
between preview and confirm is on no page) and the version row itself, plus the auth tables
that decide what a user may see. A table added by a later migration is covered
without a change here. The statements are idempotent, so running them again is harmless.

On PostgreSQL the trigger is per statement and BEFORE the write: a bulk update of 100,000 rows
raises the version once, and a transaction takes the version row's lock before any row lock of
its own, so two writers cannot deadlock over it. The row stays locked until the transaction
ends, so writers queue on it: a confirmed import no longer takes it with the claim of its
pending upload (its first write), only when it writes the rows, so admin saves do not wait
while it re-reads the file. SQLite has only row triggers; they cost a one-row update each,
inside the same write lock.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections

VERSION_TABLE = "missions_dataversion"
UNWATCHED_MODELS = {"dataversion", "apitoken", "pendingimport", "tablecounts"}
AUTH_TABLES = ("auth_user_groups", "auth_user_user_permissions", "auth_group_permissions")
BUMP = (
    f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = {table}.version + 1"
).replace("{table}", VERSION_TABLE)


def unwatched_tables() -> list[str]:
    """Tables that must carry no trigger: they may have had one from an earlier version."""
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("missions").get_models()
        if model._meta.model_name in UNWATCHED_MODELS
    )


def watched_tables() -> list[str]:
    models = list(apps.get_app_config("missions").get_models())
    tables = [
        model._meta.db_table
        for model in models
        if not (name := model._meta.model_name or "").startswith("historical")
        and name not in UNWATCHED_MODELS
    ]
    # Many-to-many tables (a user's followed missions) are auto-created models.
    for model in models:
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert through is not None  # resolved once the app registry is ready
            tables.append(through._meta.db_table)
    return sorted(set(tables)) + list(AUTH_TABLES)


def install_triggers(using: str = "default", **kwargs: object) -> None:
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if VERSION_TABLE not in existing:
        return  # migrating backwards, or not yet migrated this far
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION missions_bump_data_version() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
            )
        for table in watched_tables():
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {table}_data_version "
                    f"BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION missions_bump_data_version()"
                )
            elif connection.vendor == "sqlite":
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_data_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                    )
        for table in unwatched_tables():
            if table not in existing:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
            elif connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{event}")


def current_version(using: str = "default") -> int:
    """The data's version now: one primary-key read (0 before the first write)."""
    from missions.models import DataVersion

    found = DataVersion.objects.using(using).filter(pk=1).values_list("version", flat=True)
    return next(iter(found), 0)


def drop_triggers(using: str = "default") -> None:
    """Remove every data-version trigger (before the version table goes, when migrating back)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE %s",
                ["%\\_data\\_version"],
            )
            for trigger, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
            cursor.execute("DROP FUNCTION IF EXISTS missions_bump_data_version()")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                ["%_data_version_%"],
            )
            for (trigger,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')


def install_in_migration(apps, schema_editor) -> None:
    install_triggers(schema_editor.connection.alias)


def drop_in_migration(apps, schema_editor) -> None:
    drop_triggers(schema_editor.connection.alias)
