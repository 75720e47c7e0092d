"""Nothing half-written: a report file appears only when complete, a failed backup leaves no
partial file and the backup's summary counts what its file holds; statistics after bulk loads."""

from __future__ import annotations

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from missions.management.commands import backup as backup_command
from missions.management.commands import report as report_command
from missions.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


def failing_write(target_path: Path, seen: dict):
    def write(export, fmt, target):
        target.write(b"document_date,source\r\n2025-01-01,29521-1\r\n")
        target.flush()
        # Mid-run: the rows so far are on disk, under another name than the report's.
        seen["final exists mid-run"] = target_path.exists()
        seen["files mid-run"] = sorted(p.name for p in target_path.parent.iterdir())
        raise RuntimeError("killed")

    return write


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_writes_no_report_file_when_the_run_fails(tmp_path, monkeypatch, fmt):
    target = tmp_path / f"changes.{fmt}"
    seen: dict = {}
    monkeypatch.setattr(report_command, "write_export", failing_write(target, seen))

    with pytest.raises(RuntimeError, match="killed"):
        call_command(
            "report", "changes", "--from", "2025-01-01", "--to", "2025-12-31",
            "--format", fmt, "--output", str(target),
        )  # fmt: skip

    assert seen["final exists mid-run"] is False
    assert len(seen["files mid-run"]) == 1
    assert seen["files mid-run"][0].startswith(f".changes.{fmt}.")
    assert seen["files mid-run"][0].endswith(".partial")
    assert list(tmp_path.iterdir()) == []


def test_it_leaves_an_earlier_report_untouched_when_the_run_fails(tmp_path, monkeypatch):
    target = tmp_path / "changes.csv"
    target.write_bytes(b"yesterday's report\r\n")
    monkeypatch.setattr(report_command, "write_export", failing_write(target, {}))

    with pytest.raises(RuntimeError):
        call_command(
            "report", "changes", "--from", "2025-01-01", "--to", "2025-12-31",
            "--output", str(target),
        )  # fmt: skip

    assert target.read_bytes() == b"yesterday's report\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["changes.csv"]


def test_it_replaces_a_report_once_complete_with_the_usual_permissions(tmp_path):
    factories.statement()
    target = tmp_path / "changes.csv"
    target.write_bytes(b"old\r\n")
    old_umask = os.umask(0o022)
    try:
        call_command(
            "report", "changes", "--from", "1900-01-01", "--to", "2200-12-31",
            "--output", str(target),
        )  # fmt: skip
    finally:
        os.umask(old_umask)

    assert target.read_bytes().startswith(b"document_date,source,")
    assert target.read_bytes().count(b"\r\n") == 2
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["changes.csv"]


def test_it_explains_an_output_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot write .*missing/changes\.csv"):
        call_command(
            "report", "changes", "--from", "2025-01-01", "--to", "2025-12-31",
            "--output", str(tmp_path / "missing" / "changes.csv"),
        )  # fmt: skip


def test_it_removes_the_partial_backup_when_writing_fails(tmp_path, monkeypatch):
    factories.statement()

    def broken(format, queryset, stream, **options):
        for _ in queryset:
            stream.write('[{"model": "missions.organization"')
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_command.serializers, "serialize", broken)

    with pytest.raises(OSError, match="No space left"):
        call_command("backup", "--output", str(tmp_path / "tracker.json"))

    assert list(tmp_path.iterdir()) == []


def test_it_prints_the_counts_of_the_rows_it_wrote(tmp_path, monkeypatch):
    factories.statement()
    factories.statement()
    real_rows = backup_command.rows

    def rows_while_someone_adds_one(written=None):
        for number, row in enumerate(real_rows(written)):
            if number == 0:
                # An analyst saves an organization after its table was read for the file.
                Organization.objects.create(acronym="LATE", name="Added meanwhile")
            yield row

    monkeypatch.setattr(backup_command, "rows", rows_while_someone_adds_one)
    path = tmp_path / "tracker.json"
    out = StringIO()

    call_command("backup", "--output", str(path), stdout=out)

    in_file: dict[str, int] = {}
    for item in json.loads(path.read_text()):
        label = item["model"]
        in_file[label] = in_file.get(label, 0) + 1
    printed = {
        line.split(":")[0].strip(): int(line.split(":")[1])
        for line in out.getvalue().splitlines()[1:]
    }
    assert {label.lower(): n for label, n in printed.items() if n} == in_file
    assert printed["missions.Organization"] == in_file["missions.organization"]
    assert printed["missions.Organization"] == Organization.objects.count() - 1
    assert printed["missions.Statement"] == 2


def planner_statistics(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    "command",
    [
        ("load_real_data",),
        ("generate_data", "--contributions", "30", "--force"),
    ],
)
def test_it_refreshes_the_planners_statistics_after_a_bulk_load(command):
    assert planner_statistics("missions_statement") == 0

    call_command(*command, verbosity=0)

    assert planner_statistics("missions_statement") > 0


def test_it_refreshes_the_planners_statistics_after_a_restore(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "missions.management.commands.restore.analyze", lambda: calls.append("analyze")
    )
    factories.statement()
    path = tmp_path / "tracker.json"
    call_command("backup", "--output", str(path), verbosity=0)
    monkeypatch.setattr("missions.management.commands.restore.tracker_rows", dict)
    monkeypatch.setattr("missions.management.commands.restore.call_command", lambda *a, **k: None)

    call_command("restore", str(path), verbosity=0)

    assert calls == ["analyze"]
