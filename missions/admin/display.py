"""How the admin writes figures, statuses and periods: the display vocabulary of the pages
(``missions.web.formatting``), so a statement reads the same in the back office as on the site:
"~10", "at most 10 (4 military, 2 civilian, 1 police)", "9 July 2025 - end of June 2028"."""

from __future__ import annotations

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from missions.models import Mission, Statement
from missions.web import formatting

# Kept for the admin modules that still write a bare dash (statements, documents); new code
# calls ``not_stated()``.
EMPTY = "—"


def not_stated() -> SafeString:
    """An empty cell: the pages' "not stated" mark, not a bare dash."""
    return formatting.not_stated()


def figure(number: int | None, qualifier: str) -> str:
    """ "~10", "at most 10"; "" when unknown."""
    return formatting.personnel_with_qualifier(number, qualifier)


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
    """'9 July 2025 - end of June 2028', 'start not stated - open-ended', 'not stated'."""
    return formatting.period_text(statement)


def status(value: str | None) -> SafeString:
    """A status in the pages' badge; the "not stated" mark when there is none."""
    return formatting.status_badge(value) if value else not_stated()


def strength(mission: Mission) -> str:
    """'~70', '388 (159 military)'."""
    total = figure(mission.total_strength, mission.total_strength_qualifier)
    if total and mission.military_strength is not None:
        return gettext("%(total)s (%(military)s military)") % {
            "total": total,
            "military": mission.military_strength,
        }
    return total
