"""How figures read: one place for "~10", "max. 10", "min. 10", and unknown as empty."""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from missions.models import Qualifier


def qualifier_prefix(qualifier: str) -> str:
    return {
        Qualifier.APPROXIMATELY: "~",
        Qualifier.AT_MOST: _("max. "),
        Qualifier.AT_LEAST: _("min. "),
    }.get(qualifier, "")


def personnel_with_qualifier(count: int | None, qualifier: str) -> str:
    """``10`` with its qualifier: "~10" for circa, "max. 10" for at most; "" when unknown."""
    if count is None:
        return ""
    return f"{qualifier_prefix(qualifier)}{count}"


def figure_text(known: int | None, approximate: bool, unknown: int) -> str:
    """A summed figure as a reader must see it: "~12 (3 unknown)", "150", or "unknown" when no
    contribution states one; never 0 for what nobody stated. "~" marks a sum that adds a
    "circa", "at most" or "at least" figure."""
    if known is None:
        return _("unknown")
    shown = f"{'~' if approximate else ''}{intcomma(known)}"
    if not unknown:
        return shown
    return ngettext("%(figure)s (%(count)s unknown)", "%(figure)s (%(count)s unknown)", unknown) % {
        "figure": shown,
        "count": intcomma(unknown),
    }
