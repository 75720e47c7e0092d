"""The browser tests' live server (tests/conftest.py): on SQLite (in memory, a shared cache) the
application answers one request at a time; on PostgreSQL nothing waits."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from django.db import connection

# As the browser tests: a real transaction, and the migrated state (content types, roles) put
# back after it, so that later tests that restore it find it as they left it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_it_serialises_requests_on_sqlite_only(live_server):
    httpd = live_server.thread.httpd
    assert type(httpd).__name__ == "OneRequestAtATimeOnSQLite"
    assert (httpd.one_at_a_time is not None) == (connection.vendor == "sqlite")


def test_concurrent_requests_all_get_their_whole_answer(live_server):
    answers: list[int] = []

    def fetch() -> None:
        with urllib.request.urlopen(live_server.url + "/login/", timeout=30) as answer:
            body = answer.read()
            answers.append(answer.status if b"</html>" in body else -1)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [200] * 6
