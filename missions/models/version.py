"""One number that changes whenever the tracker's data changes: the base of every ETag.

Database triggers (``missions.models.data_version.install_triggers``, run after every ``migrate``)
raise it on each INSERT, UPDATE and DELETE of a watched table, so bulk updates, bulk creates,
deletes, ``loaddata`` and raw SQL move it too, which model signals would miss. It is read with
one primary-key lookup, so a conditional GET costs next to nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A single row (id 1); created by the first write if a flush removed it."""

    version = models.BigIntegerField(_("data version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return str(self.version)
