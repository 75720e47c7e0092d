"""A throw-away PostgreSQL cluster for the load test (``--own-cluster PORT``).

Restarting PostgreSQL in the middle of the run stops every client of that server, so on a
machine that others use (a test suite, a colleague's app) the load test brings its own: Debian's
``pg_createcluster`` makes a cluster named ``loadtest`` of the newest installed version on
127.0.0.1:PORT, trusting local connections only, and ``pg_dropcluster`` removes it afterwards,
also on an error or Ctrl-C. Without the option, the run uses ``--database-url`` as it is.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NAME = "loadtest"
HBA = """# The load test's throw-away cluster: local connections only, trusted.
local   all all                 trust
host    all all 127.0.0.1/32    trust
host    all all ::1/128         trust
"""


@contextmanager
def own_cluster(args: argparse.Namespace) -> Iterator[str]:
    """The database URL to use: ``--database-url``, moved to the own cluster when asked."""
    if not args.own_cluster:
        yield args.database_url
        return
    versions = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: float(p.name))
    if not versions:
        raise SystemExit("no PostgreSQL installed in /etc/postgresql for --own-cluster")
    version = versions[-1].name
    _drop(version)  # left by an interrupted run
    subprocess.run(
        [
            "pg_createcluster",
            "--quiet",
            f"--port={args.own_cluster}",
            "--start-conf=manual",
            version,
            NAME,
            "--",
            "--auth=trust",
        ],
        check=True,
    )
    try:
        (Path("/etc/postgresql") / version / NAME / "pg_hba.conf").write_text(HBA)
        conf = Path("/etc/postgresql") / version / NAME / "conf.d" / "loadtest.conf"
        conf.parent.mkdir(exist_ok=True)
        conf.write_text("listen_addresses = '127.0.0.1'\n")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, NAME, "start"], check=True
        )
        _wait(args.own_cluster)
        args.cluster = f"{version} {NAME}"
        parts = urllib.parse.urlsplit(args.database_url)
        url = parts._replace(netloc=f"postgres@127.0.0.1:{args.own_cluster}")
        print(f"== own PostgreSQL {version} cluster {NAME} on port {args.own_cluster}", flush=True)
        yield urllib.parse.urlunsplit(url)
    finally:
        _drop(version)


def _drop(version: str) -> None:
    config = Path("/etc/postgresql") / version / NAME
    if config.exists():
        subprocess.run(["pg_dropcluster", "--stop", version, NAME], check=False)
    # pg_dropcluster leaves conf.d with the file written here, and the next run then warns of a
    # "corrupted cluster": remove what is left of this throw-away cluster's configuration.
    shutil.rmtree(config, ignore_errors=True)


def _wait(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)])
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"the load test's own PostgreSQL did not start on port {port}")
