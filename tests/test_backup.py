"""Backup and restore: the round trip loses nothing, and a restore never overwrites data."""

import json
import re
import stat
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import models

from missions.management.backups import NOT_DATA
from missions.models import Mission, Organization, Statement, Status
from missions.roles import ensure_roles
from tests import factories


def user_field(model: type[models.Model]) -> set[str]:
    """Columns that point at a user: compared by username, since user ids may change."""
    return {
        f.attname for f in model._meta.concrete_fields if f.is_relation and f.related_model is User
    }


def content(model: type[models.Model]) -> list[dict]:
    names = dict(User.objects.values_list("pk", "username"))
    rows = []
    for row in model._default_manager.order_by("pk").values():
        for field in user_field(model):
            row[field] = names.get(row[field])
        rows.append(row)
    return rows


def everything() -> dict[str, object]:
    """Counts and content of every tracker and history table, and the accounts and roles."""
    state: dict[str, object] = {}
    for model in apps.get_app_config("missions").get_models():
        if model._meta.label_lower in NOT_DATA:
            continue  # the data version: a counter of writes, which a restore is
        state[model._meta.label] = (model._default_manager.count(), content(model))
    state["users"] = [
        (
            u.username,
            u.password,
            u.is_staff,
            u.is_superuser,
            sorted(u.groups.values_list("name", flat=True)),
            sorted(u.user_permissions.values_list("codename", flat=True)),
        )
        for u in User.objects.order_by("username")
    ]
    state["groups"] = [
        (g.name, sorted(g.permissions.values_list("content_type__app_label", "codename")))
        for g in Group.objects.order_by("name")
    ]
    state["admin log"] = [
        (e.user.username, e.content_type.model, e.object_id, e.change_message)
        for e in LogEntry.objects.order_by("pk")
    ]
    return state


@pytest.fixture
def record(analyst, viewer, superuser) -> None:
    """Tracker data with a history of creations, an edit by an analyst and a deletion."""
    statements = factories.portfolio(4)
    statement = statements[0]
    statement.status = Status.EXTENDED
    statement.end_date = date(2028, 6, 30)
    statement._history_user = analyst
    statement._change_reason = "Correction per abuis (answer 11)"
    statement.save()
    doomed = factories.region(name="Temporary")
    doomed.delete()
    LogEntry.objects.log_actions(
        analyst.pk, [statement], CHANGE, change_message="Changed end", single_object=True
    )
    viewer.user_permissions.add(*Group.objects.get(name="Viewer").permissions.all()[:1])


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", output=str(path), stdout=out)
    return out.getvalue()


# Real transactions, as in production (flush needs them on PostgreSQL); serialized_rollback puts
# the roles back for the next tests.
ROUND_TRIP = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@ROUND_TRIP
def test_it_restores_everything_into_an_empty_database(record, tmp_path):
    before = everything()
    assert Statement.history.filter(history_type="~").count() == 1
    assert Statement.history.get(history_type="~").history_user.username == "analyst"
    path = tmp_path / "tracker.json"
    backup(path)

    call_command("flush", interactive=False, verbosity=0)
    assert not Statement.objects.exists() and not User.objects.exists()
    ensure_roles()  # as `migrate` leaves a new database: empty, with the roles
    out = StringIO()
    call_command("restore", str(path), stdout=out)

    after = everything()
    for key in before:
        assert after[key] == before[key], key
    assert "  missions.Statement: 4\n" in out.getvalue()
    # The restored history still reads as history: who changed what, and why.
    change = Statement.history.get(history_type="~")
    assert (change.history_user.username, change.history_change_reason) == (
        "analyst",
        "Correction per abuis (answer 11)",
    )


@ROUND_TRIP
def test_it_continues_numbering_after_a_restore(record, tmp_path):
    path = tmp_path / "tracker.json"
    backup(path)
    highest = Organization.objects.order_by("-pk").first().pk
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(path), verbosity=0)

    new = factories.organization()

    assert new.pk > highest


def test_it_writes_a_timestamped_file_only_its_owner_can_read(record, tmp_path, settings):
    settings.BASE_DIR = tmp_path

    output = backup_default()

    [written] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"tracker-\d{8}-\d{6}\.json", written.name)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert f"Wrote {written}" in output
    dump = json.loads(written.read_text())
    labels = {item["model"] for item in dump}
    assert {
        "missions.statement",
        "missions.historicalstatement",
        "auth.user",
        "auth.group",
    } <= labels
    # Accounts and permissions by name, so that the dump fits any database's ids.
    users = [item for item in dump if item["model"] == "auth.user"]
    assert all("pk" not in item for item in users)


def backup_default() -> str:
    out = StringIO()
    call_command("backup", stdout=out)
    return out.getvalue()


def test_it_never_overwrites_a_backup(record, tmp_path):
    path = tmp_path / "tracker.json"
    path.write_text("earlier backup")

    with pytest.raises(CommandError, match="exists already"):
        backup(path)

    assert path.read_text() == "earlier backup"


def test_it_refuses_to_restore_over_existing_data(record, tmp_path):
    path = tmp_path / "tracker.json"
    backup(path)
    Mission.objects.filter(pk=Mission.objects.first().pk).update(name="Changed after the backup")
    before = everything()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))

    assert str(refused.value).startswith("The database is not empty (3 organizations, 3 regions, ")
    assert "restore into it" in str(refused.value)
    assert everything() == before


def test_it_loads_nothing_from_a_broken_file(db, tmp_path):
    path = tmp_path / "broken.json"
    good = [
        {"model": "missions.organization", "pk": 1, "fields": {"name": "EU", "acronym": "EU"}},
        {"model": "missions.region", "pk": 1, "fields": {"nonsense": True}},
    ]
    path.write_text(json.dumps(good))

    with pytest.raises(CommandError, match="could not be restored; nothing was loaded"):
        call_command("restore", str(path))

    assert not Organization.objects.exists()


def test_it_explains_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No backup file at"):
        call_command("restore", str(tmp_path / "nothing.json"))


def test_it_has_make_targets_for_backup_and_restore():
    makefile = Path(__file__).resolve().parent.parent

    dry_run = subprocess.run(
        ["make", "-n", "backup", "restore", "FILE=backups/tracker-20250523-120000.json"],
        cwd=makefile,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "manage.py backup" in dry_run
    assert 'manage.py restore "backups/tracker-20250523-120000.json"' in dry_run


def test_it_keeps_content_types_out_of_the_dump(record, tmp_path):
    """Content types and permissions are recreated by migrate; the dump names them instead."""
    path = tmp_path / "tracker.json"
    backup(path)

    labels = {item["model"] for item in json.loads(path.read_text())}

    assert not labels & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    assert ContentType.objects.exists()
