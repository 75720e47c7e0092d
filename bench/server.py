"""Serve the tracker with gunicorn on 127.0.0.1 for a measurement, and always stop it again."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings, except that the bench speaks plain HTTP on the loopback address."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        """The master's children, i.e. the workers (the master itself serves nothing)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            return sorted(int(pid) for pid in children.read_text().split())
        pids = []  # kernels without that file: scan /proc for the parent's id
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def stop_on_sigterm() -> None:
    """Turn SIGTERM (timeout, CI cancel) into SystemExit, so that ``finally`` blocks stop the
    server instead of leaving it running."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


@contextmanager
def gunicorn(
    env: dict[str, str], log: Path, *, workers: int = 1, timeout: int = 600
) -> Iterator[Server]:
    """gunicorn with ``workers`` sync workers on a free port; stopped (its whole process group)
    when the block ends, also on an error or Ctrl-C."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "tracker.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        # Long exports must not be cut off by the worker timeout (default 30 seconds).
        f"--timeout={timeout}",
        "--graceful-timeout=5",
        # No control socket: its default path is shared by every gunicorn of the same user.
        "--no-control-socket",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that nothing outlives the bench
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_serving(server, workers)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def _wait_until_serving(server: Server, workers: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base_url + "/login/", timeout=5) as answer:
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{server.log_tail()}")
