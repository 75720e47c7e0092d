"""The load test's set-up inside Django, run in its own process against ``DATABASE_URL``:
migrate, a small synthetic portfolio, the users, and the targets the simulated users visit.

    python -m loadtest.django_side --contributions N --seed S --viewers V --analysts A

The password of every load-test user is LOADTEST_PASSWORD. Prints the targets as JSON.
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
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.synthetic import generate  # noqa: E402
from missions.models import Mission, Organization, Region, SourceDocument, Statement  # noqa: E402
from missions.roles import ANALYST, VIEWER, ensure_roles  # noqa: E402

# Analysts all edit these few statements, so that their saves really do collide.
HOT_STATEMENTS = 5


def prepare(contributions: int, seed: int, viewers: int, analysts: int) -> dict:
    call_command("migrate", interactive=False, verbosity=0)
    if not SourceDocument.objects.exists():
        generate(contributions, seed)
    roles = ensure_roles()
    # One hash for all: hashing is deliberately slow, and these accounts share a password.
    password = make_password(os.environ["LOADTEST_PASSWORD"])
    User = get_user_model()
    names = {f"viewer{i:02d}": VIEWER for i in range(1, viewers + 1)}
    names |= {f"analyst{i:02d}": ANALYST for i in range(1, analysts + 1)}
    for username, role in names.items():
        user, _created = User.objects.update_or_create(
            username=username, defaults={"password": password, "is_staff": role == ANALYST}
        )
        user.groups.set([roles[role]])
    statements = Statement.objects.current().order_by("pk")[:HOT_STATEMENTS]
    return {
        "viewers": [name for name, role in names.items() if role == VIEWER],
        "analysts": [name for name, role in names.items() if role == ANALYST],
        "statements": {str(s.pk): s.notes for s in statements},
        "missions": list(Mission.objects.order_by("pk").values_list("pk", flat=True)[:200]),
        "organizations": list(Organization.objects.values_list("acronym", flat=True)),
        "regions": list(Region.objects.values_list("pk", flat=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--viewers", type=int, required=True)
    parser.add_argument("--analysts", type=int, required=True)
    args = parser.parse_args()
    targets = prepare(args.contributions, args.seed, args.viewers, args.analysts)
    json.dump(targets, sys.stdout)


if __name__ == "__main__":
    main()
