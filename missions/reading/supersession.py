"""The second end of every statement's line of time, and the corrections chain, kept in step.

A statement is in force from its document's date up to (not including) the date of the next
statement about the same contribution; "next" orders by document date, then document id, the
same rule as everywhere else. ``superseded_on`` stores that date (empty while it is the latest),
so that "as of D" is a range filter on two indexed columns instead of a subquery per row.

``corrected_by`` stores, for a statement that a later correction names, the last correction of
its chain, so that "on D, as we know it now" is one join.

Every write path calls ``refresh_supersession`` (the model signals for saves and deletes, the
document's date change, bulk loads after they finish); ``supersession_mismatches`` recomputes
both columns from scratch and lists every row whose stored value differs, for the
``check_statements`` command and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction

# Contributions per UPDATE when a set is given: bounded parameter lists on every database.
_CHUNK = 500

# The date of the next statement of the same contribution, per statement, from scratch.
_NEXT_DATES = """
    SELECT id,
           LEAD(document_date) OVER (
               PARTITION BY contribution_id ORDER BY document_date, document_id
           ) AS next_date
    FROM missions_statement
    {where}
"""


def _distinct(left: str, right: str) -> str:
    # NULL-safe "differs": PostgreSQL spells it IS DISTINCT FROM, SQLite IS NOT.
    if connection.vendor == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def _refresh_dates(where: str, params: list[int] | list[list[int]]) -> int:
    next_dates = _NEXT_DATES.format(where=where)
    sql = f"""
        UPDATE missions_statement
        SET superseded_on = nd.next_date
        FROM ({next_dates}) AS nd
        WHERE missions_statement.id = nd.id
          AND {_distinct("missions_statement.superseded_on", "nd.next_date")}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        yield unique[start : start + _CHUNK]


def refresh_supersession(contribution_ids: Iterable[int] | None = None) -> int:
    """Recompute ``superseded_on`` and ``corrected_by`` for these contributions (all if None).

    Set-based: one UPDATE per chunk of contributions, plus one small query for corrections
    (they are rare). Returns how many rows changed. Runs in the caller's transaction.
    """
    changed = 0
    with transaction.atomic():
        if contribution_ids is None:
            changed += _refresh_dates("", [])
        elif connection.vendor == "postgresql":
            # One statement for any number: PostgreSQL takes the ids as one array parameter,
            # and one window over the lot costs less than forty over 500 contributions each.
            changed += _refresh_dates(
                "WHERE contribution_id = ANY(%s)", [sorted(set(contribution_ids))]
            )
        else:
            for chunk in _chunks(contribution_ids):
                placeholders = ", ".join(["%s"] * len(chunk))
                changed += _refresh_dates(f"WHERE contribution_id IN ({placeholders})", chunk)
        changed += _refresh_corrections()
    return changed


def _final_corrections() -> dict[int, int]:
    """Statement id -> the last correction of its chain (a correction may itself be corrected).

    When two corrections name the same statement, the later one (by document date, then
    document id) is the one that stands. Plain SQL: corrections are few, and this module sits
    below the models (they call it), so it does not import them.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, corrects_id, document_date, document_id FROM missions_statement "
            "WHERE corrects_id IS NOT NULL"
        )
        rows = cursor.fetchall()
    direct: dict[int, tuple[str, int, int]] = {}
    for pk, corrects_id, day, document_id in rows:
        key = (str(day), document_id, pk)
        if corrects_id not in direct or key > direct[corrects_id]:
            direct[corrects_id] = key
    final = {}
    for corrected, (_day, _document, correction) in direct.items():
        seen = {corrected}
        current = correction
        while current in direct and current not in seen:
            seen.add(current)
            current = direct[current][2]
        final[corrected] = current
    return final


def _stored_corrections() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, corrected_by_id FROM missions_statement WHERE corrected_by_id IS NOT NULL"
        )
        return dict(cursor.fetchall())


def _refresh_corrections() -> int:
    final = _final_corrections()
    stored = _stored_corrections()
    updates: list[tuple[int | None, int]] = [(None, pk) for pk in stored.keys() - final.keys()]
    updates += [(fix, pk) for pk, fix in final.items() if stored.get(pk) != fix]
    if updates:
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE missions_statement SET corrected_by_id = %s WHERE id = %s", updates
            )
    return len(updates)


def supersession_mismatches() -> list[str]:
    """Every statement whose stored ``superseded_on`` or ``corrected_by`` differs from the value
    recomputed from scratch, one line each; empty when the stored columns are right."""
    sql = f"""
        SELECT s.id, s.superseded_on, nd.next_date
        FROM missions_statement s JOIN ({_NEXT_DATES.format(where="")}) AS nd ON s.id = nd.id
        WHERE {_distinct("s.superseded_on", "nd.next_date")}
    """
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for pk, stored, expected in cursor.fetchall():
            problems.append(f"statement {pk}: superseded_on {stored} (should be {expected})")
    final = _final_corrections()
    stored_corrections = _stored_corrections()
    for pk in sorted(final.keys() | stored_corrections.keys()):
        if final.get(pk) != stored_corrections.get(pk):
            problems.append(
                f"statement {pk}: corrected_by {stored_corrections.get(pk)} "
                f"(should be {final.get(pk)})"
            )
    return problems
