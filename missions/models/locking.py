"""Optimistic locking: a save based on a version someone else has moved past is refused.

Every tracker row carries ``version``. Saving an existing row first moves the row from the
version the editor loaded to the next one with a single conditional UPDATE
(``... SET version = version + 1 WHERE pk = %s AND version = %s``). The database evaluates that
condition under the row lock, so of several concurrent saves of the same loaded version exactly
one matches a row; the others match none and are refused with ``StaleEditError`` instead of
silently overwriting the first. This holds for every caller (admin, import, shell), not only for
forms that happen to compare versions first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

if TYPE_CHECKING:
    from missions.models import TrackedModel


class StaleEditError(Exception):
    """The row was changed (or deleted) after the editor loaded it; nothing was written."""

    def __init__(self, instance: TrackedModel, expected: int, current: int | None) -> None:
        self.model = type(instance)
        self.pk = instance.pk
        self.expected = expected
        # None when the row is gone: someone deleted it meanwhile.
        self.current = current
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.current is None:
            return gettext("Someone else deleted this record while you were editing it.")
        return gettext(
            "Someone else changed this record while you were editing it (now version %(version)s)."
        ) % {"version": self.current}


def claim_next_version(instance: TrackedModel, using: str, *, absent_ok: bool = False) -> None:
    """Move the stored row from ``instance.version`` to the next version, or refuse.

    Call inside a transaction that also writes the new values, so that a failure of that write
    undoes the claim. On success ``instance.version`` is the new version. ``absent_ok`` lets a
    missing row pass (the caller inserts it) instead of reading as "deleted meanwhile".
    """
    expected = instance.version
    rows = type(instance)._default_manager.db_manager(using).filter(pk=instance.pk)
    if rows.filter(version=expected).update(version=expected + 1):
        instance.version = expected + 1
        return
    current = rows.values_list("version", flat=True).first()
    if current is None and absent_ok:
        return
    raise StaleEditError(instance, expected, current)
