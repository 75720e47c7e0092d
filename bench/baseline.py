"""The baseline: an older commit of the tracker, served in the same run on the same machine.

The commit is checked out in a temporary ``git worktree`` (bench/data/baseline-COMMIT, removed
afterwards). Its schema is not today's, so it gets its own SQLite file, built by its own
``generate_data`` with the same size and seed (the same portfolio, row for row, in the schema of
that commit; bench/data/baseline-COMMIT-N-seedS.sqlite3, reused like the bench's own files). It
runs with the bench's interpreter when that has every package the commit pins, else with a
virtualenv of its own (bench/.venv-baseline-COMMIT). Then its table pages and its contributions
exports are timed exactly as the current app's.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.client import Session
from bench.databases import DATA, USERNAME
from bench.measure import time_export, time_page
from bench.server import ROOT, gunicorn, production_env

# The commit whose figures issue 8 and issue 11 measure against (the README of 2026-11-28).
DEFAULT_COMMIT = "a2c1e3b"
PAGES = ("table", "table_as_of", "table_filter")
EXPORTS = ("xlsx", "csv")
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s;#]+)")


@contextmanager
def worktree(commit: str) -> Iterator[Path]:
    path = DATA / f"baseline-{commit}"
    if path.exists():  # left by an interrupted run
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(path), commit], cwd=ROOT, check=True
    )
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)


def interpreter(checkout: Path, commit: str) -> str:
    """The bench's Python when it has every package the commit pins, at that version."""
    pins = {}
    for line in (checkout / "requirements.txt").read_text().splitlines():
        if match := PIN.match(line):
            pins[match.group(1).split("[")[0]] = match.group(2)
    missing = []
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            missing.append(f"{name}=={version} (have {installed})")
    if not missing:
        return sys.executable
    venv = ROOT / "bench" / f".venv-baseline-{commit}"
    python = venv / "bin" / "python"
    stamp = venv / "requirements.txt"
    wanted = (checkout / "requirements.txt").read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"  baseline needs {', '.join(missing)}: building {venv.name}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(checkout / "requirements.txt"),
            ],
            check=True,
        )
        stamp.write_text(wanted)
    return str(python)


def manage(python: str, checkout: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([python, "manage.py", *args], cwd=checkout, env=env, check=True)


SET_USER = """
import os
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username=os.environ["BENCH_USERNAME"])
user.is_staff = user.is_superuser = user.is_active = True
user.set_password(os.environ["BENCH_PASSWORD"])
user.save()
"""


def database(python: str, checkout: Path, commit: str, size: int, seed: int, env: dict) -> Path:
    """The commit's own SQLite file of ``size`` contributions, built by its own generator."""
    path = DATA / f"baseline-{commit}-{size}-seed{seed}.sqlite3"
    stamp_file = path.with_suffix(".json")
    stamp = {"commit": commit, "contributions": size, "seed": seed}
    env = {**env, "DATABASE_URL": f"sqlite:///{path}"}
    if not (path.exists() and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp):
        for stale in (path, stamp_file, *path.parent.glob(path.name + "-*")):
            stale.unlink(missing_ok=True)
        print(f"  building {path.relative_to(ROOT)} with the commit's generate_data", flush=True)
        manage(python, checkout, env, "migrate", "--noinput", "--verbosity=0")
        manage(python, checkout, env, "generate_data", f"--contributions={size}", f"--seed={seed}")
        stamp_file.write_text(json.dumps(stamp) + "\n")
    else:
        print(f"  reusing {path.relative_to(ROOT)}", flush=True)
    manage(python, checkout, env, "shell", "-c", SET_USER)
    return path


def bench(
    commit: str, size: int, args: argparse.Namespace, pages: dict, exports: dict
) -> dict[str, Any]:
    import secrets

    password = secrets.token_urlsafe(24)
    results: dict[str, Any] = {"commit": commit, "contributions": size, "pages": {}, "exports": {}}
    with worktree(commit) as checkout:
        results["commit_full"] = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True
        ).stdout.strip()
        python = interpreter(checkout, commit)
        results["python"] = "the bench's" if python == sys.executable else python
        env = production_env("", BENCH_USERNAME=USERNAME, BENCH_PASSWORD=password)
        path = database(python, checkout, commit, size, args.seed, env)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        manage(python, checkout, env, "collectstatic", "--noinput", "--verbosity=0")
        log = DATA / f"gunicorn-baseline-{commit}.log"
        with gunicorn(env, log, cwd=checkout, python=python) as server:
            session = Session(server.base_url)
            session.login(USERNAME, password)
            for name in PAGES:
                print(f"  {name}", flush=True)
                results["pages"][name] = time_page(
                    session, pages[name], args.warmup, args.runs, args.budget
                )
        for name in EXPORTS:
            print(f"  {name} export", flush=True)
            with gunicorn(
                env, DATA / f"gunicorn-baseline-{name}.log", cwd=checkout, python=python
            ) as server:
                session = Session(server.base_url)
                session.login(USERNAME, password)
                results["exports"][name] = time_export(
                    server, session, exports[name], size, args.export_runs, args.budget
                )
    return results
