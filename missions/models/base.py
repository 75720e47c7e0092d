"""What every tracker record shares: timestamps, an edit version, the audit trail."""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.models.locking import claim_next_version

COUNT_VALIDATORS = [MinValueValidator(0)]


def non_negative(*fields: str) -> Q:
    """Each field empty (unknown) or zero and up."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})
    return condition


class TrackedModel(models.Model):
    """Common columns: timestamps, an edit version for conflict detection, and the audit trail."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save, so that a stale edit is refused instead of lost."),
    )
    # One history row per save: who, when, which fields, and the reason given in the admin.
    history = HistoricalRecords(inherit=True)
    # Set by the code that saves, read by django-simple-history: the reason kept on the next
    # history row. Annotations only (no class attribute), so that the type checker knows them.
    _change_reason: str | None
    # Set by django-simple-history on an instance rebuilt from a history row (the revert page).
    _history: Any  # an instance of the history model, which simple-history builds at run time

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        """Save; an existing row only if it still has the version this instance was loaded with.

        Raises ``missions.models.locking.StaleEditError`` (and writes nothing) when someone else
        saved
        the row in the meantime, so that their update is not lost. New rows are inserted as usual.
        """
        if self.pk is None or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        loaded = self.version
        try:
            # One transaction: the version claim is undone if writing the values fails.
            with transaction.atomic(using=using):
                # A new instance with a given key inserts if the row is absent, but must not
                # blindly overwrite a row that exists.
                claim_next_version(self, using, absent_ok=self._state.adding)
                super().save(*args, **kwargs)
        except BaseException:
            self.version = loaded
            raise
