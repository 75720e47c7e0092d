"""The contributions table's counts: its rows, per organization, region and status (the
facets), and how many rows a later correction changed, counted once per view and data version.

Each facet counts the rows that all the *other* filters keep (as in Datasette), so the facets
that no filter uses share one base, all the filters: one GROUP BY over their keys gives all of
them, and its sum is the table's row count (the paginator needs no COUNT of its own). A facet
that a filter uses gets a GROUP BY of its own over the other filters. Groups are by the
mission's organization and region ids, so no row joins those tables.

The counts of a view are stored with the data version they were made at
(``missions.models.table_counts``): a repeated view is one lookup, whatever the size of the data.
Searches (``q``) are counted every time: free text would make a stored entry per word typed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import Count
from django.utils import timezone

from missions.columns import REGISTRY
from missions.models import table_counts as stored_counts

if TYPE_CHECKING:
    from missions.web.filters import ContributionFilter


def _grouped_by(path: str) -> str:
    """The registry's facet path, grouped by the id behind a related value, so that no row joins
    the organization or region table: ``...__organization__acronym`` -> ``...__organization_id``."""
    return f"{path.rsplit('__', 1)[0]}_id" if "__" in path else path


# Facet field -> the column its rows are grouped by (ids; ``choices`` names them): the
# registry's facet columns, each the filter of the same name.
FACET_GROUPS = {name: _grouped_by(path) for name, path in REGISTRY.facets().items()}

# The organizations and regions a facet lists, with their ids, in one query, in the order the
# models list them (acronym, name).
_CHOICES = """
    SELECT 'organization', id, acronym, name FROM missions_organization
    UNION ALL
    SELECT 'region', id, name, '' FROM missions_region
    ORDER BY 1, 3
"""

# Filters whose stored counts would be one entry per thing typed.
UNCACHED_FILTERS = ("q",)


@dataclass(frozen=True)
class ViewCounts:
    rows: int
    # Facet -> option value (acronym, region name, status key) -> rows.
    facets: dict[str, dict[str, int]]
    # "organization" / "region" -> (value, label, title) per option, in display order.
    choices: dict[str, list[tuple[str, str, str]]]
    # On an as-of view as the documents stood: rows whose statement a later correction names.
    corrected_later: int

    def encode(self) -> str:
        return json.dumps(
            {
                "rows": self.rows,
                "facets": self.facets,
                "choices": self.choices,
                "corrected_later": self.corrected_later,
            },
            sort_keys=True,
        )

    @classmethod
    def decode(cls, text: str) -> ViewCounts:
        data = json.loads(text)
        return cls(
            data["rows"],
            data["facets"],
            {
                name: [tuple(option) for option in options]
                for name, options in data["choices"].items()
            },
            data["corrected_later"],
        )


def table_counts(filterset: ContributionFilter) -> ViewCounts:
    """The counts of the view ``filterset`` holds: stored ones of this data version, else
    counted now (and stored). Made once per filterset (the view asks for them twice)."""
    made = getattr(filterset, "_table_counts", None)
    if made is None:
        made = filterset._table_counts = _stored_or_counted(filterset)
    return made


def _stored_or_counted(filterset: ContributionFilter) -> ViewCounts:
    filterset.errors  # noqa: B018 - validates the form, so cleaned_data exists
    key = view_key(filterset)
    if key is None:
        return count(filterset)
    version, stored = stored_counts.lookup(key)
    if stored is not None:
        return ViewCounts.decode(stored)
    counted = count(filterset)
    stored_counts.store(key, version, counted.encode())
    return counted


def view_key(filterset: ContributionFilter) -> str | None:
    """What the counts depend on besides the data: the day the rows stand on, today (the
    expiry filter counts from it), and every filter's cleaned value. None for a search."""
    cleaned = filterset.form.cleaned_data
    if any(cleaned.get(name) for name in UNCACHED_FILTERS):
        return None
    day = cleaned.get("as_of") or timezone.localdate()
    described = {
        "day": day.isoformat(),
        "today": filterset.today.isoformat(),
        "filters": {name: _plain(cleaned.get(name)) for name in sorted(filterset.filters)},
    }
    text = json.dumps(described, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    """A cleaned value as JSON that is the same for the same filter, whatever its type."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, models.Model):
        return f"pk:{value.pk}"
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_plain(item)) for item in value)
    return str(value)


def count(filterset: ContributionFilter) -> ViewCounts:
    """The counts, from the database now: one GROUP BY for the facets no filter uses (and the
    row count), one per facet a filter uses, one query for the organizations and regions, and
    on an as-of view as the documents stood one COUNT of the rows corrected since."""
    cleaned = filterset.form.cleaned_data
    used = [name for name in FACET_GROUPS if name in cleaned and filterset.data.getlist(name)]
    unused = [name for name in FACET_GROUPS if name not in used]
    by_id: dict[str, dict[Any, int]] = {name: {} for name in FACET_GROUPS}
    rows = None
    if unused:
        keys = [FACET_GROUPS[name] for name in unused]
        grouped = filterset.filter_without().order_by().values(*keys).annotate(n=Count("pk"))
        rows = 0
        for group in grouped:
            rows += group["n"]
            for name, key in zip(unused, keys, strict=True):
                by_id[name][group[key]] = by_id[name].get(group[key], 0) + group["n"]
    for name in used:
        key = FACET_GROUPS[name]
        grouped = filterset.filter_without(name).order_by().values(key).annotate(n=Count("pk"))
        by_id[name] = {group[key]: group["n"] for group in grouped}
    if rows is None:
        # Every facet is filtered: the rows are those of the chosen statuses among the status
        # facet's rows (a row has one status; a status not chosen is not among the rows).
        chosen = set(cleaned["status"]) or set(by_id["status"])
        rows = sum(n for value, n in by_id["status"].items() if value in chosen)

    choices: dict[str, list[tuple[str, str, str]]] = {"organization": [], "region": []}
    names: dict[str, dict[int, str]] = {"organization": {}, "region": {}}
    with connection.cursor() as cursor:
        cursor.execute(_CHOICES)
        for facet, pk, value, title in cursor.fetchall():
            choices[facet].append((value, value, title))
            names[facet][pk] = value
    facets = {
        "organization": _named(by_id["organization"], names["organization"]),
        "region": _named(by_id["region"], names["region"]),
        "status": {str(value): n for value, n in by_id["status"].items()},
    }
    return ViewCounts(rows, facets, choices, _corrected_later(filterset))


def _named(counts: dict[Any, int], names: dict[int, str]) -> dict[str, int]:
    return {names[pk]: n for pk, n in counts.items() if pk in names}


def _corrected_later(filterset: ContributionFilter) -> int:
    cleaned = filterset.form.cleaned_data
    if not cleaned.get("as_of") or cleaned.get("corrected"):
        return 0
    return filterset.qs.corrected_later().count()
