"""Set-based inserts for the records of an import and their audit-trail rows.

``bulk_create`` builds its SQL value by value (a dozen Python calls per field), which for the
20,000 contributions, 20,000 statements and their 40,000 history rows of a full file is most of
a confirmation's time. Here each table gets one prepared INSERT (multi-row on PostgreSQL, see
``insert_rows``), and the new keys are read back by the natural key that the models'
unique constraints guarantee. The history rows are the ones simple_history's
``bulk_history_create`` would write: every tracked field, the date, the user, the reason and
the type "+". The statement fields copied from the document are filled in as ``save()`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from missions.models import Contribution, SourceDocument, Statement
from missions.models.base import TrackedModel

# Rows per lookup of the new keys: a bounded parameter list on every database.
CHUNK = 500
# Rows per INSERT on PostgreSQL: 28,000 parameters for a statement, under its 65,535.
ROWS_PER_INSERT = 1000
# Natural key of each model written this way: unique by a named constraint.
KEYS: dict[type[models.Model], tuple[str, str]] = {
    Contribution: ("mission_id", "name"),
    Statement: ("contribution_id", "document_id"),
}


def insert(instances: Sequence[TrackedModel], reason: str, user: models.Model | None) -> None:
    """Insert the new records and their history rows; each instance gets its key."""
    model = type(instances[0])
    now = timezone.now()
    for instance in instances:
        # What save() runs first: a relation to a record saved since is read as its key.
        instance._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        instance.created_at = instance.updated_at = now
        if isinstance(instance, SourceDocument) and not instance.url:
            instance.url = instance.derived_url()
        if isinstance(instance, Statement):
            instance.document_date = instance.document.date
    if model not in KEYS:
        # Few records (organizations, regions, missions, documents): the ORM returns their keys.
        model._default_manager.bulk_create(instances, batch_size=CHUNK)
    else:
        insert_rows(model, [f for f in model._meta.concrete_fields if not f.primary_key], instances)
        _read_back_keys(model, instances)
    history = model.history.model
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    tracked = {f.attname for f in history.tracked_fields}
    insert_rows(
        history,
        fields,
        instances,
        lambda obj, name: getattr(obj, name) if name in tracked else extra[name],
    )


def insert_rows(
    model: type[models.Model],
    fields: list[models.Field],
    objects: Sequence[Any],
    value: Callable[[Any, str], Any] = getattr,
) -> None:
    """INSERTs of ``fields`` for every object.

    On PostgreSQL many rows to a statement rather than one statement per row (``executemany``):
    it runs the data-version trigger once per statement, and 20,000 updates of the version row
    in one transaction took it 50 s of a 20,000-row confirm (each update walks the row's earlier
    versions of this transaction); in batches of 1,000 it is a few dozen. SQLite runs its
    triggers per row whatever the statement, and its driver's loop over one prepared INSERT is
    the fastest way in.
    """
    ops = connection.ops
    adapters = [_adapter(field) for field in fields]
    names = [field.attname for field in fields]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(str(field.column)) for field in fields)
    one_row = f"({', '.join(['%s'] * len(fields))})"

    def values(chunk: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [
            tuple(
                adapt(value(obj, name)) if adapt else value(obj, name)
                for name, adapt in zip(names, adapters, strict=True)
            )
            for obj in chunk
        ]

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one_row}", values(objects))
            return
        for start in range(0, len(objects), ROWS_PER_INSERT):
            chunk = values(objects[start : start + ROWS_PER_INSERT])
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one_row] * len(chunk))}",
                [cell for row in chunk for cell in row],
            )


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How the backend wants a date or a time; every other value is passed as it is."""
    kind = field.get_internal_type()
    # Remembered per value: an import repeats one timestamp and a few dates thousands of times.
    if kind == "DateField":
        return functools.lru_cache(maxsize=1024)(connection.ops.adapt_datefield_value)
    if kind == "DateTimeField":
        return functools.lru_cache(maxsize=1024)(connection.ops.adapt_datetimefield_value)
    return None


def _read_back_keys(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    first, second = KEYS[model]
    wanted = {(getattr(i, first), getattr(i, second)): i for i in instances}
    groups = sorted({key[0] for key in wanted})
    for start in range(0, len(groups), CHUNK):
        rows = model._default_manager.filter(**{f"{first}__in": groups[start : start + CHUNK]})
        for one, two, pk in rows.values_list(first, second, "pk"):
            instance = wanted.get((one, two))
            if instance is not None:
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = connection.alias
