"""Cells of the contributions layout computed from several fields of a statement row.

Plain functions of plain values (the fields a column reads, in order), so an export computes
them from tuples and the API from a loaded statement alike (``missions.columns``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from missions.exports.writers import Cell
from missions.reading.querysets import document_reference


def qualifier_cell(qualifier: str, *figures: int | None) -> Cell:
    """Empty on a row that gives no figure at all: "exact" would qualify nothing."""
    return qualifier if any(figure is not None for figure in figures) else ""


def cited(*paths: str) -> tuple[str, ...]:
    """The fields of the statement a row cites, then those of the statement it corrects: a
    correction standing in for the statement in force (``shown_in_place``) cites the latter."""
    return ("shown_in_place", *paths, *(f"corrects__{path}" for path in paths))


def pick_cited(compute: Callable[..., Cell] | None = None) -> Callable[..., Cell]:
    def cell(in_place: bool, *values: Any) -> Cell:
        half = len(values) // 2
        chosen = values[half:] if in_place else values[:half]
        return compute(*chosen) if compute else chosen[0]

    return cell


def correction_cell(
    in_place: bool,
    dossier: str,
    number: str,
    title: str,
    location: str,
    later_dossier: str | None,
    later_number: str | None,
    later_title: str | None,
    later_location: str | None,
) -> Cell:
    """ "29521-497, answer 11": the correction standing in for this row, or made later."""
    where: str | None
    if in_place:
        reference, where = document_reference(dossier, number, title), location
    elif later_title is not None:
        reference = document_reference(later_dossier or "", later_number or "", later_title)
        where = later_location
    else:
        return ""
    return f"{reference}, {where}" if where else reference


def inferred_cell(
    date_inferred: bool,
    number_inferred: bool,
    document_note: str,
    start_inferred: bool,
    end_inferred: bool,
    note: str,
) -> Cell:
    """What the row gives that its source does not state, with how it was inferred:
    "source date, source number (…); end (derived: …)". Empty when everything is stated."""
    parts = []
    flags = (("source date", date_inferred), ("source number", number_inferred))
    document_parts = [name for name, flag in flags if flag]
    if document_parts:
        parts.append(", ".join(document_parts) + (f" ({document_note})" if document_note else ""))
    flags = (("start", start_inferred), ("end", end_inferred))
    statement_parts = [name for name, flag in flags if flag]
    if statement_parts:
        parts.append(", ".join(statement_parts) + (f" ({note})" if note else ""))
    return "; ".join(parts)
