"""How figures read: one place for "~10", "max. 10", "min. 10", and unknown as empty."""

from __future__ import annotations

from django.utils.translation import gettext as _

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
