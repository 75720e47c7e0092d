"""Template filters for figures and dates, so templates only display what Python decided."""

from __future__ import annotations

from datetime import date

from django import template

from missions import dates
from missions.reading import remaining
from missions.web import formatting

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
