"""Synthetic portfolios for scale tests and the bench: the same seed always gives the same data.

The shape follows the real sources: a few organizations, missions with one to four Dutch
contributions, numbered Kamerstukken and unnumbered Council reports dated 2020-2028, and about
three statements per contribution whose status moves on from document to document (new ->
extended -> ended, explored -> not feasible). Figures are sometimes unknown (empty, not 0) or
approximate, ends are given to the day, the month or the year, and some mandates are open-ended.

Rows are written with ``bulk_create``, which skips ``save()`` and signals: so the values that
``save()`` would derive (a statement's ``document_date``, a document's ``url``) are set here, and
no audit-trail entries are made, which synthetic data does not need.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bench.synthetic_vocabulary import (
    CONDITIONS,
    CONTRIBUTIONS,
    COUNTRIES,
    DOCUMENT_KINDS,
    FIRST_STATUS,
    NEXT_STATUS,
    ORGANIZATIONS,
    PRECISIONS,
    QUALIFIERS,
    REGIONS,
    RUNNING_NEXT,
    UNNUMBERED,
)
from missions.dates import Precision, period_end, period_start
from missions.models import (
    Contribution,
    DocumentKind,
    Mission,
    Organization,
    Qualifier,
    Region,
    SourceDocument,
    Statement,
    StatementKind,
    Status,
)
from missions.reading.supersession import refresh_supersession

# Kamerstukken get numbers in a dossier that no real document uses, so they never clash.
DOSSIER = "99521"
FIRST_DAY = date(2020, 1, 1)
# Documents are dated in the past, as the admin requires: "current" is as of today.
LAST_DAY = date(2026, 6, 30)
# Missions are written in chunks so that memory stays flat at 100,000 contributions.
MISSIONS_PER_CHUNK = 1000


class DatabaseNotEmpty(Exception):
    """The database holds documents; synthetic rows would mix with real ones."""


@dataclass(frozen=True)
class Generated:
    organizations: int
    regions: int
    documents: int
    missions: int
    contributions: int
    statements: int


class _Rng(random.Random):
    def pick(self, weights: dict[Any, int]) -> Any:
        return self.choices(tuple(weights), tuple(weights.values()))[0]

    def maybe(self, probability: float) -> bool:
        return self.random() < probability


def generate(
    contributions: int,
    seed: int,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Write a portfolio of ``contributions`` contributions to the default database."""
    if contributions < 1:
        raise ValueError(_("The number of contributions must be at least 1."))
    if not force and SourceDocument.objects.exists():
        count = SourceDocument.objects.count()
        raise DatabaseNotEmpty(
            ngettext(
                "The database already holds %(count)d source document.",
                "The database already holds %(count)d source documents.",
                count,
            )
            % {"count": count}
            + " "
            + _(
                "Synthetic data would mix with real data; use an empty database, or pass --force "
                "to add it anyway."
            )
        )
    rng = _Rng(seed)
    report = progress or (lambda message: None)
    with transaction.atomic():
        organizations = _organizations()
        regions = _regions()
        documents = _documents(rng, max(5, contributions // 20))
        report(_("%(count)d documents") % {"count": len(documents)})
        counts = {"missions": 0, "contributions": 0, "statements": 0}
        remaining = contributions
        sequence = Mission.objects.count() + 1
        while remaining:
            plan: list[tuple[Mission, int]] = []  # (mission, number of contributions) per chunk
            while remaining and len(plan) < MISSIONS_PER_CHUNK:
                size = min(remaining, rng.choice((1, 2, 2, 3, 3, 4)))
                org = rng.choice(organizations)
                plan.append((_mission(rng, sequence, org, rng.choice(regions), documents), size))
                sequence += 1
                remaining -= size
            # bulk_create sets each mission's primary key in place, so ``plan`` can refer to it.
            missions = Mission.objects.bulk_create([mission for mission, _size in plan])
            made = Contribution.objects.bulk_create(_contributions(rng, plan))
            statements = [s for c in made for s in _statements(rng, c, documents)]
            Statement.objects.bulk_create(statements)
            counts["missions"] += len(missions)
            counts["contributions"] += len(made)
            counts["statements"] += len(statements)
            report(
                _("%(done)d of %(total)d contributions")
                % {"done": counts["contributions"], "total": contributions}
            )
        # bulk_create skips save(): draw every statement's line of time in one set-based pass.
        refresh_supersession()
    return Generated(
        organizations=len(organizations),
        regions=len(regions),
        documents=len(documents),
        **counts,
    )


def _organizations() -> list[tuple[Organization, Sequence[str]]]:
    """The organizations, reusing any that exist (real ones, with --force) by acronym."""
    acronyms = [acronym for acronym, _name, _prefixes in ORGANIZATIONS]
    existing = Organization.objects.in_bulk(acronyms, field_name="acronym")
    Organization.objects.bulk_create(
        [Organization(acronym=a, name=n) for a, n, _p in ORGANIZATIONS if a not in existing]
    )
    found = Organization.objects.in_bulk(acronyms, field_name="acronym")
    return [(found[acronym], prefixes) for acronym, _n, prefixes in ORGANIZATIONS]


def _regions() -> list[Region]:
    existing = Region.objects.in_bulk(REGIONS, field_name="name")
    Region.objects.bulk_create([Region(name=n) for n in REGIONS if n not in existing])
    found = Region.objects.in_bulk(REGIONS, field_name="name")
    return [found[name] for name in REGIONS]


def _documents(rng: _Rng, count: int) -> list[SourceDocument]:
    """``count`` documents in date order, Kamerstukken numbered in that order."""
    span = (LAST_DAY - FIRST_DAY).days
    days = sorted(FIRST_DAY + timedelta(days=rng.randrange(span + 1)) for _ in range(count))
    taken = SourceDocument.objects.filter(dossier=DOSSIER).values_list("number", flat=True)
    number = max((int(n) for n in taken if n.isdigit()), default=0)
    documents = []
    for day in days:
        kind = rng.pick(DOCUMENT_KINDS)
        doc = SourceDocument(kind=kind, date=day)
        if kind in UNNUMBERED:
            doc.title = f"{DocumentKind(kind).label.capitalize()} {day:%d-%m-%Y}"
        else:
            number += 1
            doc.dossier, doc.number = DOSSIER, str(number)
            doc.title = f"{DocumentKind(kind).label.capitalize()} {DOSSIER}-{number}"
        doc.url = doc.derived_url()  # what save() would have filled in
        documents.append(doc)
    return SourceDocument.objects.bulk_create(documents)


def _mission(
    rng: _Rng,
    sequence: int,
    org: tuple[Organization, Sequence[str]],
    region: Region,
    documents: list[SourceDocument],
) -> Mission:
    organization, prefixes = org
    prefix = rng.choice(prefixes)
    total = None if rng.maybe(0.3) else rng.randint(20, 15000)
    open_ended = rng.maybe(0.1)
    return Mission(
        name=f"{prefix} {region.name} {sequence}",
        acronym=f"{prefix}-{sequence}",
        organization=organization,
        region=region,
        total_strength=total,
        total_strength_qualifier=Qualifier.APPROXIMATELY if rng.maybe(0.3) else Qualifier.EXACT,
        military_strength=None if total is None or rng.maybe(0.5) else rng.randint(0, total),
        participating_countries=", ".join(rng.sample(COUNTRIES, rng.randint(0, 6))),
        mandate=f"Support security and stability in the {region.name} region.",
        mandate_since=rng.randint(1948, 2025),
        mandate_open_ended=open_ended,
        source=rng.choice(documents) if rng.maybe(0.5) else None,
        source_location=f"p. {rng.randint(1, 40)}",
    )


def _contributions(rng: _Rng, plan: list[tuple[Mission, int]]) -> list[Contribution]:
    made = []
    for mission, size in plan:
        for name, capability in rng.sample(CONTRIBUTIONS, size):
            made.append(Contribution(mission=mission, name=name, capability=capability))
    return made


def _statements(
    rng: _Rng, contribution: Contribution, documents: list[SourceDocument]
) -> list[Statement]:
    """One to five statements from distinct documents, dated in increasing order."""
    count = min(len(documents), rng.choice((1, 2, 3, 3, 4, 5)))
    picked = sorted(rng.sample(range(len(documents)), count))
    status: Status | None = None
    made = []
    for position, index in enumerate(picked):
        doc = documents[index]
        if status is None:
            status = rng.pick(FIRST_STATUS)
        else:
            status = rng.pick(NEXT_STATUS.get(status, RUNNING_NEXT))
        kind = StatementKind.DECISION
        if position and rng.maybe(0.05):
            kind = StatementKind.CORRECTION
        elif rng.maybe(0.15):
            kind = StatementKind.INFORMATION
        statement = Statement(
            contribution=contribution,
            document=doc,
            document_date=doc.date,  # what save() would have copied
            kind=kind,
            status=status,
            qualifier=rng.pick(QUALIFIERS),
            conditions=rng.choice(CONDITIONS) if rng.maybe(0.1) else "",
            location=f"answer {rng.randint(1, 60)}" if rng.maybe(0.5) else f"p. {index % 30 + 1}",
        )
        _personnel(rng, statement)
        _period(rng, statement, doc.date)
        made.append(statement)
    return made


def _personnel(rng: _Rng, statement: Statement) -> None:
    """Unknown counts stay None (never 0); some sources give only a total."""
    shape = rng.random()
    if shape < 0.1 or (statement.status in Statement.NOT_COMMITTED and shape < 0.6):
        return
    if shape < 0.3:
        statement.total = rng.randint(1, 400)
        return
    statement.military = rng.choice((0, rng.randint(1, 10), rng.randint(10, 650)))
    statement.civilian = None if rng.maybe(0.4) else rng.randint(0, 20)
    statement.police = None if rng.maybe(0.6) else rng.randint(0, 30)
    if rng.maybe(0.5):
        known = (statement.military, statement.civilian, statement.police)
        statement.total = sum(n for n in known if n is not None)


def _period(rng: _Rng, statement: Statement, day: date) -> None:
    """Start and end at day, month or year precision; open-ended or unknown ends included."""
    if statement.status in Statement.NOT_COMMITTED and rng.maybe(0.8):
        return
    start = None
    if rng.maybe(0.7):
        precision = rng.pick(PRECISIONS)
        start = period_start(day + timedelta(days=rng.randint(-400, 120)), precision)
        statement.start_date, statement.start_precision = start, precision
    if statement.status == Status.ENDED:
        end, precision = day - timedelta(days=rng.randint(0, 90)), Precision.DAY
    elif rng.maybe(0.07):
        statement.open_ended = True
        return
    elif rng.maybe(0.08):
        return  # the source names no end
    else:
        precision = rng.pick(PRECISIONS)
        end = period_end(day + timedelta(days=rng.randint(60, 3 * 365)), precision)
    if start is not None and end < start and statement.status == Status.ENDED:
        statement.start_date, statement.start_precision = None, ""
    elif start is not None and end < start:
        end, precision = (
            period_end(start, Precision(statement.start_precision)),
            statement.start_precision,
        )
    statement.end_date, statement.end_precision = end, precision
