"""Load the shipped real data (fixtures/real_data.json), with a first audit-trail entry."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import transaction
from simple_history.utils import get_history_manager_for_model

from missions.management.upkeep import analyze
from missions.models import (
    Contribution,
    Mission,
    MissionStatement,
    Organization,
    Region,
    SourceDocument,
    Statement,
)
from missions.reading.supersession import refresh_supersession

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "real_data.json"
MODELS = (Organization, Region, SourceDocument, Mission, Contribution, Statement, MissionStatement)


class Command(BaseCommand):
    help = "Load the real data from the sources. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds documents (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, verbosity: int = 1, **options):
        if if_empty and SourceDocument.objects.exists():
            if verbosity:
                self.stdout.write("The database holds data already; the fixtures were not loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", str(FIXTURE), verbosity=0)
            # loaddata saves raw, past the models' save(): draw every line of time once.
            refresh_supersession()
            created = record_initial_history()
        analyze()
        if verbosity:
            self.stdout.write(
                f"Loaded {FIXTURE.name}; {created} records got a first history entry."
            )


def record_initial_history() -> int:
    """loaddata saves raw, which the audit trail skips; give each new record its 'created' entry.

    Records that already have history (a second run) are left alone, so loading twice adds nothing.
    """
    created = 0
    for model in MODELS:
        history = get_history_manager_for_model(model)
        seen = set(history.values_list("id", flat=True).distinct())
        missing = [obj for obj in model._default_manager.all() if obj.pk not in seen]
        if missing:
            history.bulk_history_create(missing, default_change_reason="Loaded from fixtures")
            created += len(missing)
    return created
