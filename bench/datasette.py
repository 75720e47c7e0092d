"""Datasette serving the bench's own SQLite file, as a yardstick for a table page.

Datasette is a development tool of the bench only: it lives in a virtualenv of its own
(bench/.venv-datasette, made on first use from bench/requirements-datasette.txt), never in the
tracker's requirements. It serves the same file, read-only (``--immutable`` would let it cache
the row count, which the tracker cannot), with ``suggest_facets off`` (its default spends
seconds suggesting facets on every table page) and 50 rows a page, as many as the tracker's
table shows. Its table page of the statements is timed exactly as the tracker's pages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from bench.client import Session
from bench.databases import DATA, Database
from bench.measure import time_page
from bench.server import ROOT, free_port, production_env, serve

VENV = ROOT / "bench" / ".venv-datasette"
REQUIREMENTS = ROOT / "bench" / "requirements-datasette.txt"
PAGES = {
    # The table the tracker's table lists from: every statement, with its foreign keys' labels.
    "table": "/{db}/missions_statement",
    "contributions": "/{db}/missions_contribution",
}


def executable() -> str:
    datasette = VENV / "bin" / "datasette"
    stamp = VENV / "requirements.txt"
    wanted = REQUIREMENTS.read_text()
    if not datasette.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print(f"  installing Datasette into {VENV.relative_to(ROOT)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        stamp.write_text(wanted)
    return str(datasette)


def version(datasette: str) -> str:
    done = subprocess.run([datasette, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().removeprefix("datasette, version ")


def bench(database: Database, args: argparse.Namespace) -> dict[str, Any]:
    datasette = executable()
    port = free_port()
    command = [
        datasette,
        "serve",
        str(database.path),
        "--host=127.0.0.1",
        f"--port={port}",
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "default_page_size",
        "50",
    ]
    results: dict[str, Any] = {
        "database": database.label,
        "version": version(datasette),
        "command": " ".join(command[1:]),
        "pages": {},
    }
    name = database.path.stem
    with serve(command, production_env(""), DATA / "datasette.log", port) as server:
        session = Session(server.base_url)
        for page, path in PAGES.items():
            print(f"  {page}", flush=True)
            results["pages"][page] = time_page(
                session, path.format(db=name), args.warmup, args.runs, args.budget
            )
    return results
