"""Preview and confirm: the dry run that writes nothing, and the apply that writes all or nothing.

Confirming builds the plan again from the stored rows inside the transaction that applies it,
so it works on the database as it is now, not as it was at the preview; if that plan differs
from the one the analyst saw, nothing is applied and the new preview is shown instead.

Applying is set-based: per kind of record one bulk insert and one bulk update (in batches), the
audit-trail rows likewise, and the statements' line of time refreshed once at the end. A
20,000-row file is then a few hundred queries, not one save (and its own history insert and
supersession refresh) per record.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DataError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.imports import writing
from missions.imports.plan import KINDS, Plan, Target
from missions.imports.planning import build_plan
from missions.imports.reading import Table
from missions.models.locking import StaleEditError
from missions.reading.supersession import refresh_supersession

# simple_history keeps the reason in a column of 100 characters.
REASON_LENGTH = 100
# Rows per INSERT or UPDATE: within SQLite's and PostgreSQL's parameter limits for every model.
BATCH = 500


class ImportRefused(Exception):
    """The confirmation did not apply; ``plan`` (if any) is the preview to show instead."""

    def __init__(self, message: str, plan: Plan | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.plan = plan


def change_reason(filename: str) -> str:
    reason = _("Imported from %(file)s") % {"file": filename or _("a file")}
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a plan is built, written or kept for the preview.

    A 20,000-row file makes some 100,000 objects that all live until the request ends, and each
    full collection walks every one of them: a third of a confirmation's CPU time. They are freed
    by reference counting when the plan goes; the collector resumes (and runs) after.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def preview_import(table: Table, filename: str) -> Plan:
    """The plan, computed in a transaction that is always rolled back: a dry run stays dry."""
    with without_cyclic_gc(), transaction.atomic():
        plan = build_plan(table, filename)
        transaction.set_rollback(True)
    return plan


def apply_plan(plan: Plan, reason: str, user: models.Model | None = None) -> dict[str, int]:
    """Write every record the plan creates or changes, in dependency order; counts per kind.

    Call inside ``transaction.atomic()``: a failure halfway must take the first half with it.
    Each written record gets its audit-trail row with ``reason`` and ``user``.
    """
    if plan.has_errors:
        raise ImportRefused(_("The file has errors; nothing was imported."), plan)
    written = dict.fromkeys(KINDS, 0)
    touched: set[int] = set()
    for kind in KINDS:
        targets = plan.targets[kind]
        created = [t for t in targets if t.is_new]
        changed = [(t, fields) for t in targets if not t.is_new if (fields := t.changed_fields())]
        for target in created:
            target.assign()
        if created:
            writing.insert([t.instance for t in created], reason, user)
        if changed:
            _update(changed, reason, user)
        if kind == "statement":
            touched = {t.instance.contribution_id for t in created + [t for t, _ in changed]}
        written[kind] = len(created) + len(changed)
    refresh_supersession(touched)
    return written


def _update(changed: list[tuple[Target, list[str]]], reason: str, user) -> None:
    """Bulk update, refusing all if any row moved on since it was loaded (as save() would)."""
    targets = [target for target, _fields in changed]
    model = type(targets[0].instance)
    instances = [t.instance for t in targets]
    stored: dict[int, int] = {}
    pks = [instance.pk for instance in instances]
    for start in range(0, len(pks), BATCH):
        rows = model._default_manager.select_for_update().filter(pk__in=pks[start : start + BATCH])
        stored.update(rows.values_list("pk", "version"))
    now = timezone.now()
    for instance in instances:
        if stored.get(instance.pk) != instance.version:
            raise StaleEditError(instance, instance.version, stored.get(instance.pk))
    for target in targets:
        target.assign()
        target.instance.version += 1
        target.instance.updated_at = now
    fields = sorted({model._meta.get_field(f).name for _t, names in changed for f in names})
    model._default_manager.bulk_update(
        instances, [*fields, "version", "updated_at"], batch_size=BATCH
    )
    model.history.bulk_history_create(
        instances, batch_size=BATCH, update=True, default_user=user, default_change_reason=reason
    )


def confirm_import(
    table: Table, filename: str, fingerprint: str, user: models.Model | None = None
) -> tuple[Plan, dict[str, int]]:
    """Apply the rows if they still give the preview the analyst saw; all rows or none.

    The preview had the database judge every row in a savepoint; here the write itself is that
    judgement, so the rows are not written twice. Should it fail, the rows are judged again,
    one by one, to show which one the database refuses.
    """
    try:
        with without_cyclic_gc(), transaction.atomic():
            plan = build_plan(table, filename, check_database=False)
            if plan.fingerprint != fingerprint:
                _refuse_changed(table, filename)
            try:
                with transaction.atomic():
                    written = apply_plan(plan, change_reason(filename), user)
            except (IntegrityError, DataError) as exc:
                judged = build_plan(table, filename)
                if judged.has_errors:
                    raise ImportRefused(
                        _("The file has errors; nothing was imported."), judged
                    ) from exc
                raise
    except (IntegrityError, DataError, StaleEditError) as exc:
        # Another import or an admin save created or changed the same record a moment earlier.
        raise ImportRefused(
            _("The import clashed with a change made at the same time; nothing was imported.")
        ) from exc
    return plan, written


def _refuse_changed(table: Table, filename: str) -> None:
    plan = build_plan(table, filename)
    if plan.has_errors:
        raise ImportRefused(_("The file has errors; nothing was imported."), plan)
    raise ImportRefused(
        _(
            "The data changed since your preview, so nothing was imported. "
            "Check the new preview and confirm again."
        ),
        plan,
    )
