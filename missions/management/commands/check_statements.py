"""Recompute every statement's stored line of time and say whether the stored values are right."""

from __future__ import annotations

from typing import Any

from django.core.management import BaseCommand

from missions.models import Statement
from missions.reading.supersession import refresh_supersession, supersession_mismatches


class Command(BaseCommand):
    help = (
        "Check the stored superseded_on and corrected_by of every statement against values "
        "recomputed from scratch; --repair writes the recomputed values. Exits 1 on a mismatch."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Write the recomputed values, then check again."
        )

    def handle(self, *args: Any, repair: bool = False, **options: Any) -> None:
        if repair:
            changed = refresh_supersession()
            self.stdout.write(f"{changed} stored values recomputed.")
        problems = supersession_mismatches()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            self.stderr.write(f"{len(problems)} statements have wrong stored values.")
            raise SystemExit(1)
        count = Statement.objects.count()
        self.stdout.write(f"{count} statements checked; stored lines of time are right.")
