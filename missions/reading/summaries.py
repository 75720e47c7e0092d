"""The personnel summary: what is deployed on a day, per organization, region or status.

One function, ``summaries``, for the dashboard, the summary page, its downloads and the
``report`` command (through ``missions.reading.reports``, which re-exports it). Each cell of
a summary adds up only the figures the documents state, says whether any of them is not exact,
and counts the contributions that state none; only what is active on the day is summed, and the
rest is counted apart by why (ended, not started yet, explored, ...). One GROUP BY query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.db.models import Aggregate, Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from missions.models import Qualifier, Statement, Status
from missions.reading.querysets import (
    ACTIVE,
    ANY_CATEGORY_KNOWN,
    EFFECTIVE_TOTAL,
    ENDED,
    NOT_STARTED,
    StatementQuerySet,
)

SummaryBy = Literal["organization", "region", "status"]
SUMMARY_BY: tuple[SummaryBy, ...] = ("organization", "region", "status")
SUMMARY_BY_LABELS = {
    "organization": _("organization"),
    "region": _("region"),
    "status": _("status"),
}

# What each summary groups on, as a database column reached from a statement.
_GROUP_FIELD = {
    "organization": "contribution__mission__organization__acronym",
    "region": "contribution__mission__region__name",
    "status": "status",
}

# The personnel columns of a summary, in the order they show.
FIGURES = ("military", "civilian", "police", "total")

# Each figure as summed, and the condition under which a statement gives it at all.
_FIGURE_VALUE = {
    "military": F("military"),
    "civilian": F("civilian"),
    "police": F("police"),
    "total": EFFECTIVE_TOTAL,
}
_FIGURE_GIVEN = {
    "military": Q(military__isnull=False),
    "civilian": Q(civilian__isnull=False),
    "police": Q(police__isnull=False),
    "total": Q(total__isnull=False) | ANY_CATEGORY_KNOWN,
}
_INEXACT = ~Q(qualifier=Qualifier.EXACT)

# Why a contribution is not in the totals of a day, in the order they are listed.
APART_LABELS = {
    ENDED: _("ended"),
    NOT_STARTED: _("not started yet"),
    Status.EXPLORED: _("explored"),
    Status.NOT_FEASIBLE: _("not feasible"),
    Status.INTENDED: _("intended"),
    Status.DECLINED: _("declined"),
}


@dataclass(frozen=True)
class Figure:
    """One cell of a summary: the sum of the figures stated, and what it leaves out."""

    # The stated figures added up; None when no contribution in the cell states one.
    known: int | None
    # Some figure added is "circa", "at most" or "at least": the sum is not exact either.
    approximate: bool
    # Contributions in the cell that state no figure: counted here, never added as 0.
    unknown: int

    @classmethod
    def added(cls, figures: Iterable[Figure]) -> Figure:
        figures = list(figures)
        known = [f.known for f in figures if f.known is not None]
        return cls(
            known=sum(known) if known else None,
            approximate=any(f.approximate for f in figures),
            unknown=sum(f.unknown for f in figures),
        )


@dataclass(frozen=True)
class SummaryRow:
    group: str
    contributions: int
    military: Figure
    civilian: Figure
    police: Figure
    total: Figure
    # The value grouped on (an acronym, a status, the reason a row is counted apart).
    key: str = ""

    @property
    def figures(self) -> list[Figure]:
        return [getattr(self, name) for name in FIGURES]

    @classmethod
    def added(cls, group: str, rows: Iterable[SummaryRow], key: str = "") -> SummaryRow:
        rows = list(rows)
        return cls(
            group=group,
            key=key,
            contributions=sum(row.contributions for row in rows),
            **{name: Figure.added(getattr(row, name) for row in rows) for name in FIGURES},
        )


@dataclass(frozen=True)
class Summary:
    """Personnel on ``day`` grouped ``by`` one dimension: what is active, summed per group, with
    the line of totals; and, counted apart, what is not active that day and why."""

    by: SummaryBy
    day: date
    rows: list[SummaryRow]
    total: SummaryRow
    # One row per reason (ended, not started yet, explored, ...), for every group together.
    apart: list[SummaryRow]

    @property
    def label(self) -> str:
        return str(SUMMARY_BY_LABELS[self.by])

    @property
    def apart_count(self) -> int:
        return sum(row.contributions for row in self.apart)

    @property
    def contributions(self) -> int:
        """Every contribution with a statement in force on the day, active or not."""
        return self.total.contributions + self.apart_count

    def apart_of(self, reason: str) -> int:
        """How many contributions are counted apart for ``reason`` (``not_started``, ...)."""
        return sum(row.contributions for row in self.apart if row.key == reason)


def summaries(
    day: date, by: Sequence[SummaryBy] = SUMMARY_BY, *, corrected: bool = False
) -> list[Summary]:
    """The personnel summaries on ``day`` (as the documents stood then, or with ``corrected``
    as we know it now), one per dimension in ``by``: the dashboard, the summary page, its
    downloads and the ``report`` command all read this, so they cannot disagree.

    One GROUP BY query for all of them, grouped by every dimension asked at once: a cell's
    figures are sums and counts, which add up, so each summary adds up the groups it needs.
    The groups are few (organizations x regions x statuses that occur), and reading the
    statements in force once instead of once per dimension is most of the dashboard's time."""
    for dimension in by:
        if dimension not in _GROUP_FIELD:
            raise ValueError(f"cannot summarise by {dimension!r}")
    if not by:
        return []
    keys = [_GROUP_FIELD[dimension] for dimension in dict.fromkeys(by)]
    grouped = list(_grouped(Statement.objects.as_of(day, corrected=corrected), keys, day))
    return [
        _summary(dimension, day, _added_up(grouped, _GROUP_FIELD[dimension])) for dimension in by
    ]


def _aggregates() -> dict[str, Aggregate]:
    aggregates: dict[str, Aggregate] = {"n": Count("pk")}
    for name in FIGURES:
        given = _FIGURE_GIVEN[name]
        aggregates[f"{name}_sum"] = Sum(_FIGURE_VALUE[name], filter=given)
        aggregates[f"{name}_given"] = Count("pk", filter=given)
        aggregates[f"{name}_inexact"] = Count("pk", filter=given & _INEXACT)
    return aggregates


_AGGREGATES = tuple(_aggregates())


def _grouped(statements: StatementQuerySet, keys: list[str], day: date) -> Iterable[dict]:
    """The aggregates of ``statements`` per value of ``keys`` and activity on ``day``."""
    return (
        statements.order_by().with_activity(day).values(*keys, "activity").annotate(**_aggregates())
    )


def _added_up(grouped: list[dict], key: str) -> list[dict]:
    """``grouped`` added up per value of ``key`` and activity. A sum stays None (no figure
    stated) only where every group added is None: an unknown is never a 0."""
    added: dict[tuple, dict] = {}
    for values in grouped:
        place = (values[key], values["activity"])
        into = added.get(place)
        if into is None:
            added[place] = {key: values[key], "activity": values["activity"]} | {
                name: values[name] for name in _AGGREGATES
            }
            continue
        for name in _AGGREGATES:
            value = values[name]
            if value is not None:
                into[name] = value if into[name] is None else into[name] + value
    return list(added.values())


def _summary(by: SummaryBy, day: date, grouped: list[dict]) -> Summary:
    """The summary by ``by`` from its groups (``_added_up``): the active ones as rows and the
    line of totals, the others counted apart by why."""
    key = _GROUP_FIELD[by]
    active: list[tuple[str, SummaryRow]] = []
    apart: dict[str, list[SummaryRow]] = {}
    for values in grouped:
        row = _summary_row(by, values[key], values)
        if values["activity"] == ACTIVE:
            active.append((values[key], row))
        else:
            apart.setdefault(values["activity"], []).append(row)
    # Statuses in their natural order (new ... ended), other groups alphabetically.
    if by == "status":
        order = {value: index for index, value in enumerate(Status.values)}
        active.sort(key=lambda pair: order.get(pair[0], len(order)))
    else:
        active.sort(key=lambda pair: str(pair[0]).casefold())
    rows = [row for _key, row in active]
    return Summary(
        by=by,
        day=day,
        rows=rows,
        total=SummaryRow.added(str(_("All")), rows),
        apart=[
            SummaryRow.added(str(label), apart[reason], key=reason)
            for reason, label in APART_LABELS.items()
            if reason in apart
        ],
    )


def _summary_row(by: SummaryBy, key: str, values: dict) -> SummaryRow:
    n = values["n"]
    return SummaryRow(
        group=_group_label(by, key),
        key=key,
        contributions=n,
        **{
            name: Figure(
                known=values[f"{name}_sum"],
                approximate=values[f"{name}_inexact"] > 0,
                unknown=n - values[f"{name}_given"],
            )
            for name in FIGURES
        },
    )


def _group_label(by: SummaryBy, value: str) -> str:
    if by == "status":
        return str(Status(value).label)
    return value
