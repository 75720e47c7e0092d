"""The contributions table's counts, kept per data version: a repeated view costs one lookup.

Counting the rows in force and grouping them per organization, region and status reads every
statement in force (300,000 at 100,000 contributions, 1,000,000 at a million), so its cost grows
with the data however the indexes are laid. The counts of a view only change when the data does,
and every write raises ``DataVersion`` (database triggers), so ``missions.web.counting`` keeps
each view's counts beside the version they were counted at and reuses them while that version
stands. The first request after a write counts again.

Not data: left out of backups (``backup.NOT_DATA``), not watched by the version triggers
(``data_version.UNWATCHED_MODELS``: storing counts must not make them stale), and rows of older
versions are deleted whenever new counts are stored.
"""

from __future__ import annotations

from django.db import connections, models
from django.utils.translation import gettext_lazy as _

TABLE = "missions_tablecounts"

# The current version, and the counts stored for the view at exactly that version (or NULL):
# one query for the hit and for what a miss needs to store its counts under.
_LOOKUP = f"""
    SELECT v.version, c.counts
    FROM missions_dataversion v LEFT JOIN {TABLE} c ON c.key = %s AND c.version = v.version
    WHERE v.id = 1
"""
# An older reader (one that read the version before a write) never overwrites newer counts.
_STORE = f"""
    INSERT INTO {TABLE} (key, version, counts) VALUES (%s, %s, %s)
    ON CONFLICT (key) DO UPDATE SET version = excluded.version, counts = excluded.counts
    WHERE {TABLE}.version < excluded.version
"""
_PRUNE = f"DELETE FROM {TABLE} WHERE version < %s"


def lookup(key: str, using: str = "default") -> tuple[int, str | None]:
    """(the data version now, the counts stored for ``key`` at it, or None)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_LOOKUP, [key])
        row = cursor.fetchone()
    # No version row yet: nothing was ever written (or a flush removed it); 0 as current_version.
    return (row[0], row[1]) if row else (0, None)


def store(key: str, version: int, counts: str, using: str = "default") -> None:
    """Keep ``counts`` for ``key`` at ``version``, and drop the counts of older versions.

    ``version`` must have been read *before* counting: counts made after a write that raised
    the version are then filed under the older version, which no later reader asks for."""
    with connections[using].cursor() as cursor:
        cursor.execute(_STORE, [key, version, counts])
        cursor.execute(_PRUNE, [version])


class TableCounts(models.Model):
    # A hash of what the counts depend on besides the version: the day, corrected, the filters.
    key = models.CharField(_("view"), max_length=64, unique=True)
    version = models.BigIntegerField(_("data version"))
    # JSON text (see missions.web.counting): the same on every database, read with plain SQL.
    counts = models.TextField(_("counts"))

    class Meta:
        verbose_name = _("table counts")
        verbose_name_plural = _("table counts")

    def __str__(self) -> str:
        return f"{self.key[:12]} @ {self.version}"
