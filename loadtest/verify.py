"""Was any analyst's save or import lost? Read every edited statement and every imported letter
back from the database.

Imports: each cited a letter of its own, so the statements of that letter are what it wrote. A
confirmed import must have written every row, with the figures of its file; a refused one
nothing; one whose confirm failed (the database restarting, say) all or nothing, never a part.

Each save wrote a unique value and started from the value it loaded (its base). Saves that are
correctly serialized form one chain per statement: initial -> v1 -> v2 -> ... -> the stored
value. A save is lost when it is not on that chain: two successful saves from the same base (one
overwrote the other without seeing it), a chain that stops short of the stored value, or a save
that reported success but whose value was never built on and is not stored.
"""

from __future__ import annotations

from collections import defaultdict

import psycopg

from loadtest.users import Import, Save


def stored_notes(database_url: str, statement_ids: list[str]) -> dict[str, str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT id, notes FROM missions_statement WHERE id = ANY(%s)",
            ([int(pk) for pk in statement_ids],),
        ).fetchall()
    return {str(pk): notes for pk, notes in rows}


def lost_saves(saves: list[Save], initial: dict[str, str], stored: dict[str, str]) -> list[str]:
    """Problems found, one line each; empty when every successful save is accounted for."""
    problems = []
    by_statement: dict[str, list[Save]] = defaultdict(list)
    for save in saves:
        by_statement[save.statement].append(save)
    for statement, made in sorted(by_statement.items()):
        problems += _check_chain(statement, made, initial[statement], stored.get(statement))
    return problems


def _check_chain(statement: str, saves: list[Save], initial: str, stored: str | None) -> list[str]:
    saved = [s for s in saves if s.outcome == "saved"]
    # A save that errored (e.g. while the database restarted) may or may not have been written.
    unknown = [s for s in saves if s.outcome == "error"]
    refused = {s.value for s in saves if s.outcome == "conflict"}
    problems = []
    from_base: dict[str, list[Save]] = defaultdict(list)
    for save in saved:
        from_base[save.base].append(save)
    for base, rivals in from_base.items():
        if len(rivals) > 1:
            values = ", ".join(s.value for s in rivals)
            problems.append(f"statement {statement}: saves {values} all started from {base!r}")
    if stored in refused:
        problems.append(f"statement {statement}: a refused save ({stored}) was written")

    maybe = {s.base: s for s in unknown}
    # Walk from the initial value, confirmed saves first, then saves of unknown outcome.
    path, steps = [initial], []
    while True:
        step = from_base.get(path[-1], [None])[0] or maybe.get(path[-1])
        if step is None or step.value in path:
            break
        path.append(step.value)
        steps.append(step)
    if stored not in path:
        problems.append(
            f"statement {statement}: the saves lead to {path[-1]!r}, but {stored!r} is stored"
        )
        return problems
    # The stored value may stop short of the path's end only where the rest are saves whose
    # answer was lost (the restart): they were not written, which is allowed; a confirmed one
    # beyond it was lost.
    written = set(path[: path.index(stored) + 1])
    for save in saved:
        if save.value not in written:
            problems.append(f"statement {statement}: the save of {save.value} was lost")
    return problems


def stored_imports(database_url: str, references: list[str]) -> dict[str, list[int | None]]:
    """The military figures each letter's statements say, by reference (dossier-number)."""
    numbers = [reference.partition("-")[2] for reference in references]
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT d.dossier, d.number, s.military FROM missions_statement s "
            "JOIN missions_sourcedocument d ON d.id = s.document_id "
            "WHERE d.dossier = '99521' AND d.number = ANY(%s)",
            (numbers,),
        ).fetchall()
    stored: dict[str, list[int | None]] = defaultdict(list)
    for dossier, number, military in rows:
        stored[f"{dossier}-{number}"].append(military)
    return dict(stored)


def lost_imports(imports: list[Import], stored: dict[str, list[int | None]]) -> list[str]:
    """Problems found, one line each; empty when every import is all or nothing as it should."""
    problems = []
    for done in imports:
        found = sorted(m for m in stored.get(done.reference, []) if m is not None)
        wanted = sorted(done.military)
        if done.outcome == "saved" and found != wanted:
            problems.append(
                f"import {done.reference} (previewed on {done.previewed_on}, confirmed on "
                f"{done.confirmed_on}) was confirmed, but {found} is stored, not {wanted}"
            )
        elif done.outcome == "conflict" and found:
            problems.append(f"import {done.reference} was refused, but {found} is stored")
        elif done.outcome == "error" and found and found != wanted:
            problems.append(f"import {done.reference} failed and left a part: {found}")
    return problems
