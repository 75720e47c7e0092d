"""Write a dump of all tracker data, its audit trail and the accounts: ``manage.py backup``."""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

# Everything a restore needs to give the desk back its record: the tracker's models and their
# history tables (all in the missions app), the accounts and roles the history refers to, and the
# admin's log. Sessions, login attempts, content types and permissions are not data: migrate
# recreates the last two, and the dump refers to them by natural key, never by id.
EXTRA_MODELS = ("auth.Group", "auth.User", "admin.LogEntry")
# Not data: a counter the database's triggers raise on every write (missions.models.data_version),
# and the table's counts kept per version of it (missions.models.table_counts).
NOT_DATA = ("missions.dataversion", "missions.tablecounts")


def backed_up_models() -> list[type[models.Model]]:
    """In an order that lets loaddata resolve natural keys (groups before users)."""
    by_app: dict = {}
    for model in apps.get_app_config("missions").get_models():
        if model._meta.label_lower not in NOT_DATA:
            by_app.setdefault(model._meta.app_config, []).append(model)
    for label in EXTRA_MODELS:
        model = apps.get_model(label)
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them to the microsecond, so
    that the restored history is the same history."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows(written: Counter[str] | None = None) -> Iterator[models.Model]:
    """Every backed-up row; ``written`` counts them per model as they are handed out."""
    for model in backed_up_models():
        label = model._meta.label
        if written is not None:
            written[label] += 0  # an empty table is listed with 0
        # The base manager: a default manager that hides rows must not hide them from a backup.
        for row in model._base_manager.order_by(model._meta.pk.name).iterator():
            if written is not None:
                written[label] += 1
            yield row


@contextmanager
def consistent_snapshot() -> Iterator[None]:
    """One read transaction, so that a backup taken while analysts work never holds a statement
    without its document. PostgreSQL's default isolation would let each table be read at a
    different moment; REPEATABLE READ reads them all as of the first query."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def write_backup(path: Path) -> dict[str, int]:
    """Write the dump to ``path``, which must not exist; readable by its owner only. Returns
    the rows written per model: counted as they went into the file, so that the summary is of
    the file's snapshot, not of the database a moment later."""
    written: Counter[str] = Counter()
    partial = path.with_name(f".{path.name}.partial")
    # The file holds password hashes: created with owner-only permissions before any byte.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream, consistent_snapshot():
            serializers.serialize(
                "json",
                rows(written),
                stream=stream,
                cls=FullPrecisionEncoder,
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
        # Renamed only when complete, so that a crash never leaves a truncated file that looks
        # like a backup.
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return dict(written)


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"tracker-{stamp}.json"


def counts() -> dict[str, int]:
    """Rows per backed-up model, for the commands' summaries."""
    return {m._meta.label: m._base_manager.count() for m in backed_up_models()}


class Command(BaseCommand):
    help = (
        "Write all tracker records, their history, users and groups to a JSON file "
        "(default backups/tracker-YYYYmmdd-HHMMSS.json). Load it with 'manage.py restore FILE'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write; it must not exist yet.")

    def handle(self, *args, output: str | None = None, verbosity: int = 1, **options):
        path = Path(output) if output else default_path()
        if path.suffix != ".json":
            raise CommandError(f"The backup file must end in .json: {path}")
        if path.exists():
            raise CommandError(f"{path} exists already; a backup never overwrites a file.")
        path.parent.mkdir(parents=True, exist_ok=True)
        written = write_backup(path)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
            for label, count in written.items():
                self.stdout.write(f"  {label}: {count}")
