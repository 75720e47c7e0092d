"""The reports: personnel summaries, expiring mandates, and what changed between two dates.

Each report is computed here, once, and read by its page, its download and the ``report``
command alike. Every report runs a fixed number of queries, whatever the number of rows. The
summary lives in ``missions.reading.summaries`` and is re-exported here, the reports' one entry
point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.utils import timezone

from missions.models import Statement
from missions.reading.diffs import (
    COMPARED_READS,
    FieldChange,
    TimelineEntry,
    compare,
)
from missions.reading.querysets import StatementQuerySet
from missions.reading.remaining import statement_time_left
from missions.reading.summaries import (
    APART_LABELS,
    FIGURES,
    SUMMARY_BY,
    SUMMARY_BY_LABELS,
    Figure,
    Summary,
    SummaryBy,
    SummaryRow,
    summaries,
    summary,
)

__all__ = [
    "APART_LABELS",
    "FIGURES",
    "SUMMARY_BY",
    "SUMMARY_BY_LABELS",
    "Figure",
    "Summary",
    "SummaryBy",
    "SummaryRow",
    "summaries",
    "summary",
]

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
    # An expiring statement always states its end (``expiring_within`` keeps no other).
    return [
        ExpiringRow(s, (cast(date, s.end_date) - today).days, statement_time_left(s, today))
        for s in statements
    ]


# --- Changes between two dates -------------------------------------------------------------


# The order of the changes report: by document, then mission and contribution.
CHANGES_ORDER = (
    # The document's date, not the statement's copy of it: the order of the date index that
    # ``published_between`` walks, so a page is read in order and the reading stops after it.
    "document__date",
    "document_id",
    "contribution__mission__name",
    "contribution__name",
    "pk",
)


def changes_in_period(first: date, last: date) -> StatementQuerySet:
    """The statements the changes report lists, in its order (for counting and paging)."""
    return Statement.objects.published_between(first, last).order_by(*CHANGES_ORDER)


def changes(
    first: date, last: date, only: list[int] | None = None, *, whole_rows: bool = False
) -> list[TimelineEntry]:
    """Every statement from a document dated ``first`` to ``last``, with the one before it;
    with ``only`` (statement ids, e.g. one page of ``changes_in_period``), just those.

    "Before" is the contribution's previous statement, whatever its date, so that the first
    statement in the period is compared with what stood before the period began. Two queries:
    the listed statements with their sources, contributions and missions (what a row shows),
    then the statements they superseded, with only the fields compared. ``whole_rows`` reads
    both with everything a contributions row has (``with_related``; the API gives both in
    full).
    """
    in_period = Statement.objects.published_between(first, last)
    if only is not None:
        in_period = in_period.filter(pk__in=only)
    rows = in_period.with_related() if whole_rows else in_period.with_citations()
    shown = list(rows.order_by())
    before = _previous_statements(shown, in_period, first, last, whole_rows)
    shown_values: dict[tuple, str] = {}
    entries = []
    for statement in shown:
        previous = before.get(statement.pk)
        entries.append(
            TimelineEntry(statement, previous, compare(previous, statement, shown_values))
        )
    entries.sort(
        key=lambda entry: (
            entry.statement.document_date,
            entry.statement.document_id,
            entry.statement.contribution.mission.name,
            entry.statement.contribution.name,
        )
    )
    return entries


def _previous_statements(
    shown: list[Statement],
    in_period: StatementQuerySet,
    first: date,
    last: date,
    whole_rows: bool,
) -> dict[int, Statement]:
    """Each of the ``shown`` statements (of ``in_period``) -> the statement of its contribution
    just before it, when it had one.

    A statement's ``superseded_on`` is the date of the next one (``missions.reading.supersession``,
    kept on every write), so the statements superseded within the period are exactly those
    that stand before one of the period's: read those (not the contributions' whole history),
    and pair each statement with the latest of them, in the order of every timeline (document
    date, then document), that its contribution had when its own document came."""
    candidates = Statement.objects.filter(
        contribution__in=in_period.values("contribution"),
        superseded_on__gte=first,
        superseded_on__lte=last,
    ).order_by()
    if whole_rows:
        candidates = candidates.with_related()
    else:
        # What is compared, and how statements pair up: the page and the download read no
        # more of an entry's "before".
        candidates = candidates.only(
            *COMPARED_READS, "contribution", "document", "document_date", "superseded_on"
        )
    superseded: dict[tuple[int, date], list[Statement]] = defaultdict(list)
    for candidate in candidates:
        superseded[(candidate.contribution_id, cast(date, candidate.superseded_on))].append(
            candidate
        )
    before = {}
    for statement in shown:
        # Those superseded on its date: the one before it, and any earlier the same day's.
        place = (statement.document_date, statement.document_id)
        earlier = [
            candidate
            for candidate in superseded.get(
                (statement.contribution_id, statement.document_date), ()
            )
            if (candidate.document_date, candidate.document_id) < place
        ]
        if earlier:
            before[statement.pk] = max(earlier, key=lambda c: (c.document_date, c.document_id))
    return before


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
