"""Migrations: applied to an empty database, rolled back to zero and applied again, roles kept."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from missions.roles import ANALYST, VIEWER, ensure_roles

ROLES = [ANALYST, VIEWER]


def role_permissions() -> dict[str, list[str]]:
    return {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=ROLES).order_by("name")
    }


def missions_tables() -> set[str]:
    return {t for t in connection.introspection.table_names() if t.startswith("missions_")}


def applied_missions_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    return sorted(name for app, name in executor.loader.applied_migrations if app == "missions")


# serialized_rollback: the database is put back as it was, roles included, for the next tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_rolls_missions_back_to_zero_and_forward_again_with_the_roles():
    ensure_roles()  # in case an earlier transactional test emptied the tables
    roles_before = role_permissions()
    migrations = applied_missions_migrations()
    assert migrations[:2] == ["0001_initial", "0002_roles"]
    assert set(roles_before) == set(ROLES) and all(roles_before.values())

    try:
        call_command("migrate", "missions", "zero", verbosity=0)
        assert applied_missions_migrations() == []
        assert missions_tables() == set()
        assert not Group.objects.filter(name__in=ROLES).exists()  # the reverse removes them
    finally:
        call_command("migrate", verbosity=0)

    assert applied_missions_migrations() == migrations
    assert role_permissions() == roles_before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_the_roles_migration_again_without_change():
    ensure_roles()
    before = role_permissions()

    call_command("migrate", "missions", "0001", verbosity=0)
    call_command("migrate", "missions", verbosity=0)
    call_command("migrate", "missions", "0002", verbosity=0)
    # Back to the latest, so that later tests see the whole schema (the roles migration ran
    # three times by now: on the way up, again after 0001, again up from 0002).
    call_command("migrate", "missions", verbosity=0)

    assert role_permissions() == before
    assert Group.objects.filter(name__in=ROLES).count() == 2


def test_it_migrates_a_new_sqlite_database_to_zero_and_back(tmp_path):
    """From nothing, as a fresh installation: a separate process with its own database file."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    manage("migrate", "missions", "zero", "--noinput", "-v0")
    manage("migrate", "--noinput", "-v0")
    listed = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import Group;"
        "print(sorted((g.name, g.permissions.count() > 0) for g in Group.objects.all()))",
    )

    assert listed.strip().splitlines()[-1] == "[('Analyst', True), ('Viewer', True)]"
