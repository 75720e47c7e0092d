"""`make bench`: the tracker at 1,000, 10,000 and 100,000 contributions, measured as users meet it.

For each size: build (or reuse) a SQLite database of synthetic data, count every page's SQL
queries in-process, time the raw floor, then serve the app with gunicorn (one sync worker, DEBUG
off) on 127.0.0.1 and time sequential requests after a warm-up, logged in through the login form.
Prints one table and writes it as JSON to bench/results/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.client import Session
from bench.floor import busiest_mission, measure_floor
from bench.server import ROOT, Server, gunicorn, production_env, stop_on_sigterm

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
USERNAME = "bench"
PAGES = {
    "table": "/",
    "table_filter": "/?status=explored",
    "dashboard": "/dashboard/",
    "mission": "/missions/{mission}/",
    "admin": "/admin/missions/statement/",
}
# Appended to an export's path: a search that matches nothing.
EMPTY_FILTER = "&q=no-such-contribution-anywhere"
EXPORTS = {
    "csv": "/reports/contributions/?format=csv",
    "xlsx": "/reports/contributions/?format=xlsx",
}


def main() -> int:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests per page")
    parser.add_argument("--runs", type=int, default=15, help="measured requests per page")
    parser.add_argument("--export-runs", type=int, default=3, help="measured per export")
    parser.add_argument(
        "--budget",
        type=float,
        default=40,
        help="seconds per page or export; a slow one is measured fewer times (at least 3)",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.monotonic()
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
        },
        "settings": {"warmup": args.warmup, "runs": args.runs, "export_runs": args.export_runs},
        "sizes": {},
    }
    # With DEBUG off, pages name their static files through collectstatic's manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=production_env("sqlite://:memory:"),
        check=True,
    )
    for size in sizes:
        print(f"== {size:,} contributions", flush=True)
        results["sizes"][str(size)] = bench_size(size, args)
    results["seconds"] = round(time.monotonic() - started, 1)
    results["targets"] = report.targets(results)

    print()
    print(report.table(results))
    print()
    print(report.verdict_lines(results["targets"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)} after {results['seconds']:.0f} s.")
    return 0


def bench_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    password = secrets.token_urlsafe(24)
    database, built = ensure_database(size, args.seed, password)
    env = production_env(f"sqlite:///{database}", BENCH_USERNAME=USERNAME, BENCH_PASSWORD=password)
    mission = busiest_mission(database)
    paths = {name: path.format(mission=mission) for name, path in PAGES.items()}
    paths.update(EXPORTS)

    print("  counting queries in-process", flush=True)
    # The test client calls itself "testserver".
    in_process = {**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"}
    queries = json.loads(_django_side(in_process, "queries", json.dumps(paths)))
    print("  timing the raw floor", flush=True)
    run: dict[str, Any] = {"build_seconds": built, "queries": queries}
    run["floor"] = measure_floor(database)
    run["pages"], run["exports"] = {}, {}
    with gunicorn(env, DATA / f"gunicorn-{size}.log") as server:
        session = Session(server.base_url)
        session.login(USERNAME, password)
        for name in PAGES:
            print(f"  {name}", flush=True)
            page = time_page(session, paths[name], args.warmup, args.runs, args.budget)
            page["queries"] = queries[name]["queries"]
            run["pages"][name] = page
    for name in EXPORTS:
        print(f"  {name} export", flush=True)
        # A fresh worker per export: Python keeps freed memory, so after the pages an export
        # could grow inside memory that, say, the dashboard took, and seem to add nothing.
        with gunicorn(env, DATA / f"gunicorn-{size}-{name}.log") as server:
            session = Session(server.base_url)
            session.login(USERNAME, password)
            export = time_export(server, session, paths[name], size, args.export_runs, args.budget)
        export["queries"] = queries[name]["queries"]
        run["exports"][name] = export
    return run


def ensure_database(size: int, seed: int, password: str) -> tuple[Path, float | None]:
    """The database for ``size`` and ``seed``, built unless an identical one is there.

    A stamp beside the file records what built it (size, seed, generator source); it is only
    written after a complete build, so an interrupted build is never reused.
    """
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / f"bench-{size}-seed{seed}.sqlite3"
    stamp_file = database.with_suffix(".json")
    generator = hashlib.sha256()
    for source in ("synthetic.py", "synthetic_vocabulary.py"):
        generator.update((ROOT / "missions" / source).read_bytes())
    stamp = {"contributions": size, "seed": seed, "generator": generator.hexdigest()}
    env = production_env(f"sqlite:///{database}", BENCH_USERNAME=USERNAME, BENCH_PASSWORD=password)
    reuse = database.exists() and stamp_file.exists()
    if reuse and json.loads(stamp_file.read_text()) == stamp:
        print("  reusing", database.relative_to(ROOT), flush=True)
        _django_side(env, "prepare", "--contributions", str(size), "--seed", str(seed))
        return database, None
    for stale in (database, stamp_file):
        stale.unlink(missing_ok=True)
    print("  building", database.relative_to(ROOT), flush=True)
    started = time.monotonic()
    _django_side(env, "prepare", "--contributions", str(size), "--seed", str(seed))
    seconds = round(time.monotonic() - started, 1)
    stamp_file.write_text(json.dumps(stamp) + "\n")
    print(f"  built in {seconds:.0f} s", flush=True)
    return database, seconds


def _django_side(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.django_side", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench.django_side {args[0]} failed (exit {done.returncode})")
    return done.stdout.decode()


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: with 15 samples, p95 is the slowest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def affordable(runs: int, seconds: float, budget: float) -> int:
    """How many of ``runs`` requests of ``seconds`` each fit in ``budget``: at least 3 (fewer
    only if fewer were asked), except for a request that alone eats half the budget: one."""
    if seconds > budget / 2:
        return 1
    return max(min(3, runs), min(runs, int(budget / max(seconds, 1e-3))))


def time_page(session: Session, path: str, warmup: int, runs: int, budget: float) -> dict[str, Any]:
    first = session.get(path)
    if first.status != 200:
        outcome = "missing" if first.status == 404 else f"HTTP {first.status}"
        return {"path": path, "outcome": outcome, "median_ms": None}
    # A page that takes seconds is warm after one request; more would only eat the budget.
    if first.seconds * warmup <= budget / 5:
        for _ in range(warmup - 1):
            session.get(path)
    runs = affordable(runs, first.seconds, budget)
    samples = []
    for _ in range(runs):
        answer = session.get(path, keep_body=False)
        if answer.status != 200:
            return {"path": path, "outcome": f"HTTP {answer.status}", "median_ms": None}
        samples.append(answer.seconds * 1000)
    return {
        "path": path,
        "outcome": "ok",
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 0.95),
        "runs": len(samples),
        "samples_ms": [round(s, 2) for s in samples],
        "bytes": first.size,
    }


def time_export(
    server: Server, session: Session, path: str, size: int, runs: int, budget: float
) -> dict[str, Any]:
    """An export that matches no row first (imports and code paths warm, nothing to hold), then
    the full export once unmeasured and ``runs`` times measured. The worker's peak memory is
    reset before each full export and read after it: what that export added to the memory in
    use. The first full one on a fresh worker is the telling figure, later ones reuse memory."""
    worker = server.worker_pids()[0]
    empty = session.get(path + EMPTY_FILTER, keep_body=False)
    if empty.status != 200:
        outcome = "missing" if empty.status == 404 else f"HTTP {empty.status}"
        return {"path": path, "outcome": outcome, "median_s": None}
    answers, added, method = [], [], "clear_refs"
    for _ in range(1 + runs):
        reset = _reset_peak(worker)
        method = method if reset else "high-water mark before/after"
        before = _memory_kib(worker, "VmRSS" if reset else "VmHWM")
        answer = session.get(path, keep_body=False)
        added.append(max(0, _memory_kib(worker, "VmHWM") - before) / 1024)
        if answer.status != 200:
            return {"path": path, "outcome": f"HTTP {answer.status}", "median_s": None}
        answers.append(answer)
        runs = min(runs, affordable(runs, answers[0].seconds, budget))
        if len(answers) > runs:
            break
    warm, measured = answers[0], answers[1:]
    seconds = [a.seconds for a in measured]
    ttfb = [a.ttfb * 1000 for a in measured]
    median = statistics.median(seconds)
    # CSV: one line per contribution plus the header; XLSX is a zip, so count the contributions.
    rows = warm.lines - 1 if "csv" in path else size
    return {
        "path": path,
        "outcome": "ok",
        "rows": rows,
        "bytes": warm.size,
        "runs": len(seconds),
        "median_s": median,
        "p95_s": percentile(seconds, 0.95),
        "rows_per_second": rows / median,
        "ttfb_median_ms": statistics.median(ttfb),
        "ttfb_samples_ms": [round(t, 1) for t in ttfb],
        "peak_added_mib": max(added),
        "peak_added_samples_mib": [round(a, 2) for a in added],
        "peak_method": method,
        "worker_hwm_mib": _memory_kib(worker, "VmHWM") / 1024,
    }


def _reset_peak(pid: int) -> bool:
    """Reset the process's peak RSS (VmHWM) to its current RSS; Linux 4.0+, needs permission."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _memory_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


if __name__ == "__main__":
    sys.exit(main())
