"""Time left until a stated end, counted from the day asked about, at the end's own precision.

An end stated as "end of May 2025" is not a day: as of 1 May 2025 it is "about 1 month" away,
and an end stated only as "2026" is "in 2026" all year long, never "30 days" on 1 December.
A day-precise end keeps ``missions.dates.time_left``'s count ("7 months", "12 days"). The day
is passed in (the as-of day of a page, or today), never read here.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext, ngettext

from missions.dates import MONTHS_EN, MONTHS_NL, Precision, time_left

# Days in an average month: "about N months" rounds to the nearest whole month.
DAYS_PER_MONTH = 30.4375


def time_left_at(
    end: date | None,
    precision: str | None,
    day: date,
    *,
    open_ended: bool = False,
    language: str | None = None,
) -> str:
    """How long from ``day`` until ``end`` (the last day an end covers), in words.

    "" when no end is stated; "open-ended" for an open mandate; "ended" when the whole of the
    stated day, month or year lies before ``day``.
    """
    with translation.override(language or translation.get_language()):
        if end is None:
            return gettext("open-ended") if open_ended else ""
        if precision == Precision.YEAR:
            return _year(end, day)
        if precision == Precision.MONTH:
            return _month(end, day, language)
        return time_left(end, day, language)


def _year(end: date, day: date) -> str:
    if end.year < day.year:
        return gettext("ended")
    if end.year == day.year:
        return gettext("in %(year)s (this year)") % {"year": end.year}
    return gettext("in %(year)s") % {"year": end.year}


def _month(end: date, day: date, language: str | None) -> str:
    if end < day:
        return gettext("ended")
    dutch = (language or translation.get_language() or "en").lower().startswith("nl")
    month = f"{(MONTHS_NL if dutch else MONTHS_EN)[end.month - 1]} {end.year}"
    # The whole of the end's month is left: from the day to the month's last day, included.
    months = round(((end - day).days + 1) / DAYS_PER_MONTH)
    if months < 1:
        return gettext("in %(month)s (under a month)") % {"month": month}
    about = ngettext("about %(count)s month", "about %(count)s months", months) % {"count": months}
    return gettext("in %(month)s (%(about)s)") % {"month": month, "about": about}


def statement_time_left(statement, day: date, language: str | None = None) -> str:
    """``time_left_at`` for a statement's stated end."""
    return time_left_at(
        statement.end_date,
        statement.end_precision,
        day,
        open_ended=statement.open_ended,
        language=language,
    )
