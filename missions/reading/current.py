"""A contribution's current statement, from the one rule: ``Statement.objects.as_of(day)``.

The admin's contribution list (status and end, sortable), the mission page and its API twin
(which statement of the history is each contribution's state) all ask here, so "current" means
on every page what the table means: the statement in force on the day, by the stored
``superseded_on``. Nothing here decides what is in force; ``as_of`` does.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Self

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Subquery

if TYPE_CHECKING:
    from missions.models import Contribution  # noqa: F401  (the queryset's model, for types)

# The fields of the current statement a list can show and sort by without a query per row.
CURRENT_FIELDS = ("status", "end_date", "end_precision", "open_ended")


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def with_current(self, day: date | None = None, fields: tuple[str, ...] = ()) -> Self:
        """Annotate ``current_statement_id``, and ``current_<field>`` for each of ``fields``,
        from each contribution's statement in force on ``day`` (today when None); None where
        no statement is in force yet. One correlated subquery per value, in the same query."""
        in_force = self._statements().as_of(day).filter(contribution=OuterRef("pk"))
        values: dict[str, Any] = {"current_statement_id": Subquery(in_force.values("pk")[:1])}
        for field in fields:
            values[f"current_{field}"] = Subquery(in_force.values(field)[:1])
        return self.annotate(**values)

    def _statements(self) -> Any:
        # The statement model by name, not an import: models import this module, so importing
        # the models here would be a cycle.
        return apps.get_model("missions", "Statement")._default_manager


def current_of(contributions: list[Any], statements: list[Any]) -> list[tuple[Any, Any]]:
    """(contribution, its current statement or None) for contributions read ``with_current``,
    the statements taken from ``statements`` (a page's history, already loaded): no query."""
    by_pk = {statement.pk: statement for statement in statements}
    return [(c, by_pk.get(c.current_statement_id)) for c in contributions]
