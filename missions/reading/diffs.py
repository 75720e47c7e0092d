"""What changed from one statement to the next: the one place that compares two statements.

The mission timeline ("end: eind mei 2025 -> eind juni 2028") and the changes report both read
their before/after values from here, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

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
    # The model fields ``show`` reads: where they are equal, so is what it shows, and the
    # (translated, formatted) values need not be made at all.
    reads: tuple[str, ...]
    # The values of ``reads`` (one value for one field, a tuple for several): made in C, as a
    # page compares a hundred statements field by field.
    raw: Callable[[Statement], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "raw", attrgetter(*self.reads))


_FIGURES = ("total", "military", "civilian", "police", "qualifier")

# The fields a reader compares, in the order a briefing reads them.
COMPARED_FIELDS: tuple[ComparedField, ...] = (
    ComparedField("status", _("status"), _status, ("status",)),
    ComparedField("military", _("military"), lambda s: _personnel(s, "military"), ("military",)),
    ComparedField("civilian", _("civilian"), lambda s: _personnel(s, "civilian"), ("civilian",)),
    ComparedField("police", _("police"), lambda s: _personnel(s, "police"), ("police",)),
    ComparedField("total", _("total"), _total, _FIGURES),
    ComparedField(
        "start", _("start"), lambda s: s.start_display, ("start_date", "start_precision")
    ),
    ComparedField(
        "end", _("end"), lambda s: s.end_display, ("open_ended", "end_date", "end_precision")
    ),
    ComparedField("conditions", _("conditions"), lambda s: s.conditions, ("conditions",)),
)
# Every field a comparison reads: a history loaded for comparing needs no other.
COMPARED_READS: tuple[str, ...] = tuple(
    dict.fromkeys(name for field in COMPARED_FIELDS for name in field.reads)
)


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.before or '-'} -> {self.after or '-'}"


def compare(
    before: Statement | None, after: Statement, shown: dict[tuple, str] | None = None
) -> list[FieldChange]:
    """The fields whose shown value differs; every non-empty field when there is no ``before``.

    ``shown``, a dict kept by the caller for one language, remembers each field's shown value
    by the values it reads: a timeline compares many statements with the same status, dates and
    figures, and writing those out (translated, formatted) is most of a comparison's cost."""
    changes = []
    for compared in COMPARED_FIELDS:
        new_raw = compared.raw(after)
        if before is None:
            old = ""
        else:
            old_raw = compared.raw(before)
            if old_raw == new_raw:
                continue
            old = _show(compared, before, old_raw, shown)
        new = _show(compared, after, new_raw, shown)
        if old != new:
            changes.append(FieldChange(compared.key, _label(compared, shown), old, new))
    return changes


def _show(
    compared: ComparedField, statement: Statement, raw: Any, shown: dict[tuple, str] | None
) -> str:
    """What ``statement`` shows for ``compared``, whose values are ``raw``."""
    if shown is None:
        return compared.show(statement)
    key = (compared.key, raw)
    value = shown.get(key)
    if value is None:
        value = shown[key] = compared.show(statement)
    return value


def _label(field: ComparedField, shown: dict[tuple, str] | None) -> str:
    if shown is None:
        return str(field.label)
    return shown.get((field.key,)) or shown.setdefault((field.key,), str(field.label))


@dataclass(frozen=True)
class TimelineEntry:
    statement: Statement
    previous: Statement | None
    changes: list[FieldChange]

    @property
    def is_correction(self) -> bool:
        return self.statement.kind == self.statement.Kind.CORRECTION


def timeline(statements: Iterable[Statement]) -> list[TimelineEntry]:
    """Pair each statement with the one before it (per contribution), oldest first.

    ``statements`` may hold several contributions; it is read once, in memory.
    """
    ordered = sorted(statements, key=lambda s: (s.document_date, s.document_id))
    previous_of: dict[int, Statement] = {}
    shown: dict[tuple, str] = {}
    entries = []
    for statement in ordered:
        before = previous_of.get(statement.contribution_id)
        entries.append(TimelineEntry(statement, before, compare(before, statement, shown)))
        previous_of[statement.contribution_id] = statement
    return entries
