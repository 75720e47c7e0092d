"""The bench's steps that need Django, each run in its own process against ``DATABASE_URL``
(settings are read once per process, and every database is a different file or name).

    python -m bench.django_side prepare --contributions N --seed S   # migrate, generate, user
    python -m bench.django_side measure TARGETS_JSON                  # queries and raw-SQL floor
    python -m bench.django_side busiest-mission                      # the heaviest mission page
    python -m bench.django_side document-statements REFERENCE        # after an import

The bench user's name and password come from BENCH_USERNAME and BENCH_PASSWORD.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from bench.synthetic import generate  # noqa: E402
from missions.management.upkeep import analyze  # noqa: E402
from missions.models import SourceDocument, Statement, TableCounts  # noqa: E402
from missions.reading.querysets import EXPORT_CURSOR_SETTINGS  # noqa: E402

# The floor replays what the ORM read; writes (the session's save) and transaction control
# (savepoints) are not part of what a page costs to read, and replaying them would change state.
READS = ("SELECT", "WITH")


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'missions_statement'")
        return cursor.fetchone() is not None


def prepare(contributions: int, seed: int) -> None:
    """Bring the schema up to date, fill an empty database, and (re)set the bench superuser."""
    call_command("migrate", interactive=False, verbosity=0)
    if not SourceDocument.objects.exists():
        made = generate(contributions, seed)
        print(f"  generated {made}", file=sys.stderr, flush=True)
        if connection.vendor == "postgresql":
            # What a DBA does after a bulk load (and autovacuum would do a little later):
            # statistics for the planner and a visibility map for index-only scans.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    if connection.vendor == "sqlite" and not _has_statistics():
        # What `manage.py generate_data` does after its load (missions.management.upkeep): the
        # bench calls the generator directly, so it runs the same ANALYZE. Without statistics
        # SQLite sorts every row in force for a page of 50 instead of walking the missions in
        # name order. Also for a file built before the bench did this.
        analyze()
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=os.environ["BENCH_USERNAME"])
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(os.environ["BENCH_PASSWORD"])
    user.save()


class Recorder:
    """Every SQL statement the ORM sends, with its parameters, as sent (``execute_wrapper``)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if not many and sql.lstrip().upper().startswith(READS):
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


def capture(client: Client, path: str, first_row_only: bool) -> tuple[int, Recorder]:
    """Request ``path`` in-process, every streamed byte consumed (or only the first chunks)."""
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        # secure=True: the server runs with DEBUG off, which redirects plain HTTP.
        response = client.get(path, secure=True)
        if response.streaming:
            lines = 0
            for chunk in response.streaming_content:  # type: ignore[attr-defined]
                lines += bytes(chunk).count(b"\n")
                if first_row_only and lines >= 2:
                    break
        response.close()
    return response.status_code, recorder


def replay(statements: list[tuple[str, Any]], write_csv: bool) -> float:
    """Seconds to run the statements again straight on the connection's cursor, every row
    fetched (and, for an export, written with ``csv.writer`` to /dev/null): no ORM at all."""
    start = time.perf_counter()
    with open(os.devnull, "w", newline="") as sink, connection.cursor() as cursor:
        writer = csv.writer(sink)
        for sql, params in statements:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(2000):
                if write_csv:
                    writer.writerows(rows)
    return time.perf_counter() - start


def first_row(statements: list[tuple[str, Any]]) -> float:
    """Seconds until the slowest-to-start statement gives its first row, read as a streamed
    export reads it: a server-side cursor on PostgreSQL, a lazy cursor on SQLite."""
    worst = 0.0
    for sql, params in statements:
        start = time.perf_counter()
        if connection.vendor == "postgresql":
            # As the export reads (StatementQuerySet.export_columns): inside a transaction, so the
            # cursor is not declared WITH HOLD (which computes every row first), planned for its
            # first rows and without JIT.
            with transaction.atomic(), connection.chunked_cursor() as cursor:
                with connection.cursor() as settings:
                    for setting in EXPORT_CURSOR_SETTINGS:
                        settings.execute(setting)
                cursor.execute(sql, params)
                cursor.fetchone()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchone()
        worst = max(worst, time.perf_counter() - start)
    return worst


def measure(targets: dict[str, dict[str, Any]], runs: int, budget: float) -> dict[str, Any]:
    """Per target: HTTP status and query count in-process, then the raw-SQL floor: the median of
    a few replays of every read the ORM ran for it (fewer replays when one takes long)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=os.environ["BENCH_USERNAME"]))
    results = {}
    for name, target in targets.items():
        mode = target.get("mode", "page")
        result: dict[str, Any] = {"mode": mode}
        if mode == "page":
            # The first view after a write counts the table's rows and facets; later views read
            # the counts stored for that data version (missions.web.counting), and those are
            # what the HTTP figures time. So time the first view here, on its own: forget the
            # stored counts (a cache, not data: the data version stays) and request it once.
            TableCounts.objects.all().delete()
            started = time.perf_counter()
            _status, first = capture(client, target["path"], False)
            result["first_view_ms"] = (time.perf_counter() - started) * 1000
            result["first_view_queries"] = first.count
        status, recorder = capture(client, target["path"], mode == "first_row")
        result |= {"status": status, "queries": recorder.count}
        if mode == "first_row":
            # The statement the ORM streams from was cut off: time its first row, not all.
            samples = [first_row(recorder.statements) for _ in range(3)]
            result["floor_first_row_ms"] = statistics.median(samples) * 1000
        else:
            samples = [replay(recorder.statements, mode == "export")]
            more = min(runs, int(budget / max(samples[0], 1e-3))) - 1
            samples += [replay(recorder.statements, mode == "export") for _ in range(more)]
            result["floor_ms"] = statistics.median(samples) * 1000
            result["floor_samples_ms"] = [round(s * 1000, 2) for s in samples]
            if mode == "export":
                result["floor_first_row_ms"] = first_row(recorder.statements) * 1000
        result["floor_statements"] = len(recorder.statements)
        results[name] = result
        print(f"    {name}: floor measured", file=sys.stderr, flush=True)
    return results


def busiest_mission() -> int | None:
    """The mission with the most statements: the heaviest mission page."""
    row = (
        Statement.objects.values("contribution__mission")
        .annotate(n=Count("pk"))
        .order_by("-n", "contribution__mission")
        .first()
    )
    return row["contribution__mission"] if row else None


def document_statements(reference: str) -> int:
    """How many statements the document ``dossier-number`` holds (what an import wrote)."""
    dossier, _dash, number = reference.partition("-")
    return Statement.objects.filter(document__dossier=dossier, document__number=number).count()


def main() -> None:
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("prepare")
    step.add_argument("--contributions", type=int, required=True)
    step.add_argument("--seed", type=int, required=True)
    step = steps.add_parser("measure")
    step.add_argument("targets", help="JSON object: name -> {path, mode}")
    step.add_argument("--runs", type=int, default=5)
    step.add_argument("--budget", type=float, default=20)
    steps.add_parser("busiest-mission")
    step = steps.add_parser("document-statements")
    step.add_argument("reference")
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args.contributions, args.seed)
    elif args.step == "measure":
        json.dump(measure(json.loads(args.targets), args.runs, args.budget), sys.stdout)
    elif args.step == "busiest-mission":
        json.dump(busiest_mission(), sys.stdout)
    else:
        json.dump(document_statements(args.reference), sys.stdout)


if __name__ == "__main__":
    main()
