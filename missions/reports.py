"""The reports: personnel summaries, expiring mandates, and what changed between two dates.

Each report is computed here, once, and read by its page, its download and the ``report``
command alike. Every report runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.dates import time_left
from missions.diffs import FieldChange, TimelineEntry, compare, timeline
from missions.models import Qualifier, Statement, Status
from missions.querysets import (
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
    downloads and the ``report`` command all read this, so they cannot disagree. One GROUP BY
    query per dimension."""
    statements = Statement.objects.as_of(day, corrected=corrected)
    return [summary(statements, dimension, day) for dimension in by]


def summary(statements: StatementQuerySet, by: SummaryBy, day: date) -> Summary:
    """Personnel per organization, region or status over ``statements`` (those in force on
    ``day``), counting only what is active on ``day``: one GROUP BY query."""
    if by not in _GROUP_FIELD:
        raise ValueError(f"cannot summarise by {by!r}")
    key = _GROUP_FIELD[by]
    aggregates = {"n": Count("pk")}
    for name in FIGURES:
        given = _FIGURE_GIVEN[name]
        aggregates[f"{name}_sum"] = Sum(_FIGURE_VALUE[name], filter=given)
        aggregates[f"{name}_given"] = Count("pk", filter=given)
        aggregates[f"{name}_inexact"] = Count("pk", filter=given & _INEXACT)
    grouped = (
        statements.order_by().with_activity(day).values(key, "activity").annotate(**aggregates)
    )
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


# --- Expiring mandates ---------------------------------------------------------------------


def expiring(
    statements: StatementQuerySet, months: int, today: date, *, corrected: bool = False
) -> StatementQuerySet:
    """Statements in force on ``today`` whose end falls from that day to ``months`` months on,
    soonest first (``today`` is the day asked about: an as-of day works the same way).

    Only each contribution's statement in force counts; the rule of "expiring" (commitments
    only, both days included) is ``expiring_within``'s, the same as the table's filter. With
    ``corrected``, a statement corrected since reads as corrected.
    """
    return (
        statements.as_of(today, corrected=corrected)
        .expiring_within(months=months, today=today)
        .with_related()
        .order_by("end_date", "contribution__mission__name", "contribution__name", "pk")
    )


@dataclass(frozen=True)
class ExpiringRow:
    statement: Statement
    days_left: int
    time_left: str


def expiring_rows(statements: StatementQuerySet, today: date) -> list[ExpiringRow]:
    """The expiring statements with how long each has left, for the page."""
    return [
        ExpiringRow(s, (s.end_date - today).days, time_left(s.end_date, today)) for s in statements
    ]


# --- Changes between two dates -------------------------------------------------------------


# The order of the changes report: by document, then mission and contribution.
CHANGES_ORDER = (
    "document_date",
    "document_id",
    "contribution__mission__name",
    "contribution__name",
    "pk",
)


def changes_in_period(first: date, last: date) -> StatementQuerySet:
    """The statements the changes report lists, in its order (for counting and paging)."""
    return Statement.objects.published_between(first, last).order_by(*CHANGES_ORDER)


def changes(first: date, last: date, only: list[int] | None = None) -> list[TimelineEntry]:
    """Every statement from a document dated ``first`` to ``last``, with the one before it;
    with ``only`` (statement ids, e.g. one page of ``changes_in_period``), just those.

    "Before" is the contribution's previous statement, whatever its date, so that the first
    statement in the period is compared with what stood before the period began. One query:
    the whole history up to ``last`` of the contributions concerned, paired by ``timeline``.
    """
    in_period = Statement.objects.published_between(first, last)
    if only is not None:
        in_period = in_period.filter(pk__in=only)
    history = (
        Statement.objects.filter(
            contribution__in=in_period.values("contribution"), document_date__lte=last
        )
        .with_related()
        .order_by()
    )
    wanted = set(only) if only is not None else None
    entries = [
        entry
        for entry in timeline(history)
        if entry.statement.document_date >= first
        and (wanted is None or entry.statement.pk in wanted)
    ]
    entries.sort(
        key=lambda entry: (
            entry.statement.document_date,
            entry.statement.document_id,
            entry.statement.contribution.mission.name,
            entry.statement.contribution.name,
        )
    )
    return entries


# --- Transcription fixes: a statement edited after it was recorded ---------------------------


@dataclass(frozen=True)
class TranscriptionFix:
    """An edit of a recorded statement: the document said it all along, the record was wrong.

    A document is never rewritten to say something new (that is a new statement from a new
    document); what an edit fixes is the transcription, and the changes report lists it with who
    made it, when and why."""

    statement: Statement
    when: datetime
    who: str
    reason: str
    changes: list[FieldChange]


def transcription_fixes(first: date, last: date) -> list[TranscriptionFix]:
    """Edits of statements made from ``first`` to ``last`` (both days included) that changed a
    compared field, oldest first. Two queries: the edits, then each edited statement's history
    up to the last edit (to compare every edit with the version before it)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    history = Statement.history.model.objects
    edited = history.filter(history_type="~", history_date__gte=start, history_date__lt=end)
    versions = (
        history.filter(id__in=edited.values("id"), history_date__lt=end)
        .select_related("history_user", "document", "contribution__mission")
        .order_by("id", "history_date", "history_id")
    )
    fixes = []
    previous: dict[int, Statement] = {}
    for version in versions:
        instance = version.instance
        before = previous.get(version.id)
        previous[version.id] = instance
        if version.history_type != "~" or before is None or version.history_date < start:
            continue
        changes = compare(before, instance)
        if changes:
            user = version.history_user
            fixes.append(
                TranscriptionFix(
                    instance,
                    version.history_date,
                    user.get_username() if user else "",
                    version.history_change_reason or "",
                    changes,
                )
            )
    fixes.sort(key=lambda fix: fix.when)
    return fixes
