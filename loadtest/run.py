"""`make loadtest`: 50 simulated users for 60 seconds against two app servers (gunicorn, 2 workers
each, on two ports) on one PostgreSQL.

Viewers and analysts log in through the login form, then mix table pages with filters, mission
pages, the dashboard, CSV exports and (analysts) admin saves of a statement's notes and small
imports; every request goes to either server, a form loaded from one is posted to the other, and
an import previewed on one is confirmed on the other. Reports requests per second, p50/p95/p99
per kind and the errors; exits 1 on any error or any lost save or import. With
--restart-postgres, PostgreSQL is restarted halfway: requests in flight may fail, but the app
must recover by itself within 5 seconds and lose nothing. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.client import Session
from bench.imports import export_rows
from bench.server import ROOT, free_port, gunicorn, production_env, stop_on_sigterm
from loadtest import locks
from loadtest.cluster import own_cluster
from loadtest.users import Shared, SimulatedUser
from loadtest.verify import lost_imports, lost_saves, stored_imports, stored_notes

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/tracker_load"
RECOVERY_LIMIT = 5.0
KINDS = (
    "table",
    "table_filter",
    "mission",
    "dashboard",
    "csv_export",
    "admin_form",
    "admin_save",
    "import_preview",
    "import_confirm",
)


def main() -> int:
    stop_on_sigterm()
    args = _arguments()
    with own_cluster(args) as database_url:
        args.database_url = database_url
        return load_test(args)


def load_test(args: argparse.Namespace) -> int:
    password = secrets.token_urlsafe(24)
    # One environment for every server: the same SECRET_KEY, so a session or a CSRF token made
    # by one is good on the other, as behind a load balancer.
    env = production_env(args.database_url, LOADTEST_PASSWORD=password, CONN_MAX_AGE="60")
    print(f"== database {args.database_url}", flush=True)
    recreate_database(args.database_url)
    targets = json.loads(
        _run(
            env,
            "-m",
            "loadtest.django_side",
            f"--contributions={args.contributions}",
            f"--seed={args.seed}",
            f"--viewers={args.users - args.analysts}",
            f"--analysts={args.analysts}",
        )
    )
    _run(env, "manage.py", "collectstatic", "--noinput", "--verbosity=0")
    with ExitStack() as stack:
        servers = []
        for number in range(1, args.servers + 1):
            # A temporary folder of its own per server, as on two hosts: nothing an app server
            # keeps on its disk can be seen by the other.
            tmp = ROOT / "bench" / "data" / f"loadtest-server-{number}-tmp"
            tmp.mkdir(parents=True, exist_ok=True)
            port = free_port(skip=tuple(int(s.base_url.rsplit(":", 1)[1]) for s in servers))
            log = ROOT / "bench" / "data" / f"gunicorn-loadtest-{number}.log"
            server_env = {**env, "TMPDIR": str(tmp)}
            servers.append(
                stack.enter_context(gunicorn(server_env, log, workers=2, timeout=60, port=port))
            )
        urls = [server.base_url for server in servers]
        print(f"== {args.users} users on {', '.join(urls)}, {args.duration:.0f} s", flush=True)
        shared, restart, waits = run_users(urls, password, targets, args)
    results = summarize(shared, restart, args)
    results["version_row_waits"] = waits
    stored = stored_notes(args.database_url, list(targets["statements"]))
    results["lost_saves"] = lost_saves(shared.saves, targets["statements"], stored)
    imported = stored_imports(args.database_url, [i.reference for i in shared.imports])
    results["lost_imports"] = lost_imports(shared.imports, imported)
    # Every save with its base and outcome, so that a reported loss can be traced afterwards.
    results["save_log"] = [dataclasses.asdict(save) for save in shared.saves]
    results["import_log"] = [dataclasses.asdict(done) for done in shared.imports]
    results["servers"] = urls
    results["verdict"] = verdict(results, args)
    print_report(results)
    out = ROOT / "bench" / "results" / f"loadtest-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {out.relative_to(ROOT)}.")
    return 0 if not results["verdict"] else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--analysts", type=int, default=10, help="of the users")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--contributions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think", default="1,5", help="seconds between tasks: min,max")
    parser.add_argument("--no-imports", dest="imports", action="store_false")
    parser.add_argument("--servers", type=int, default=2, help="app servers, each on its port")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument(
        "--own-cluster",
        type=int,
        default=0,
        metavar="PORT",
        help="create a throw-away PostgreSQL cluster on PORT for the run (and drop it after), so "
        "that the restart stops no one else's database; --database-url's name is used in it",
    )
    parser.add_argument(
        "--cluster",
        default=None,
        help="pg_ctlcluster VERSION NAME to restart (default: the one in /etc/postgresql, main)",
    )
    args = parser.parse_args()
    args.think = tuple(float(t) for t in args.think.split(","))
    host = urllib.parse.urlsplit(args.database_url).hostname
    if host not in {"127.0.0.1", "localhost"}:
        parser.error("the load test only runs against a PostgreSQL server on 127.0.0.1")
    if args.own_cluster:
        args.cluster = None  # set by own_cluster once it exists
    elif args.cluster is None:
        config = Path("/etc/postgresql")
        versions = sorted(p.name for p in config.iterdir()) if config.is_dir() else []
        args.cluster = f"{versions[-1]} main" if versions else ""
    if args.restart_postgres and args.cluster == "" and not args.own_cluster:
        parser.error("no PostgreSQL cluster found in /etc/postgresql; name one with --cluster")
    return args


def recreate_database(url: str) -> None:
    """An empty database of that name: the load test's own, never one holding anything else."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("_load"):
        raise SystemExit(f"refusing to drop {name!r}: the load test's database ends in _load")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, check=False
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:2])} failed (exit {done.returncode})")
    return done.stdout.decode()


def run_users(
    urls: list[str], password: str, targets: dict[str, Any], args: argparse.Namespace
) -> tuple[Shared, dict[str, float], dict]:
    shared = Shared(urls, password, targets, time.monotonic(), math.inf, args.think)
    if targets["analysts"] and args.imports:
        share_import_rows(shared, targets["analysts"], password)
    users = [
        SimulatedUser(shared, name, name in targets["analysts"], seed=args.seed * 1000 + i, index=i)
        for i, name in enumerate([*targets["analysts"], *targets["viewers"]])
    ]
    for user in users:  # logins are slow by design (password hashing): before the clock runs
        user.start()
        time.sleep(0.05)
    for user in users:
        user.logged_in.wait(timeout=180)
    shared.t0 = time.monotonic()
    shared.deadline = shared.t0 + args.duration
    restart: dict[str, float] = {}
    restarter = None
    if args.restart_postgres:
        restarter = threading.Thread(target=restart_postgres, args=(shared, args, restart))
        restarter.start()
    # Who waits for the data-version row's lock, ten times a second (loadtest.locks).
    sampler = locks.started(args.database_url)
    for user in users:
        user.go.set()
    for user in users:
        user.join(timeout=args.duration + 180)
    if restarter:
        restarter.join()
    return shared, restart, locks.stopped(sampler)


def share_import_rows(shared: Shared, analysts: list[str], password: str) -> None:
    """The contributions CSV, dealt out to the analysts: each imports only its own rows, so
    that two imports never race for one contribution (the saves collide enough)."""
    session = Session(shared.servers[0])
    session.login(analysts[0], password)
    export = session.get("/reports/contributions/?format=csv")
    if export.status != 200:
        raise SystemExit(f"the CSV export for the imports gave {export.status}")
    columns, rows = export_rows(export.body)
    shared.import_columns = columns
    for index, name in enumerate(analysts):
        shared.import_rows[name] = rows[index :: len(analysts)]


def restart_postgres(shared: Shared, args: argparse.Namespace, times: dict[str, float]) -> None:
    time.sleep(args.duration / 2)
    version, cluster = args.cluster.split()
    print(f"== restarting PostgreSQL {version}/{cluster}", flush=True)
    times["restart_started"] = shared.now()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"], check=True
    )
    times["restart_returned"] = shared.now()
    host = urllib.parse.urlsplit(args.database_url)
    while subprocess.run(
        ["pg_isready", "-q", "-h", host.hostname or "127.0.0.1", "-p", str(host.port or 5432)],
        check=False,
    ).returncode:
        time.sleep(0.05)
    times["database_back"] = shared.now()


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize(shared: Shared, restart: dict[str, float], args: argparse.Namespace) -> dict:
    records = [r for r in shared.records if r.kind != "login"]
    logins = [r for r in shared.records if r.kind == "login"]
    kinds = {}
    for kind in KINDS:
        mine = [r for r in records if r.kind == kind]
        times = [r.seconds * 1000 for r in mine] or [math.nan]
        kinds[kind] = {
            "requests": len(mine),
            "errors": sum(r.outcome == "error" for r in mine),
            "conflicts": sum(r.outcome == "conflict" for r in mine),
            "p50_ms": statistics.median(times),
            "p95_ms": _percentile(times, 0.95),
            "p99_ms": _percentile(times, 0.99),
        }
    errors = [r for r in records if r.outcome == "error"]
    crashes = [r for r in records if r.outcome == "crash"]
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": args.users,
        "analysts": args.analysts,
        "duration_s": args.duration,
        "contributions": args.contributions,
        "requests": len(records),
        "requests_per_second": len(records) / args.duration,
        "logins": {"count": len(logins), "errors": [r.detail for r in logins if r.outcome != "ok"]},
        "crashes": [f"{r.kind} at {r.start:.1f}s: {r.detail}" for r in crashes],
        "kinds": kinds,
        "saves": {
            outcome: sum(s.outcome == outcome for s in shared.saves)
            for outcome in ("saved", "conflict", "error")
        },
        "imports": {
            outcome: sum(i.outcome == outcome for i in shared.imports)
            for outcome in ("saved", "conflict", "error")
        },
        "errors": len(errors),
        "error_samples": [f"{r.kind} at {r.start:.1f}s: {r.detail}" for r in errors[:20]],
        "restart": restart or None,
    }
    if restart:
        window_end = restart["database_back"] + RECOVERY_LIMIT
        # In flight: a request that was still running (queued, perhaps) when the restart began,
        # or that started before the recovery limit ran out.
        inside = [
            r
            for r in errors
            if r.start + r.seconds >= restart["restart_started"] and r.start <= window_end
        ]
        last_failure = max((r.start + r.seconds for r in inside), default=None)
        recovered = (
            0.0 if last_failure is None else max(0.0, last_failure - restart["database_back"])
        )
        outside = [r for r in errors if r not in inside]
        results["restart"] |= {
            "failed_in_flight": len(inside),
            # What the failures in flight answered (0: no answer); an outage must be a 5xx.
            "in_flight_statuses": answered_statuses(inside),
            "failed_outside_window": len(outside),
            "outside_window": [f"{r.kind} at {r.start:.1f}s: {r.detail}" for r in outside],
            "recovery_s": recovered,
        }
    return results


def answered_statuses(records: list) -> dict[str, int]:
    counts = Counter(str(r.status) for r in records)
    return dict(sorted(counts.items()))


def verdict(results: dict, args: argparse.Namespace) -> list[str]:
    """Why the run fails; empty when it passes."""
    failures = [f"login failed: {detail}" for detail in results["logins"]["errors"]]
    # A task that raised measured nothing and stopped its user's load until the next task.
    failures += [f"a simulated user's task crashed: {crash}" for crash in results["crashes"]]
    restart = results["restart"]
    if restart:
        client_errors = {
            status: count
            for status, count in restart["in_flight_statuses"].items()
            if status.startswith("4")
        }
        if client_errors:
            # A 400 for a database restart blames the request (Django's SessionInterrupted).
            failures.append(f"the restart was answered with client errors: {client_errors}")
        if restart["failed_outside_window"]:
            failures.append(
                f"{restart['failed_outside_window']} requests failed outside the restart"
            )
        if restart["recovery_s"] > RECOVERY_LIMIT:
            failures.append(f"recovery took {restart['recovery_s']:.1f} s (limit {RECOVERY_LIMIT})")
    elif results["errors"]:
        failures.append(f"{results['errors']} requests failed")
    failures += results["lost_saves"] + results["lost_imports"]
    if args.imports and args.analysts and not results["imports"]["saved"]:
        failures.append("no import was confirmed, so imports across servers were not tested")
    if not results["saves"]["saved"] and args.analysts:
        failures.append("no analyst save succeeded, so nothing was tested")
    return failures


def print_report(results: dict) -> None:
    print()
    print(
        f"{'kind':<14} {'requests':>8} {'errors':>6} {'conflicts':>9} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'p99 ms':>8}"
    )
    for kind, row in results["kinds"].items():
        print(
            f"{kind:<14} {row['requests']:>8} {row['errors']:>6} {row['conflicts']:>9} "
            f"{row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f} {row['p99_ms']:>8.0f}"
        )
    saves = results["saves"]
    print(
        f"\n{results['requests']} requests in {results['duration_s']:.0f} s: "
        f"{results['requests_per_second']:.1f} requests/s, {results['errors']} errors; "
        f"analyst saves: {saves['saved']} saved, {saves['conflict']} refused as conflicts, "
        f"{saves['error']} failed"
    )
    if results["restart"]:
        r = results["restart"]
        print(
            f"PostgreSQL restart at {r['restart_started']:.1f} s, back at {r['database_back']:.1f} "
            f"s: {r['failed_in_flight']} requests failed in flight (answered "
            f"{_statuses(r['in_flight_statuses'])}), the app recovered "
            f"{r['recovery_s']:.1f} s after the database was back"
        )
    for line in results["error_samples"]:
        print("  error:", line)
    waits = results.get("version_row_waits")
    if waits:
        print(
            f"data-version row: someone waited for its lock in "
            f"{waits['waiting_version_share']:.1%} of {waits['samples']} samples (any lock: "
            f"{waits['waiting_any_share']:.1%}), at most {waits['most_waiting_version']} at once, "
            f"for at most {waits['longest_version_wait_s']:.1f} s in a row"
        )
    imports = results["imports"]
    print(
        f"imports (previewed on one server, confirmed on the other): {imports['saved']} "
        f"confirmed, {imports['conflict']} refused as conflicts, {imports['error']} failed"
    )
    lost = results["lost_saves"] + results["lost_imports"]
    print("Every successful save and import is stored or built upon." if not lost else "")
    for line in lost:
        print("  LOST:", line)
    print("PASS" if not results["verdict"] else "FAIL: " + "; ".join(results["verdict"]))


def _statuses(counts: dict[str, int]) -> str:
    return (
        ", ".join(
            f"{count} x {'no answer' if status == '0' else status}"
            for status, count in counts.items()
        )
        or "nothing"
    )


if __name__ == "__main__":
    sys.exit(main())
