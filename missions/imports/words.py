"""The Dutch words a desk writes for a status, a qualifier, a precision or a statement kind.

Beside the stored values and the (translated) labels, which ``rows.read_choice`` accepts too.
"""

from __future__ import annotations

from django.db import models

from missions.dates import Precision
from missions.models import Qualifier, StatementKind, Status

DUTCH_WORDS: dict[type[models.TextChoices], dict[str, str]] = {
    Status: {
        "voortgezet": Status.CONTINUED,
        "voortzetting": Status.CONTINUED,
        "verlengd": Status.EXTENDED,
        "verlenging": Status.EXTENDED,
        "opgeschaald": Status.SCALED_UP,
        "uitgebreid": Status.SCALED_UP,
        "afgeschaald": Status.SCALED_DOWN,
        "verkleind": Status.SCALED_DOWN,
        "nieuw": Status.NEW,
        "verkend": Status.EXPLORED,
        "verkenning": Status.EXPLORED,
        "niet haalbaar": Status.NOT_FEASIBLE,
        "niet mogelijk": Status.NOT_FEASIBLE,
        "beëindigd": Status.ENDED,
        "beeindigd": Status.ENDED,
        "afgelopen": Status.ENDED,
    },
    Qualifier: {
        "precies": Qualifier.EXACT,
        "ongeveer": Qualifier.APPROXIMATELY,
        "circa": Qualifier.APPROXIMATELY,
        "ca.": Qualifier.APPROXIMATELY,
        "~": Qualifier.APPROXIMATELY,
        "maximaal": Qualifier.AT_MOST,
        "max.": Qualifier.AT_MOST,
        "ten hoogste": Qualifier.AT_MOST,
        "minimaal": Qualifier.AT_LEAST,
        "min.": Qualifier.AT_LEAST,
        "ten minste": Qualifier.AT_LEAST,
        "tenminste": Qualifier.AT_LEAST,
    },
    Precision: {"dag": Precision.DAY, "maand": Precision.MONTH, "jaar": Precision.YEAR},
    StatementKind: {
        "besluit": StatementKind.DECISION,
        "correctie": StatementKind.CORRECTION,
        "informatie": StatementKind.INFORMATION,
    },
}
