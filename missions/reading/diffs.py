"""What changed from one statement to the next: the one place that compares two statements.

The mission timeline ("end: eind mei 2025 -> eind juni 2028") and the changes report both read
their before/after values from here, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from missions.models.choices import Status

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from missions.models import Statement


def _personnel(statement: Statement, field: str) -> str:
    value = getattr(statement, field)
    return "" if value is None else str(value)


def _status(statement: Statement) -> str:
    # The label by the choice's value; ``get_status_display`` would hash every lazy label of the
    # choices on each call (a changes CSV compares thousands of statements).
    return str(Status(statement.status).label)


def _total(statement: Statement) -> str:
    from missions.web.formatting import personnel_with_qualifier

    return personnel_with_qualifier(statement.effective_total, statement.qualifier)


@dataclass(frozen=True)
class ComparedField:
    key: str
    label: Promise
    show: Callable[[Statement], str]


# The fields a reader compares, in the order a briefing reads them.
COMPARED_FIELDS: tuple[ComparedField, ...] = (
    ComparedField("status", _("status"), _status),
    ComparedField("military", _("military"), lambda s: _personnel(s, "military")),
    ComparedField("civilian", _("civilian"), lambda s: _personnel(s, "civilian")),
    ComparedField("police", _("police"), lambda s: _personnel(s, "police")),
    ComparedField("total", _("total"), _total),
    ComparedField("start", _("start"), lambda s: s.start_display),
    ComparedField("end", _("end"), lambda s: s.end_display),
    ComparedField("conditions", _("conditions"), lambda s: s.conditions),
)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.before or '-'} -> {self.after or '-'}"


def compare(before: Statement | None, after: Statement) -> list[FieldChange]:
    """The fields whose shown value differs; every non-empty field when there is no ``before``."""
    changes = []
    for field in COMPARED_FIELDS:
        old = field.show(before) if before is not None else ""
        new = field.show(after)
        if old != new:
            changes.append(FieldChange(field.key, str(field.label), old, new))
    return changes


@dataclass(frozen=True)
class TimelineEntry:
    statement: Statement
    previous: Statement | None
    changes: list[FieldChange]

    @property
    def is_correction(self) -> bool:
        return self.statement.kind == self.statement.Kind.CORRECTION


def timeline(
    statements: Iterable[Statement], keep: Callable[[Statement], bool] | None = None
) -> list[TimelineEntry]:
    """Pair each statement with the one before it (per contribution), oldest first.

    ``statements`` may hold several contributions; it is read once, in memory. With ``keep``,
    only the entries of the statements it keeps are compared and returned; the others still
    stand as the "before" of the next (the changes report reads a period's entries from the
    whole history of its contributions).
    """
    ordered = sorted(statements, key=lambda s: (s.document_date, s.document_id))
    previous_of: dict[int, Statement] = {}
    entries = []
    for statement in ordered:
        before = previous_of.get(statement.contribution_id)
        if keep is None or keep(statement):
            entries.append(TimelineEntry(statement, before, compare(before, statement)))
        previous_of[statement.contribution_id] = statement
    return entries
