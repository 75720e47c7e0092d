"""The models' check constraints, evaluated in Python for one unsaved record.

Django checks a constraint on an instance with one SQL query (``Q.check``); for a 20,000-row
import that is 160,000 queries and minutes of waiting. The conditions themselves are plain
(``isnull``, comparisons, ``in``, ``F()`` between two fields), so this module evaluates the very
same ``Q`` objects from ``Meta.constraints`` in Python, with SQL's three-valued logic: a
comparison with NULL is unknown, and a CHECK only fails when its condition is false. Anything it
does not understand falls back to Django's own query. The rules stay written once, in the
models; a property-based test shows that both evaluations agree.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, options: value in options,
}


class _Unsupported(Exception):
    """A condition this evaluator does not model; the database decides instead."""


def check_passes(constraint: models.CheckConstraint, instance: models.Model) -> bool:
    """Whether ``instance`` satisfies the constraint, as the database would judge it."""
    try:
        return evaluate(constraint.condition, instance) is not False
    except _Unsupported:
        try:
            constraint.validate(type(instance), instance)
        except ValidationError:
            return False
        return True


def evaluate(node: Any, instance: models.Model) -> bool | None:
    """True, False, or None for SQL's unknown."""
    if isinstance(node, Q):
        results = [evaluate(child, instance) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else None if None in results else True
        elif node.connector == Q.OR:
            result = True if True in results else None if None in results else False
        else:
            raise _Unsupported(node.connector)
        if node.negated and result is not None:
            result = not result
        return result
    if not isinstance(node, tuple):
        raise _Unsupported(node)
    lookup, expected = node
    name, _, operation = lookup.partition("__")
    operation = operation or "exact"
    value = _field_value(instance, name)
    if operation == "isnull":
        return (value is None) == bool(expected)
    if isinstance(expected, F):
        expected = _field_value(instance, expected.name)
    elif hasattr(expected, "resolve_expression") or operation not in _COMPARISONS:
        raise _Unsupported(lookup)
    if value is None or expected is None:
        return None
    try:
        return bool(_COMPARISONS[operation](value, expected))
    except TypeError as exc:
        raise _Unsupported(lookup) from exc


def _field_value(instance: models.Model, name: str) -> Any:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise _Unsupported(name) from exc
    if not getattr(field, "concrete", False) or "__" in name:
        raise _Unsupported(name)
    return getattr(instance, field.attname)
