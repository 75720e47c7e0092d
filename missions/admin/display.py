"""How the admin writes figures and periods: "~10", "7 (4 military, 2 civilian, 1 police)"."""

from __future__ import annotations

from django.utils.translation import gettext

from missions.models import Mission, Qualifier, Statement

EMPTY = "—"

# Short signs keep the column narrow; the change page spells the qualifier out.
QUALIFIER_SIGNS = {
    Qualifier.EXACT: "",
    Qualifier.APPROXIMATELY: "~",
    Qualifier.AT_MOST: "≤",
    Qualifier.AT_LEAST: "≥",
}


def figure(number: int | None, qualifier: str) -> str:
    if number is None:
        return ""
    return f"{QUALIFIER_SIGNS.get(qualifier, '')}{number}"


def personnel(statement: Statement) -> str:
    """The head-count as the source words it: '~10', '7 (4 military, 2 civilian, 1 police)'.

    Unknown stays empty, never 0; the split is shown when the source gives more than a total.
    """
    total = figure(statement.effective_total, statement.qualifier)
    if not total:
        return ""
    parts = [
        gettext("%(count)s military") % {"count": statement.military}
        if statement.military is not None
        else None,
        gettext("%(count)s civilian") % {"count": statement.civilian}
        if statement.civilian is not None
        else None,
        gettext("%(count)s police") % {"count": statement.police}
        if statement.police is not None
        else None,
    ]
    known = [part for part in parts if part]
    if len(known) > 1 or (known and statement.total is not None):
        return f"{total} ({', '.join(known)})"
    return total


def period(statement: Statement) -> str:
    """'9 July 2025 to end of June 2028', 'until 9 July 2025', 'open-ended'."""
    start, end = statement.start_display, statement.end_display
    if start and start == end:
        # "2025 to 2025" says "in 2025".
        return gettext("in %(period)s") % {"period": start}
    if start and end:
        return gettext("%(start)s to %(end)s") % {"start": start, "end": end}
    if end:
        return end if statement.open_ended else gettext("until %(end)s") % {"end": end}
    if start:
        return gettext("from %(start)s") % {"start": start}
    return ""


def strength(mission: Mission) -> str:
    """'~70', '388 (159 military)'."""
    total = figure(mission.total_strength, mission.total_strength_qualifier)
    if total and mission.military_strength is not None:
        return gettext("%(total)s (%(military)s military)") % {
            "total": total,
            "military": mission.military_strength,
        }
    return total
