"""20 analysts save one statement in the admin at the same moment, on a SQLite file.

Run by tests/test_sqlite_concurrency.py in a subprocess, with DATABASE_URL naming a new SQLite
file (pytest's own SQLite database lives in memory, where locking is not SQLite's file locking).
Prints one JSON line: each save's outcome.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.contrib.messages import get_messages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from missions.models import Statement  # noqa: E402
from tests import factories  # noqa: E402
from tests.helpers import admin_form_data, admin_url  # noqa: E402

SAVES = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    statement = factories.statement(status="new")
    # One account each: 20 analysts, as the upload limit counts per account.
    role = Group.objects.get(name="Analyst")
    analysts = [User.objects.create_user(f"analyst{n}", is_staff=True) for n in range(SAVES)]
    for analyst in analysts:
        analyst.groups.add(role)
    url = admin_url(Statement, "change", statement.pk)
    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()

    start = threading.Barrier(SAVES)
    outcomes: list[dict] = []
    lock = threading.Lock()

    def save(n: int) -> None:
        from django.db import connection as thread_connection

        try:
            client = Client()
            client.force_login(analysts[n])
            data = admin_form_data(client.get(url))
            data["notes"] = f"saved by analyst {n}"
            data["_change_reason"] = f"edit {n}"
            start.wait()
            try:
                response = client.post(url, data)
                messages = [str(m) for m in get_messages(response.wsgi_request)]
                stale = "Someone else changed this record while you were editing it"
                outcome = {
                    "status": response.status_code,
                    "messages": messages,
                    "stale": stale in response.content.decode(),
                }
            except Exception as error:  # what an analyst would see as a 500
                outcome = {
                    "status": 500,
                    "messages": [f"{type(error).__name__}: {error}"],
                    "stale": False,
                }
            with lock:
                outcomes.append({"n": n, **outcome})
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=save, args=(n,)) for n in range(SAVES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stored = Statement.objects.get(pk=statement.pk)
    print(
        json.dumps(
            {
                "journal_mode": journal,
                "outcomes": outcomes,
                "stored": {"notes": stored.notes, "version": stored.version},
                "history": stored.history.count(),
            }
        )
    )


if __name__ == "__main__":
    main()
