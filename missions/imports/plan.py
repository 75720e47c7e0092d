"""What a preview shows and a confirmation applies: a verdict per row, and the records to write."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.imports.rows import RowError
from missions.imports.targets import Target

# Order of writing: a record before the records that point to it.
KINDS = ("organization", "region", "document", "mission", "contribution", "statement")
KIND_LABELS = {
    "organization": gettext_lazy("organization"),
    "region": gettext_lazy("region"),
    "document": gettext_lazy("source document"),
    "mission": gettext_lazy("mission"),
    "contribution": gettext_lazy("contribution"),
    "statement": gettext_lazy("statement"),
}


class Verdict(models.TextChoices):
    NEW = "new", gettext_lazy("new")
    CHANGED = "changed", gettext_lazy("changed")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")
    ERROR = "error", gettext_lazy("error")


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    label: str
    verdict: Verdict
    changes: list[Change] = field(default_factory=list)
    creates: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Plan:
    filename: str
    rows: list[RowPlan]
    warnings: list[str] = field(default_factory=list)
    # kind -> records to create or change, in the order of KINDS when applied.
    targets: dict[str, list[Target]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.verdict for row in self.rows)
        return {verdict.value: counted[verdict] for verdict in Verdict}

    @property
    def rows_to_check(self) -> list[RowPlan]:
        """The rows a preview shows first: those that change something, or cannot be read."""
        return [row for row in self.rows if row.verdict != Verdict.UNCHANGED]

    @property
    def has_errors(self) -> bool:
        return any(row.verdict == Verdict.ERROR for row in self.rows)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def fingerprint(self) -> str:
        """Equal for two plans that would show the analyst the same preview."""
        shown = [
            (r.row, r.verdict, [vars(c) for c in r.changes], r.creates, [str(e) for e in r.errors])
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()


def display(value: Any) -> str:
    if isinstance(value, Target):
        return str(value)
    if value is None or value == "":
        return _("(empty)")
    if value is True:
        return _("open-ended")
    if value is False:
        return _("not open-ended")
    return str(value)
