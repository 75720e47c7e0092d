"""The bench's steps that need Django, each run in its own process against ``DATABASE_URL``
(settings are read once per process, and every database size is a different file).

    python -m bench.django_side prepare --contributions N --seed S   # migrate, generate, user
    python -m bench.django_side queries PATHS_JSON                   # SQL queries per page

The bench user's name and password come from BENCH_USERNAME and BENCH_PASSWORD.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from missions.models import SourceDocument  # noqa: E402
from missions.synthetic import generate  # noqa: E402


def prepare(contributions: int, seed: int) -> None:
    """Bring the schema up to date, fill an empty database, and (re)set the bench superuser."""
    call_command("migrate", interactive=False, verbosity=0)
    if not SourceDocument.objects.exists():
        made = generate(contributions, seed)
        print(f"  generated {made}", flush=True)
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=os.environ["BENCH_USERNAME"])
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(os.environ["BENCH_PASSWORD"])
    user.save()


def count_queries(paths: dict[str, str]) -> dict[str, dict[str, int]]:
    """Each page requested in-process as the bench user, every streamed byte consumed."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=os.environ["BENCH_USERNAME"]))
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as queries:
            # secure=True: the server runs with DEBUG off, which redirects plain HTTP.
            response = client.get(path, secure=True)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            response.close()
        counts[name] = {"status": response.status_code, "queries": len(queries)}
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step", required=True)
    step = steps.add_parser("prepare")
    step.add_argument("--contributions", type=int, required=True)
    step.add_argument("--seed", type=int, required=True)
    step = steps.add_parser("queries")
    step.add_argument("paths", help="JSON object: page name -> path")
    args = parser.parse_args()
    if args.step == "prepare":
        prepare(args.contributions, args.seed)
    else:
        json.dump(count_queries(json.loads(args.paths)), sys.stdout)


if __name__ == "__main__":
    main()
