"""Set-based inserts for the records of an import and their audit-trail rows.

``bulk_create`` builds its SQL value by value (a dozen Python calls per field), which for the
20,000 contributions, 20,000 statements and their 40,000 history rows of a full file is most of
a confirmation's time. Here each table gets one prepared INSERT (a COPY on PostgreSQL, see
``insert_rows``), and the new keys are reserved before the rows are written with them (from
the sequence on PostgreSQL, after the highest on SQLite). The history rows are the ones
simple_history's ``bulk_history_create`` would write: every tracked field, the date, the user,
the reason and the type "+". The statement fields copied from the document are filled in as
``save()`` does.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from missions.models import Contribution, SourceDocument, Statement
from missions.models.base import TrackedModel

# Rows per bulk_create: a bounded parameter list on every database.
CHUNK = 500
# The models with a record per row of a file, written here; the others by bulk_create.
WRITTEN_BY_ROWS = (Contribution, Statement)


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
    if model not in WRITTEN_BY_ROWS:
        # Few records (organizations, regions, missions, documents): the ORM returns their keys.
        model._default_manager.bulk_create(instances, batch_size=CHUNK)
    else:
        # Keys reserved first and written with the rows: reading 40,000 keys back by natural
        # key cost more than writing the rows.
        _reserve_keys(model, instances)
        insert_rows(model, list(model._meta.concrete_fields), instances)
    history = model.history.model
    extra = {
        "history_date": now,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    insert_rows(history, fields, instances, extra)


def insert_rows(
    model: type[models.Model],
    fields: list[models.Field],
    objects: Sequence[Any],
    constants: Mapping[str, Any] | None = None,
) -> None:
    """Write ``fields`` of every object as new rows of ``model``'s table; a field named in
    ``constants`` (by attname) gets that value in every row, the others the object's.

    On PostgreSQL by one COPY per table. One statement per row (``executemany``) ran the
    data-version trigger per row, and 20,000 updates of the version row in one transaction took
    50 s of a 20,000-row confirm (each update walks the row's earlier versions of this
    transaction); COPY, like a multi-row INSERT, runs it once. Multi-row INSERTs of 1,000 rows
    cost the client more than the server: psycopg parsed each 28,000-placeholder query for the
    %s it binds, half of a confirmation's CPU time. SQLite runs its triggers per row whatever
    the statement, and its driver's loop over one prepared INSERT is the fastest way in.
    """
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(str(field.column)) for field in fields)
    rows = _rows(fields, objects, constants or {})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django wraps execute() so that a refusal is an IntegrityError or DataError; the
            # driver's copy() it does not, so wrap it the same way.
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        one_row = f"({', '.join(['%s'] * len(fields))})"
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one_row}", rows)


def _rows(
    fields: list[models.Field], objects: Sequence[Any], constants: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """The values to write, per object, with dates and times as the backend takes them.

    Read by one ``attrgetter`` per object rather than a Python call per cell, which counted
    for the 1.6 million cells of a full file's statements, contributions and their history.
    """
    read = [f.attname for f in fields if f.attname not in constants]
    getter = operator.attrgetter(*read)
    plain = [getter(obj) for obj in objects]
    if len(read) == 1:
        plain = [(cell,) for cell in plain]
    adapters = [_adapter(f) for f in fields]
    # Where each cell comes from: its place in the object's values, or a constant (adapted once).
    places = iter(range(len(read)))
    sources = [
        (False, adapt(constants[f.attname]) if adapt else constants[f.attname])
        if f.attname in constants
        else (True, next(places))
        for f, adapt in zip(fields, adapters, strict=True)
    ]
    adapt_read = [
        (index, adapt)
        for index, (adapt, (own, _where)) in enumerate(zip(adapters, sources, strict=True))
        if adapt is not None and own
    ]
    if not constants and not adapt_read:
        return plain
    rows = []
    for values in plain:
        cells = [values[where] if own else where for own, where in sources]
        for index, adapt in adapt_read:
            cells[index] = adapt(cells[index])
        rows.append(tuple(cells))
    return rows


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How the backend wants a date or a time; every other value is passed as it is."""
    if connection.vendor == "postgresql":
        return None  # psycopg takes dates and aware datetimes as they are (Django's are no-ops)
    kind = field.get_internal_type()
    # Remembered per value: an import repeats one timestamp and a few dates thousands of times.
    if kind == "DateField":
        return functools.lru_cache(maxsize=1024)(connection.ops.adapt_datefield_value)
    if kind == "DateTimeField":
        return functools.lru_cache(maxsize=1024)(connection.ops.adapt_datetimefield_value)
    return None


def _reserve_keys(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Give each instance a key of its own, as the database would have given it."""
    pk = model._meta.pk
    assert pk is not None
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(instances)],
            )
            keys = sorted(key for (key,) in cursor.fetchall())
        else:
            # SQLite: the keys after the highest ever given (AUTOINCREMENT keeps it in
            # sqlite_sequence). Safe because the transaction holds the database's only write
            # lock from its start (transaction_mode IMMEDIATE in the settings): nobody else can
            # take a key until it commits. Writing them moves sqlite_sequence on.
            column = connection.ops.quote_name(str(pk.column))
            cursor.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f"coalesce((SELECT max({column}) FROM {table}), 0))",
                [model._meta.db_table],
            )
            (last,) = cursor.fetchone()
            keys = list(range(last + 1, last + 1 + len(instances)))
    for instance, key in zip(instances, keys, strict=True):
        instance.pk = key
        instance._state.adding = False
        instance._state.db = connection.alias
