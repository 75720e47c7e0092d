"""`make bench`: the tracker on SQLite and PostgreSQL at growing sizes, measured as users meet it.

For each database: build it (or reuse it), count every page's SQL queries in-process and time the
raw-SQL floor (the reads the ORM ran, replayed straight on the connection), then serve the app
with gunicorn (one sync worker, DEBUG off) on 127.0.0.1 and time sequential requests after a
warm-up, logged in through the login form. Then, in the same run: a baseline commit served from a
temporary git worktree, Datasette on the same SQLite file, and a 20,000-row import. Prints one
table and the verdict on the targets, and writes it all as JSON to bench/results/.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import baseline, datasette, imports, report
from bench.client import Session
from bench.databases import (
    DATA,
    USERNAME,
    Database,
    django_side,
    ensure_postgres,
    ensure_sqlite,
    env_for,
)
from bench.measure import time_export, time_first_row, time_page
from bench.server import ROOT, gunicorn, production_env, stop_on_sigterm

RESULTS = ROOT / "bench" / "results"
AS_OF = "2025-05-01"
PAGES = {
    "table": "/",
    "table_as_of": f"/?as_of={AS_OF}",
    "table_filter": "/?status=explored",
    "table_as_of_corrected": f"/?as_of={AS_OF}&corrected=1",
    "dashboard": "/dashboard/",
    "mission": "/missions/{mission}/",
    "documents": "/documents/",
    "summary": "/reports/summary/",
    "expiring": "/reports/expiring/",
    # A period with changes in it (the synthetic documents end in mid-2026; the default is the
    # last three months).
    "changes": "/reports/changes/?from=2026-03-01&to=2026-05-31",
    "admin": "/admin/missions/statement/",
}
EXPORTS = {
    "csv": "/reports/contributions/?format=csv",
    "xlsx": "/reports/contributions/?format=xlsx",
    "expiring_csv": "/reports/expiring/?format=csv",
    "changes_csv": "/reports/changes/?from=2026-03-01&to=2026-05-31&format=csv",
}
# Above --full-exports-up-to, only this export is requested, and only to its first data row.
FIRST_ROW_EXPORT = "csv"


def _sizes(text: str) -> list[int]:
    return [int(size.replace("_", "")) for size in text.split(",") if size.strip()]


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--sqlite-sizes", help="comma-separated; empty: none (default 1000,10000,100000)")
    add("--postgres-sizes", help="comma-separated; empty: none (default 10000,1000000)")
    add(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="the PostgreSQL server; the bench's databases are named bench_10k, bench_1m, ...",
    )
    add("--seed", type=int, default=1)
    add("--rebuild", action="store_true", help="build every database again")
    add("--baseline", default=baseline.DEFAULT_COMMIT, help="commit to compare with; '' for none")
    add("--baseline-size", type=int, default=0, help="default: the largest SQLite size")
    add("--no-datasette", action="store_true")
    add("--import-rows", type=int, help="0: no import (default 20000)")
    add("--import-engines", default="sqlite,postgresql")
    add(
        "--full-exports-up-to",
        type=int,
        default=100000,
        help="larger sizes: the CSV's first row only, no full exports",
    )
    add("--warmup", type=int, default=3, help="unmeasured requests per page")
    add("--runs", type=int, default=15, help="measured requests per page")
    add("--export-runs", type=int, default=3, help="measured per export")
    add(
        "--budget",
        type=float,
        default=40,
        help="seconds per page or export; a slow one is measured fewer times (at least 1)",
    )
    add(
        "--quick",
        action="store_true",
        help="prove the harness in a few minutes: 1,000 contributions on each engine, a 1,000-row "
        "import, fewer requests (the targets are only checked at full size)",
    )
    args = parser.parse_args(argv)
    # --quick changes the defaults; what is given explicitly still counts.
    defaults = (
        ("1000", "1000", 1000) if args.quick else ("1000,10000,100000", "10000,1000000", 20000)
    )
    for name, default in zip(
        ("sqlite_sizes", "postgres_sizes", "import_rows"), defaults, strict=True
    ):
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.quick:
        args.warmup, args.runs, args.export_runs = 1, 3, 1
    args.sqlite = _sizes(args.sqlite_sizes)
    args.postgres = _sizes(args.postgres_sizes)
    args.engines = [e.strip() for e in args.import_engines.split(",") if e.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    stop_on_sigterm()
    args = arguments(argv)
    started = time.monotonic()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "commit": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        },
        "settings": {k: v for k, v in vars(args).items() if isinstance(v, int | str | float)},
        "runs": {},
    }
    # With DEBUG off, pages name their static files through collectstatic's manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=production_env("sqlite://:memory:"),
        check=True,
    )
    databases: list[Database] = []
    password = secrets.token_urlsafe(24)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"

    def save() -> None:
        # After every step, so that an interrupted run keeps what it measured.
        out.write_text(json.dumps(results, indent=2) + "\n")

    for size in args.sqlite:
        print(f"== SQLite, {size:,} contributions", flush=True)
        database = ensure_sqlite(size, args.seed, password, rebuild=args.rebuild)
        results["runs"][database.label] = bench_database(database, password, args)
        databases.append(database)
        save()
    for size in args.postgres:
        print(f"== PostgreSQL, {size:,} contributions", flush=True)
        database = ensure_postgres(
            args.postgres_url, size, args.seed, password, rebuild=args.rebuild
        )
        results["runs"][database.label] = bench_database(database, password, args)
        databases.append(database)
        save()
    largest_sqlite = max(
        (d for d in databases if d.engine == "sqlite"), key=lambda d: d.contributions, default=None
    )
    if args.baseline and args.sqlite:
        size = args.baseline_size or max(args.sqlite)
        print(f"== baseline {args.baseline}, SQLite, {size:,} contributions", flush=True)
        results["baseline"] = baseline.bench(args.baseline, size, args, PAGES, EXPORTS)
        save()
    if largest_sqlite and not args.no_datasette:
        print(f"== Datasette, {largest_sqlite.label}", flush=True)
        results["datasette"] = datasette.bench(largest_sqlite, args)
        save()
    if args.import_rows:
        results["imports"] = {}
        for engine in args.engines:
            print(f"== import of {args.import_rows:,} rows, {engine}", flush=True)
            results["imports"][engine] = imports.bench(engine, args, password)
            save()
    results["seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["targets"] = report.targets(results)

    print()
    print(report.table(results))
    print()
    print(report.verdict_lines(results["targets"]))
    save()
    print(f"\nWritten to {out.relative_to(ROOT)} after {results['seconds']:.0f} s.")
    return 0


def targets_for(database: Database, mission: int | None, args: argparse.Namespace) -> dict:
    """What to measure at this size: every page; every export in full up to
    --full-exports-up-to, above it only the CSV's first data row."""
    full = database.contributions <= args.full_exports_up_to
    pages = {
        name: {"path": path.format(mission=mission), "mode": "page"} for name, path in PAGES.items()
    }
    if full:
        exports = {name: {"path": path, "mode": "export"} for name, path in EXPORTS.items()}
    else:
        exports = {FIRST_ROW_EXPORT: {"path": EXPORTS[FIRST_ROW_EXPORT], "mode": "first_row"}}
    return pages | exports


def bench_database(database: Database, password: str, args: argparse.Namespace) -> dict:
    env = env_for(database, password)
    mission = json.loads(django_side(env, "busiest-mission"))
    targets = targets_for(database, mission, args)
    print("  counting queries and timing the raw-SQL floor in-process", flush=True)
    # The test client calls itself "testserver".
    in_process = {**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"}
    floors = json.loads(
        django_side(in_process, "measure", json.dumps(targets), f"--budget={args.budget / 2}")
    )
    run: dict[str, Any] = {
        "engine": database.engine,
        "contributions": database.contributions,
        "build_seconds": database.build_seconds,
        "floors": floors,
        "pages": {},
        "exports": {},
    }
    log = DATA / f"gunicorn-{database.engine}-{database.contributions}.log"
    with gunicorn(env, log) as server:
        session = Session(server.base_url)
        session.login(USERNAME, password)
        for name, target in targets.items():
            if target["mode"] == "page":
                print(f"  {name}", flush=True)
                run["pages"][name] = time_page(
                    session, target["path"], args.warmup, args.runs, args.budget
                )
            elif target["mode"] == "first_row":
                print(f"  {name}: first row only", flush=True)
                run["exports"][name] = time_first_row(session, target["path"])
    for name, target in targets.items():
        if target["mode"] != "export":
            continue
        print(f"  {name} export", flush=True)
        # A fresh worker per export: Python keeps freed memory, so after the pages an export
        # could grow inside memory that, say, the dashboard took, and seem to add nothing.
        with gunicorn(env, DATA / f"gunicorn-{database.engine}-{name}.log") as server:
            session = Session(server.base_url)
            session.login(USERNAME, password)
            run["exports"][name] = time_export(
                server,
                session,
                target["path"],
                database.contributions,
                args.export_runs,
                args.budget,
            )
    return run


if __name__ == "__main__":
    sys.exit(main())
