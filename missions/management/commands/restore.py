"""Load a backup into an empty database: ``manage.py restore FILE``."""

from pathlib import Path

from django.apps import apps
from django.core.management import BaseCommand, CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction

from missions.management.backups import NOT_DATA, counts
from missions.management.upkeep import analyze
from missions.reading.supersession import refresh_supersession


def tracker_rows() -> dict[str, int]:
    """Non-empty tracker tables by plural name; the audit trail summed as 'history entries'."""
    found: dict[str, int] = {}
    history = 0
    for model in apps.get_app_config("missions").get_models():
        if model._meta.label_lower in NOT_DATA:
            continue
        count = model._base_manager.count()
        if hasattr(model, "instance_type"):  # a simple_history table
            history += count
        elif count:
            found[str(model._meta.verbose_name_plural)] = count
    if history:
        found["history entries"] = history
    return found


class Command(BaseCommand):
    help = (
        "Load a file written by 'manage.py backup' into an empty, migrated database. Refuses when "
        "the database holds tracker records, so that nothing is overwritten or mixed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backups/tracker-YYYYmmdd-HHMMSS.json file.")

    def handle(self, *args, file: str, verbosity: int = 1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if path.suffix != ".json":
            raise CommandError(f"{path} is not a backup: backup files end in .json.")
        present = tracker_rows()
        if present:
            found = ", ".join(f"{n} {name}" for name, n in present.items())
            raise CommandError(
                f"The database is not empty ({found}). A restore only goes into an empty "
                "database: create a new one, run 'manage.py migrate', then restore into it."
            )
        try:
            # All or nothing: a broken file leaves the database as it was. Accounts and groups
            # that exist already (the roles made by migrate) are matched by name and updated.
            with transaction.atomic():
                call_command("loaddata", str(path), verbosity=0)
                # A backup from before the column existed, or edited by hand: recompute it.
                refresh_supersession()
        except (CommandError, DatabaseError, DeserializationError, ValueError) as error:
            raise CommandError(
                f"{path} could not be restored; nothing was loaded. {error}"
            ) from error
        analyze()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
            for label, count in counts().items():
                self.stdout.write(f"  {label}: {count}")
