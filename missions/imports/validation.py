"""The models' own rules, run on a record before it is saved, with each problem put in a column.

The rules live once, in the models: field validators (no negative count, lengths, choices) and
the named check constraints (end not before start, a precision only with a date). The importer
runs them through ``full_clean`` and evaluates the constraints' own conditions (see checks.py),
and only translates the field or constraint that failed into the column the analyst must fix.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from missions.imports.checks import check_passes
from missions.models import Contribution, Mission, Organization, Region, SourceDocument, Statement

# Model field -> spreadsheet column, per model; a field not listed goes to the model's column.
FIELD_COLUMNS: dict[type[models.Model], dict[str, str]] = {
    Organization: {},
    Region: {},
    Mission: {
        "name": "mission",
        "acronym": "mission_acronym",
        "organization": "organization",
        "region": "region",
    },
    Contribution: {"name": "contribution", "capability": "capability", "mission": "mission"},
    SourceDocument: {"date": "source_date", "url": "source_url"},
    Statement: {
        "status": "status",
        "military": "military",
        "civilian": "civilian",
        "police": "police",
        "total": "total",
        "qualifier": "qualifier",
        "start_date": "start",
        "start_precision": "start_precision",
        "end_date": "end",
        "end_precision": "end_precision",
        "open_ended": "end",
        "kind": "kind",
        "location": "location",
        "quote": "quote",
        "conditions": "conditions",
        "document_date": "source_date",
        "contribution": "contribution",
        "document": "source",
    },
}
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
}

# Relations are resolved by the importer itself (by name, acronym, reference); validating them
# here would look up records that do not exist yet because the same import creates them.
RELATIONS = {"organization", "region", "mission", "contribution", "document", "source"}


def column_for(model: type[models.Model], field: str) -> str:
    return FIELD_COLUMNS[model].get(field, MODEL_COLUMNS[model])


def model_errors(instance: models.Model) -> list[tuple[str, str]]:
    """(column, message) for every rule of the instance's model that it breaks; [] if none."""
    model = type(instance)
    errors: list[tuple[str, str]] = []
    failed: set[str] = set()
    try:
        # Uniqueness is the importer's business: it finds records by their natural keys first.
        instance.full_clean(exclude=RELATIONS, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            failed.add(field)
            column = MODEL_COLUMNS[model] if field == NON_FIELD_ERRORS else column_for(model, field)
            errors.extend((column, message) for message in messages)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue  # uniqueness: see above
        # As full_clean does: a constraint on a field that failed already is not checked again.
        if constraint.condition.referenced_base_fields & (RELATIONS | failed):
            continue
        if not check_passes(constraint, instance):
            column = CONSTRAINT_COLUMNS.get(constraint.name, MODEL_COLUMNS[model])
            errors.append((column, str(constraint.get_violation_error_message())))
    return errors
