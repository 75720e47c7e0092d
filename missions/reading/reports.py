"""The reports: personnel summaries, expiring mandates, and what changed between two dates.

Each report is computed here, once, and read by its page, its download and the ``report``
command alike. Every report runs a fixed number of queries, whatever the number of rows. The
summary lives in ``missions.reading.summaries`` and is re-exported here, the reports' one entry
point.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
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
from missions.reading.querysets import (
    EXPORT_CHUNK_ROWS,
    StatementQuerySet,
    in_read_transaction,
)
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


# What pairs a statement with the one before it, and what is compared: every entry reads these.
_PAIRED = (*COMPARED_READS, "contribution", "document", "document_date", "superseded_on")

# What a page's row shows besides what is compared (``missions.web.cells.change_rows`` and its
# source link): the page reads no other column of the six tables its rows join (51 columns a
# row instead of 157, each converted to Python and most never shown).
_SHOWN_DOCUMENT = ("dossier", "number", "title", "date", "date_precision", "date_inferred")
CHANGE_ROW_READS: tuple[str, ...] = (
    *_PAIRED,
    "contribution__name",
    "contribution__mission__name",
    "contribution__mission__acronym",
    "kind",
    "location",
    *(f"document__{name}" for name in _SHOWN_DOCUMENT),
    *(
        f"{other}__{path}"
        for other in ("corrects", "corrected_by")
        for path in ("location", *(f"document__{name}" for name in _SHOWN_DOCUMENT))
    ),
)


def changes(
    first: date, last: date, only: list[int] | None = None, *, whole_rows: bool = False
) -> list[TimelineEntry]:
    """Every statement from a document dated ``first`` to ``last``, with the one before it, in
    the report's order (``CHANGES_ORDER``); with ``only`` (statement ids, e.g. one page of
    ``changes_in_period``), just those.

    "Before" is the contribution's previous statement, whatever its date, so that the first
    statement in the period is compared with what stood before the period began. Two queries:
    the listed statements with their sources, contributions and missions (what a row shows),
    then the statements they superseded, with only the fields compared. ``whole_rows`` reads
    both with everything a contributions row has (``with_related``; the API gives both in
    full); otherwise a statement reads only what a row of the page shows (``CHANGE_ROW_READS``).
    """
    if only is not None and not only:
        return []  # an empty page (or period) asks nothing of the database
    in_period = Statement.objects.published_between(first, last)
    if only is not None:
        in_period = in_period.filter(pk__in=only)
    rows = in_period.with_related() if whole_rows else in_period.reading(CHANGE_ROW_READS)
    return list(_entries(in_period, rows, first, last, whole_rows=whole_rows, chunk_size=None))


def stream_changes(first: date, last: date, reads: Iterable[str]) -> Iterator[TimelineEntry]:
    """``changes(first, last)``, read and compared a few hundred statements at a time, for a
    download: the same two queries, streamed, so that memory stays flat and the first row comes
    at once, whatever the period holds. ``reads``: the paths the download writes of each
    statement (``StatementQuerySet.reading``); what pairs and compares them is read too."""
    in_period = Statement.objects.published_between(first, last)
    entries = _entries(
        in_period,
        in_period.reading((*_PAIRED, *reads)),
        first,
        last,
        whole_rows=False,
        chunk_size=EXPORT_CHUNK_ROWS,
    )
    return in_read_transaction(entries, Statement.objects.db)


def _entries(
    in_period: StatementQuerySet,
    rows: StatementQuerySet,
    first: date,
    last: date,
    *,
    whole_rows: bool,
    chunk_size: int | None,
) -> Iterator[TimelineEntry]:
    """The entries of ``in_period``'s statements, in the report's order, each paired with the
    statement of its contribution just before it (when it had one).

    A statement's ``superseded_on`` is the date of the next one (``missions.reading.supersession``,
    kept on every write), so the statements superseded within the period are exactly those
    that stand before one of the period's: those are read (not the contributions' whole
    history), in the order of that date, beside the period's statements in the order of theirs,
    and only one day's are held at a time. ``rows``: ``in_period`` with what each entry reads
    of its statement. ``chunk_size``: read both through iterators."""
    candidates = Statement.objects.filter(
        contribution__in=in_period.values("contribution"),
        superseded_on__gte=first,
        superseded_on__lte=last,
    ).order_by("superseded_on")
    # What is compared, and how statements pair up: the page and the download read no more of
    # an entry's "before".
    candidates = candidates.with_related() if whole_rows else candidates.only(*_PAIRED)
    ordered = rows.order_by(*CHANGES_ORDER)
    statements = iter(ordered) if chunk_size is None else ordered.iterator(chunk_size)
    superseded = iter(candidates) if chunk_size is None else candidates.iterator(chunk_size)
    waiting = next(superseded, None)
    day: date | None = None
    # The statements superseded on ``day``, by contribution: for a statement of that day, the
    # one just before it and, when a document of the same day came first, that one's
    # predecessor too.
    on_day: dict[int, list[Statement]] = defaultdict(list)
    shown_values: dict[tuple, str] = {}
    for statement in statements:
        if statement.document_date != day:
            day = statement.document_date
            on_day = defaultdict(list)
            while waiting is not None and cast(date, waiting.superseded_on) <= day:
                if waiting.superseded_on == day:
                    on_day[waiting.contribution_id].append(waiting)
                waiting = next(superseded, None)
        place = (statement.document_date, statement.document_id)
        earlier = [
            candidate
            for candidate in on_day.get(statement.contribution_id, ())
            if (candidate.document_date, candidate.document_id) < place
        ]
        previous = max(earlier, key=_timeline_place) if earlier else None
        yield TimelineEntry(statement, previous, compare(previous, statement, shown_values))


def _timeline_place(statement: Statement) -> tuple[date, int]:
    return statement.document_date, statement.document_id


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
    compared field, oldest first. One query when the period holds no edit (the usual case: the
    history query, four tables wide, costs more to build than to run); otherwise two: whether
    there is one, then each edited statement's history up to the last edit (to compare every
    edit with the version before it)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    history = Statement.history.model.objects
    edited = history.filter(history_type="~", history_date__gte=start, history_date__lt=end)
    if not edited.exists():
        return []
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
