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


# What each document in a row says of itself (``SourceDocument``): its date inferred, its
# number inferred, how. A column reads them of the row's document, of the document of what it
# corrects and of the document of the correction made since (``INFERRED_FIELDS``).
_DOCUMENT_INFERENCE = ("date_inferred", "number_inferred", "inference_note")
INFERRED_FIELDS: tuple[str, ...] = (
    *cited(*(f"document__{name}" for name in _DOCUMENT_INFERENCE)),
    *(f"corrected_by__document__{name}" for name in _DOCUMENT_INFERENCE),
    "start_inferred",
    "end_inferred",
    "inference_note",
)


def inferred_cell(in_place: bool, *values: Any) -> Cell:
    """What the row gives that its sources do not state, with how it was inferred: "source
    date, source number (…); end (derived: …)". Empty when everything is stated.

    The source is the document the row cites (``cited``); the start and end are the row's own
    (on a corrected view, the correction's values stand in the row); a correction the row
    names (standing in for it, or made since) is a source too: "correction's date, correction's
    number (…)". ``values``: the fields of ``INFERRED_FIELDS`` after ``shown_in_place``."""
    row_document, corrected_document = values[0:3], values[3:6]
    later_document, (start_inferred, end_inferred, note) = values[6:9], values[9:12]
    cited_document, correction_document = (
        (corrected_document, row_document) if in_place else (row_document, later_document)
    )
    parts = [
        _document_inference(cited_document, "source date", "source number"),
        _document_inference(correction_document, "correction's date", "correction's number"),
        _flagged((("start", start_inferred), ("end", end_inferred)), note),
    ]
    return "; ".join(part for part in parts if part)


def _document_inference(flags: tuple[Any, ...], date_name: str, number_name: str) -> str:
    # None throughout where the row names no such document (a LEFT JOIN found nothing).
    date_inferred, number_inferred, note = flags
    return _flagged(((date_name, date_inferred), (number_name, number_inferred)), note)


def _flagged(flags: tuple[tuple[str, Any], ...], note: str | None) -> str:
    """ "start, end (note)" for the names whose flag is set; "" when none is."""
    names = [name for name, flag in flags if flag]
    if not names:
        return ""
    return ", ".join(names) + (f" ({note})" if note else "")
