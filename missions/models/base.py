"""What every tracker record shares: timestamps, an edit version, the audit trail."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Collection
from typing import Any, Self

from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
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


# Field attributes that only store and read the value (``ForeignKeyDeferredAttribute`` also
# forgets a cached related object, which a new instance has none of).
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


@functools.cache
def _builds_plainly(model: type[models.Model]) -> bool:
    return all(
        type(inspect.getattr_static(model, field.attname, None)) in _PLAIN_ATTRIBUTES
        for field in model._meta.concrete_fields
    )


def _init_signalled(model: type[models.Model]) -> bool:
    # Receivers are rare (none today); the lists' emptiness is checked first, as it is cheaper.
    return bool(pre_init.receivers or post_init.receivers) and (
        pre_init.has_listeners(model) or post_init.has_listeners(model)
    )


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

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Self:
        """An instance of a row read, made as unpickling makes one (``Model.__reduce__``): its
        ``__dict__`` filled, not ``Model.__init__`` run field by field. A page of a hundred
        changes builds some 500 instances, and ``__init__`` (which walks all 29 fields of a
        statement for the 12 a page reads) was a quarter of the page's Python. A field not read
        is absent from ``__dict__``, which is how Django marks it deferred. Django's own way
        whenever it could differ: a receiver of ``pre_init``/``post_init`` for the model, or a
        field whose attribute does more on assignment than store the value, or an argument
        this Django does not pass (a later one may: ``fetch_mode`` in 6.0)."""
        if kwargs or not _builds_plainly(cls) or _init_signalled(cls):
            return super().from_db(db, field_names, values, **kwargs)
        instance = cls.__new__(cls)
        state = instance._state = ModelState()
        state.adding = False
        state.db = db
        instance.__dict__.update(zip(field_names, values, strict=True))
        return instance
