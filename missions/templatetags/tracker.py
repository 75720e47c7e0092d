"""Template filters for figures and dates, so templates only display what Python decided."""

from __future__ import annotations

from datetime import date

from django import template

from missions import dates
from missions.reading import remaining
from missions.web import cells, formatting

register = template.Library()


@register.filter
def time_left(end: date | None, today: date) -> str:
    """``{{ statement.end_date|time_left:today }}``: "7 months", "12 days", "ended"."""
    return dates.time_left(end, today)


@register.filter
def precise(value: date | None, precision: str | None) -> str:
    """``{{ day|precise:"month" }}``: a date written as precisely as it is known."""
    return dates.format_precise(value, precision)


@register.filter
def with_qualifier(count: int | None, qualifier: str) -> str:
    """``{{ statement.effective_total|with_qualifier:statement.qualifier }}``: "~10", "max. 10"."""
    return formatting.personnel_with_qualifier(count, qualifier)


@register.filter
def figure(value) -> str:
    """``{{ row.military|figure }}``: a summary cell, "~12 (3 unknown)" or "unknown"."""
    return formatting.figure_text(value.known, value.approximate, value.unknown)


@register.filter
def time_left_of(statement, day: date) -> str:
    """``{{ statement|time_left_of:day }}``: from the day shown, at the end's precision."""
    return remaining.statement_time_left(statement, day)


@register.filter
def precise_start(value: date | None, precision: str | None) -> str:
    """``{{ document.date|precise_start:document.date_precision }}``: "May 2025", not "end of"."""
    return dates.format_precise(value, precision, dates.Bound.START)


@register.filter
def document_day(document, day_format: str = "DATE_FORMAT") -> str:
    """``{{ document|document_day }}``: its date as far as the source gives it ("May 23, 2025",
    "January 2024"); ``{{ document|document_day:"j F Y" }}`` writes a day that way."""
    return formatting.document_day(document, day_format)


# --- The display vocabulary (missions.web.formatting), one tag per thing ----------------------


@register.simple_tag
def status_badge(status: str) -> str:
    """``{% status_badge statement.status %}``: the status in a badge."""
    return formatting.status_badge(status)


@register.simple_tag
def mission_status_badge(status: str) -> str:
    """``{% mission_status_badge said.status %}``: what a document says of a mission itself."""
    return formatting.status_badge(status, mission=True)


@register.filter
def count_or_not_stated(count: int | None) -> str:
    """``{{ statement.military|count_or_not_stated }}``: "4", or the "not stated" mark."""
    return formatting.count_or_not_stated(count)


@register.filter
def figure_or_not_stated(count: int | None, qualifier: str) -> str:
    """``{{ mission.total_strength|figure_or_not_stated:mission.total_strength_qualifier }}``."""
    return formatting.figure_or_not_stated(count, qualifier)


@register.filter
def total_of(statement) -> str:
    """``{{ statement|total_of }}``: "~10", "at most 10", or the "not stated" mark."""
    return formatting.total_of(statement)


@register.filter
def period(statement) -> str:
    """``{{ statement|period }}``: "9 July 2025 - end of June 2028", "not stated"."""
    return formatting.period_text(statement)


@register.simple_tag
def ending_rows(rows, day: date, organization: bool = False) -> str:
    """``{% ending_rows rows day organization %}``: the ending-soon table's rows, in one pass."""
    return cells.ending_rows(rows, day, bool(organization))


@register.simple_tag
def change_rows(entries) -> str:
    """``{% change_rows entries %}``: the changes report's rows, in one pass."""
    return cells.change_rows(entries)


@register.simple_tag
def source_link(statement) -> str:
    """``{% source_link statement %}``: reference, location, and "corrected by" when so."""
    return formatting.source_link(statement)


@register.simple_tag
def not_stated() -> str:
    """``{% not_stated %}``: the mark for a value the documents do not give."""
    return formatting.not_stated()
