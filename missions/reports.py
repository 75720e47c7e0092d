"""The reports: personnel summaries, expiring mandates, and what changed between two dates.

Each report is computed here, once, and read by its page, its download and the ``report``
command alike. Every report runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.dates import time_left
from missions.diffs import FieldChange, TimelineEntry, compare, timeline
from missions.models import Qualifier, Statement, Status
from missions.querysets import ANY_CATEGORY_KNOWN, EFFECTIVE_TOTAL, StatementQuerySet

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

_TOTAL_UNKNOWN = Q(total__isnull=True) & ~ANY_CATEGORY_KNOWN


@dataclass(frozen=True)
class SummaryRow:
    group: str
    contributions: int
    military: int
    civilian: int
    police: int
    total: int
    # Contributions whose total is unknown: counted here, never added to the sums as 0.
    unknown: int
    # Some known figure in the group is "circa", "at most" or "at least": the sums are too.
    approximate: bool


def summary(statements: StatementQuerySet, by: SummaryBy) -> list[SummaryRow]:
    """Personnel per organization, region or status over ``statements``: one GROUP BY query.

    ``statements`` are the rows to add up, usually ``Statement.objects.as_of(day)``.
    """
    if by not in _GROUP_FIELD:
        raise ValueError(f"cannot summarise by {by!r}")
    key = _GROUP_FIELD[by]
    rows = (
        statements.order_by()
        .values(key)
        .annotate(
            n=Count("pk"),
            military_sum=Sum("military"),
            civilian_sum=Sum("civilian"),
            police_sum=Sum("police"),
            total_sum=Sum(EFFECTIVE_TOTAL),
            unknown_n=Count("pk", filter=_TOTAL_UNKNOWN),
            inexact_n=Count("pk", filter=~Q(qualifier=Qualifier.EXACT) & ~_TOTAL_UNKNOWN),
        )
    )
    # Statuses in their natural order (new ... ended), other groups alphabetically.
    if by == "status":
        order = {value: index for index, value in enumerate(Status.values)}
        rows = sorted(rows, key=lambda row: order.get(row[key], len(order)))
    else:
        rows = sorted(rows, key=lambda row: str(row[key]).casefold())
    return [
        SummaryRow(
            group=_group_label(by, row[key]),
            contributions=row["n"],
            military=row["military_sum"] or 0,
            civilian=row["civilian_sum"] or 0,
            police=row["police_sum"] or 0,
            total=row["total_sum"] or 0,
            unknown=row["unknown_n"],
            approximate=row["inexact_n"] > 0,
        )
        for row in rows
    ]


def _group_label(by: SummaryBy, value: str) -> str:
    if by == "status":
        return str(Status(value).label)
    return value


def summary_total(rows: list[SummaryRow]) -> SummaryRow:
    """The line under a summary table: every group added up."""
    return SummaryRow(
        group=str(_("Total")),
        contributions=sum(row.contributions for row in rows),
        military=sum(row.military for row in rows),
        civilian=sum(row.civilian for row in rows),
        police=sum(row.police for row in rows),
        total=sum(row.total for row in rows),
        unknown=sum(row.unknown for row in rows),
        approximate=any(row.approximate for row in rows),
    )


# --- Expiring mandates ---------------------------------------------------------------------


def expiring(
    statements: StatementQuerySet, months: int, today: date, *, corrected: bool = False
) -> StatementQuerySet:
    """Statements in force on ``today`` whose end falls from that day to ``months`` months on,
    soonest first (``today`` is the day asked about: an as-of day works the same way).

    Only each contribution's statement in force counts; contributions only explored, intended,
    declined or found not feasible commit to nothing, so they have no mandate to expire.
    With ``corrected``, a statement corrected since reads as corrected.
    """
    return (
        statements.as_of(today, corrected=corrected)
        .expiring_within(months=months, today=today)
        .exclude(status__in=Statement.NOT_COMMITTED)
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
