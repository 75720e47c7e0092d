"""The models' own rules, run on records before they are saved, each problem put in a column.

The rules live once, in the models. Field rules (no negative count, lengths, choices) are the
fields' own ``clean``, run as ``full_clean`` runs them (``FieldRules``); the named check
constraints (end not before start, a total that covers the categories, a precision only with a
date) are judged by the database itself: the records are
written in a savepoint that is always rolled back, all at once, and only when that fails one by
one, to learn which record broke which constraint. That is one bulk insert for a clean file of
20,000 rows, where asking Django to check each constraint of each record would be one query
each (about 260,000). This module only translates the field or constraint that failed into the
column the analyst must fix.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.columns import REGISTRY, Column
from missions.imports.writing import insert_rows
from missions.models import Contribution, Mission, Organization, Region, SourceDocument, Statement
from missions.models.base import TrackedModel

_MODELS: dict[str, type[models.Model]] = {
    "organization": Organization,
    "region": Region,
    "mission": Mission,
    "contribution": Contribution,
    "document": SourceDocument,
    "statement": Statement,
}
# Fields that no column sets but that one column decides: the relations, named by the columns
# that name the related record, and fields copied from another record.
_DECIDED_BY: dict[type[models.Model], dict[str, str]] = {
    Mission: {"organization": "organization", "region": "region"},
    Contribution: {"mission": "mission"},
    Statement: {
        "document_date": "source_date",
        "contribution": "contribution",
        "document": "source",
    },
}


def _field_columns() -> dict[type[models.Model], dict[str, str]]:
    return _field_columns_of(REGISTRY.columns)


@functools.cache
def _field_columns_of(columns: tuple[Column, ...]) -> dict[type[models.Model], dict[str, str]]:
    """Model field -> spreadsheet column, per model: the registry's import targets (an
    open-ended flag written as "open-ended" in the end column of an old file still is the
    open_ended column's)."""
    found: dict[type[models.Model], dict[str, str]] = {
        model: dict(_DECIDED_BY.get(model, {})) for model in _MODELS.values()
    }
    for column in columns:
        if column.imports is not None:
            found[_MODELS[column.imports.target]][column.imports.field] = column.key
    return found


MODEL_COLUMNS: dict[type[models.Model], str] = {
    Organization: "organization",
    Region: "region",
    Mission: "mission",
    Contribution: "contribution",
    SourceDocument: "source",
    Statement: "status",
}
# A broken check constraint is shown in the column where the analyst would fix it.
CONSTRAINT_COLUMNS: dict[str, str] = {
    "missions_statement_counts_non_negative": "total",
    "missions_statement_total_covers_categories": "total",
    "missions_statement_end_not_before_start": "end",
    "missions_statement_start_precision_valid": "start_precision",
    "missions_statement_end_precision_valid": "end_precision",
    "missions_statement_open_ended_has_no_end": "end",
    "missions_statement_kind_valid": "kind",
    "missions_statement_qualifier_valid": "qualifier",
    "missions_statement_status_valid": "status",
    "missions_sourcedocument_date_in_range": "source_date",
}

# Relations are resolved by the importer itself (by name, acronym, reference); validating them
# here would look up records that do not exist yet because the same import creates them.
RELATIONS = {"organization", "region", "mission", "contribution", "document", "source"}

Problem = tuple[str, str]  # (column, message)


def column_for(model: type[models.Model], field: str) -> str:
    """The column an analyst fixes for ``field`` of ``model``; a field no column sets goes to
    the model's own column."""
    return _field_columns()[model].get(field, MODEL_COLUMNS[model])


# A field's verdict per (type, value) seen: the cleaned value, or the errors.
Verdicts = dict[tuple[type, Any], tuple[Any, list[ValidationError]]]


class FieldRules:
    """The models' field rules as ``full_clean`` runs them, each judged once per value.

    A field's rule (its type, length, choices, validators) depends on the value alone, and a
    20,000-row file repeats the same few statuses, counts and dates: running ``full_clean`` on
    every record was a fifth of a preview. Each (field, value) is therefore cleaned by the field
    itself once per plan and its verdict remembered; the model's own ``clean()`` (rules that
    combine fields) still runs on every record. Relations are the importer's (``RELATIONS``) or
    look into the database, so they are cleaned every time, as ``full_clean`` would.
    """

    def __init__(self) -> None:
        # Per model, the fields judged: (field, the verdicts per (type, value) or None for a
        # relation). The type keeps 1, 1.0 and True apart.
        self._fields: dict[type[models.Model], list[tuple[models.Field, Verdicts | None]]] = {}

    def errors(self, instance: models.Model) -> list[Problem]:
        """(column, message) for every field rule the instance breaks, as ``full_clean`` (without
        relations, uniqueness, which the importer finds by natural key, or check constraints,
        which are the database's: see ``constraint_errors``) reports them."""
        model = type(instance)
        fields = self._fields.get(model)
        if fields is None:
            fields = self._fields[model] = [
                (f, None if f.is_relation else {})
                for f in model._meta.fields
                if f.name not in RELATIONS and not f.generated
            ]
        errors: dict[str, list[ValidationError]] = {}
        for f, verdicts in fields:
            raw = getattr(instance, f.attname)
            if (f.blank and raw in f.empty_values) or isinstance(raw, DatabaseDefault):
                continue
            if verdicts is None:
                cleaned, problems = _cleaned(f, raw, instance)
            else:
                key = (type(raw), raw)
                try:
                    found = verdicts.get(key)
                except TypeError:  # an unhashable value: judged every time
                    found = _cleaned(f, raw, instance)
                if found is None:
                    found = verdicts[key] = _cleaned(f, raw, instance)
                cleaned, problems = found
            if problems:
                errors[f.name] = problems
            else:
                setattr(instance, f.attname, cleaned)
        try:
            instance.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        return _problems(model, ValidationError(errors)) if errors else []


def _cleaned(
    f: models.Field, raw: Any, instance: models.Model
) -> tuple[Any, list[ValidationError]]:
    try:
        return f.clean(raw, instance), []
    except ValidationError as exc:
        return raw, exc.error_list


def _problems(model: type[models.Model], exc: ValidationError) -> list[Problem]:
    return [
        (MODEL_COLUMNS[model] if field == NON_FIELD_ERRORS else column_for(model, field), msg)
        for field, messages in exc.message_dict.items()
        for msg in messages
    ]


def constraint_errors(candidates: Sequence[TrackedModel]) -> dict[int, Problem]:
    """Index -> (column, message) for each candidate that the database refuses.

    Run inside a transaction. Nothing stays written: the probes live in a savepoint that is
    rolled back. Relations get placeholder keys, which is safe because foreign keys are checked
    at commit (Django makes them deferrable on SQLite and PostgreSQL) and that never comes.
    """
    by_model: dict[type[TrackedModel], list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        by_model[type(candidate)].append(index)
    problems: dict[int, Problem] = {}
    with transaction.atomic():
        for model, indexes in by_model.items():
            probes = [_probe(candidates[i], placeholder=-1 - i) for i in indexes]
            try:
                with transaction.atomic():
                    _write(model, probes)
            except (IntegrityError, DataError):
                # Rare: the file has an error the field rules did not see. Find it, one by one.
                for index, probe in zip(indexes, probes, strict=True):
                    try:
                        with transaction.atomic():
                            _write(model, [probe])
                    except (IntegrityError, DataError) as exc:
                        problems[index] = _explain(model, exc)
        transaction.set_rollback(True)
    return problems


def _probe(candidate: TrackedModel, placeholder: int) -> TrackedModel:
    """The candidate, with placeholder keys for relations to records not saved yet."""
    for field in type(candidate)._meta.concrete_fields:
        if (
            isinstance(field, models.ForeignKey)
            and getattr(candidate, field.attname) is None
            and not field.null
        ):
            related = field.get_cached_value(candidate, None)
            value = related.pk if related is not None else None
            if field.is_cached(candidate):
                field.delete_cached_value(candidate)
            candidate.__dict__[field.attname] = placeholder if value is None else value
    return candidate


def _write(model: type[TrackedModel], probes: list[TrackedModel]) -> None:
    new = [probe for probe in probes if probe.pk is None]
    existing = [probe for probe in probes if probe.pk is not None]
    if new:
        now = timezone.now()
        for probe in new:
            probe.created_at = probe.updated_at = now
        insert_rows(model, [f for f in model._meta.concrete_fields if not f.primary_key], new)
    if existing:
        fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        model._base_manager.bulk_update(existing, fields, batch_size=200)


def _explain(model: type[models.Model], exc: Exception) -> Problem:
    """The constraint the database names in its message, as the model words it."""
    text = str(exc)
    named = [c for c in model._meta.constraints if c.name in text]
    if not named:
        return MODEL_COLUMNS[model], _("the database refused this record: %(error)s") % {
            "error": text.splitlines()[0][:200]
        }
    # The longest name, in case one constraint's name is the start of another's.
    constraint = max(named, key=lambda c: len(c.name))
    column = CONSTRAINT_COLUMNS.get(constraint.name, MODEL_COLUMNS[model])
    return column, str(constraint.get_violation_error_message())
