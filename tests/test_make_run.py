"""The README's first command: `make run` sets up a database, loads the real data, makes an admin
account with a generated password, and serves / and /admin/login/ on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists(),
    reason="make run uses the project's .venv; run `make test` (which builds it) first",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def _make_run(database: Path, port: int) -> subprocess.Popen:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # runserver's reloader is a child: stop the whole group
    )


def _wait_until_serving(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run stopped before it served anything"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    pytest.fail("make run did not serve within 120 s")


def _stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    return output


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[subprocess.Popen, int, Path]]:
    database = tmp_path / "run.sqlite3"
    port = _free_port()
    process = _make_run(database, port)
    try:
        _wait_until_serving(process, port)
        yield process, port, database
    finally:
        if process.poll() is None:
            _stop(process)


def test_it_serves_the_table_and_the_admin_login_with_the_real_data(served):
    process, port, database = served
    status, location, _ = _get(f"http://127.0.0.1:{port}/")
    assert (status, location) == (302, "/login/?next=/")
    status, _, page = _get(f"http://127.0.0.1:{port}/admin/login/")
    assert status == 200
    assert 'name="password"' in page

    output = _stop(process)
    assert "Created the administrator 'admin' with password: " in output
    assert "Loaded real_data.json" in output

    # A second start finds the data and the account, and prints no password again.
    port = _free_port()
    again = _make_run(database, port)
    try:
        _wait_until_serving(again, port)
    finally:
        second_output = _stop(again)
    assert "password:" not in second_output
    assert "The database holds data already" in second_output
