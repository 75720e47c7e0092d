"""Preview and confirm: the dry run that writes nothing, and the apply that writes all or nothing.

Confirming builds the plan again from the stored rows inside the transaction that applies it,
so it works on the database as it is now, not as it was at the preview; if that plan differs
from the one the analyst saw, nothing is applied and the new preview is shown instead.
"""

from __future__ import annotations

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from missions.imports.plan import KINDS, Plan
from missions.imports.planning import build_plan
from missions.imports.reading import Table
from missions.locking import StaleEditError

# simple_history keeps the reason in a column of 100 characters.
REASON_LENGTH = 100


class ImportRefused(Exception):
    """The confirmation did not apply; ``plan`` (if any) is the preview to show instead."""

    def __init__(self, message: str, plan: Plan | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.plan = plan


def change_reason(filename: str) -> str:
    reason = _("Imported from %(file)s") % {"file": filename or _("a file")}
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


def preview_import(table: Table, filename: str) -> Plan:
    """The plan, computed in a transaction that is always rolled back: a dry run stays dry."""
    with transaction.atomic():
        plan = build_plan(table, filename)
        transaction.set_rollback(True)
    return plan


def apply_plan(plan: Plan, reason: str) -> dict[str, int]:
    """Save every record the plan creates or changes, in dependency order; counts per kind.

    Call inside ``transaction.atomic()``: a failure halfway must take the first half with it.
    Each saved record gets its audit-trail row with ``reason`` (and the request's user, which
    simple_history's middleware provides).
    """
    if plan.has_errors:
        raise ImportRefused(_("The file has errors; nothing was imported."), plan)
    written = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        saved: dict[str, list] = {"created": [], "changed": []}
        for target in plan.targets[kind]:
            outcome = target.apply()
            if outcome:
                saved[outcome].append(target.instance)
        for outcome, instances in saved.items():
            if instances:
                model = type(instances[0])
                model.history.bulk_history_create(
                    instances, update=outcome == "changed", default_change_reason=reason
                )
        written[kind] = len(saved["created"]) + len(saved["changed"])
    return written


def confirm_import(table: Table, filename: str, fingerprint: str) -> tuple[Plan, dict[str, int]]:
    """Apply the rows if they still give the preview the analyst saw; all rows or none."""
    try:
        with transaction.atomic():
            plan = build_plan(table, filename)
            if plan.fingerprint != fingerprint:
                raise ImportRefused(
                    _(
                        "The data changed since your preview, so nothing was imported. "
                        "Check the new preview and confirm again."
                    ),
                    plan,
                )
            written = apply_plan(plan, change_reason(filename))
    except (IntegrityError, DataError, StaleEditError) as exc:
        # Another import or an admin save created or changed the same record a moment earlier.
        raise ImportRefused(
            _("The import clashed with a change made at the same time; nothing was imported.")
        ) from exc
    return plan, written
