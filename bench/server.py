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


# Servers listen on a port of this range (BENCH_PORTS=first-last), never on a random one: on a
# shared machine every user of it keeps to a range of its own.
PORTS = os.environ.get("BENCH_PORTS", "8500-8599")


def free_port(skip: tuple[int, ...] = ()) -> int:
    """The first port of ``PORTS`` that nothing listens on (and not in ``skip``)."""
    first, last = (int(p) for p in PORTS.split("-"))
    for port in range(first, last + 1):
        if port in skip:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS} (BENCH_PORTS)")


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
    env: dict[str, str],
    log: Path,
    *,
    workers: int = 1,
    timeout: int = 600,
    port: int | None = None,
    cwd: Path = ROOT,
    python: str = sys.executable,
) -> Iterator[Server]:
    """gunicorn with ``workers`` sync workers on ``port`` (default: a free one); stopped (its
    whole process group) when the block ends, also on an error or Ctrl-C. ``cwd`` and ``python``
    serve another checkout (the bench's baseline commit) with its own interpreter."""
    port = port or free_port()
    command = [
        python,
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
    with serve(command, env, log, port, cwd=cwd, ready_path="/login/", workers=workers) as server:
        yield server


@contextmanager
def serve(
    command: list[str],
    env: dict[str, str],
    log: Path,
    port: int,
    *,
    cwd: Path = ROOT,
    ready_path: str = "/",
    workers: int = 0,
) -> Iterator[Server]:
    """Run ``command`` (a server on 127.0.0.1:``port``) in its own process group until the block
    ends; ready once ``ready_path`` answers 200 and (gunicorn) ``workers`` workers run."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that nothing outlives the bench
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_serving(server, workers, ready_path)
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


def _wait_until_serving(
    server: Server, workers: int, ready_path: str = "/login/", seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.base_url + ready_path, timeout=5) as answer:
                if answer.status == 200 and len(server.worker_pids()) >= workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{server.log_tail()}")
