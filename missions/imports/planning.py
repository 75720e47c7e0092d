"""From rows to a plan: per row new, changed (which fields, old -> new), unchanged, or an error.

Building a plan only reads. Each row is one statement, identified by its natural key: the
contribution (mission + name) and the source document. Around it the row names, or creates, the
organization (by acronym, else name), the region (by name), the mission (by name, else acronym),
the contribution and the document. A row is checked completely before it counts: a row with an
error leaves no trace in the plan, so it cannot change the verdict of the rows after it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from missions.dates import Precision, period_start
from missions.imports.plan import (
    KIND_LABELS,
    KINDS,
    Change,
    Plan,
    Registry,
    RowPlan,
    Target,
    Verdict,
    blank,
    display,
)
from missions.imports.reading import Table
from missions.imports.rows import CellMemo, RowError, RowValues, read_row
from missions.imports.rules import FieldRules, column_for, constraint_errors
from missions.models import (
    Contribution,
    DocumentKind,
    Mission,
    Organization,
    Region,
    SourceDocument,
    Statement,
)
from missions.models.base import TrackedModel


def build_plan(table: Table, filename: str = "", *, check_database: bool = True) -> Plan:
    """The plan of the rows. ``check_database=False`` leaves the check constraints to the write
    that follows (a confirmation, whose bulk insert the database judges anyway)."""
    seen: CellMemo = {}
    values = [read_row(number, table.columns, cells, seen) for number, cells in table.rows]
    refused: dict[int, list[RowError]] = {}
    rules = FieldRules()
    # The database judges the check constraints of all rows at once, after planning them. A row
    # it refuses must leave no trace in the plan either, so the plan is made again without it;
    # one more pass is a safeguard for a shared record that only a later row made invalid.
    for _attempt in range(3):
        planner = _Planner(values, refused, rules)
        rows = [planner.plan_row(row) for row in values]
        found = planner.database_errors() if check_database else {}
        if not found:
            break
        refused.update(found)
    else:
        rows = [
            RowPlan(r.row, r.label, Verdict.ERROR, errors=found[r.row]) if r.row in found else r
            for r in rows
        ]
    plan = Plan(filename, rows, targets=planner.targets)
    if table.ignored_columns:
        plan.warnings.append(
            _("These columns are not part of the layout and were ignored: %(columns)s.")
            % {"columns": ", ".join(table.ignored_columns)}
        )
    return plan


class _Planner:
    def __init__(
        self, rows: list[RowValues], refused: dict[int, list[RowError]], rules: FieldRules
    ) -> None:
        self.rules = rules
        # Translated once: a lazy label costs a catalogue lookup each time it is formatted.
        self.labels = {kind: str(label) for kind, label in KIND_LABELS.items()}
        valid = [row for row in rows if not row.errors]
        self.refused = refused
        # (row, record) pairs whose check constraints the database is still to judge.
        self.probes: list[tuple[int, TrackedModel]] = []
        self.registry = Registry(
            organizations={row.organization for row in valid},
            regions={row.region for row in valid},
            missions={row.mission for row in valid},
            sources={row.source for row in valid},
        )
        self.targets: dict[str, list[Target]] = {kind: [] for kind in KINDS}
        self.claimed: set[Target] = set()
        self.statement_rows: dict[tuple[Target, Target], int] = {}

    def plan_row(self, row: RowValues) -> RowPlan:
        if row.errors:
            return RowPlan(row.row, row.label, Verdict.ERROR, errors=row.errors)
        if row.row in self.refused:
            return RowPlan(row.row, row.label, Verdict.ERROR, errors=self.refused[row.row])
        errors: list[RowError] = []
        reg = self.registry
        # kind -> (target, the field values this row wants for it)
        proposals: dict[str, tuple[Target, dict[str, Any]]] = {}

        def propose(kind: str, target: Target, wanted: dict[str, Any] | None = None) -> Target:
            proposals[kind] = (target, {**self._new_fields(target), **(wanted or {})})
            return target

        organization = propose(
            "organization",
            reg.organizations.get(row.organization)
            or Target(Organization(acronym=row.organization, name=row.organization), is_new=True),
        )
        region = propose(
            "region", reg.regions.get(row.region) or Target(Region(name=row.region), is_new=True)
        )
        # The mission's own fields the file gives (its acronym), as the registry reads them.
        wanted: dict[str, Any] = {
            "organization": organization,
            "region": region,
            **row.fields_of("mission"),
        }
        mission = propose(
            "mission",
            reg.missions.get(row.mission) or Target(Mission(name=row.mission), is_new=True),
            wanted,
        )
        contribution = reg.contributions.get((mission, row.contribution)) or Target(
            blank(Contribution, name=row.contribution), is_new=True
        )
        wanted = {"mission": mission} if contribution.is_new else {}
        wanted.update(row.fields_of("contribution"))
        propose("contribution", contribution, wanted)

        document = self._document(row, errors)
        if document is None:
            return RowPlan(row.row, row.label, Verdict.ERROR, errors=errors)
        propose("document", document)

        key = (contribution, document)
        if key in self.statement_rows:
            message = _("row %(row)d already gives a statement for this contribution and source")
            errors.append(RowError(row.row, "source", message % {"row": self.statement_rows[key]}))
            return RowPlan(row.row, row.label, Verdict.ERROR, errors=errors)
        statement = reg.statements.get(key) or Target(blank(Statement), is_new=True)
        fields = _statement_fields(row, statement)
        if not statement.is_new:
            rewrite = _rewrite_error(row.row, document, statement, fields)
            if rewrite is not None:
                return RowPlan(row.row, row.label, Verdict.ERROR, errors=[rewrite])
        wanted = {"contribution": contribution, "document": document} if statement.is_new else {}
        propose("statement", statement, {**wanted, **fields})

        errors += self._conflicts(row.row, proposals)
        candidates: list[TrackedModel] = []
        if not errors:
            candidates = self._candidates(proposals)
            errors += [
                RowError(row.row, col, msg) for c in candidates for col, msg in self.rules.errors(c)
            ]
        if errors:
            return RowPlan(row.row, row.label, Verdict.ERROR, errors=errors)
        self.probes += [(row.row, candidate) for candidate in candidates]

        plan = self._describe(row, proposals)
        self._commit(row.row, proposals)
        # Records this row creates are found again by the next row that names them.
        reg.organizations.setdefault(row.organization, organization)
        reg.regions.setdefault(row.region, region)
        reg.missions.setdefault(row.mission, mission)
        reg.contributions.setdefault((mission, row.contribution), contribution)
        reg.documents.setdefault(row.source.key, document)
        reg.statements.setdefault(key, statement)
        self.statement_rows[key] = row.row
        return plan

    @staticmethod
    def _new_fields(target: Target) -> dict[str, Any]:
        """What a new record gets from its key; nothing for a record that exists."""
        if not target.is_new:
            return {}
        obj = target.instance
        if isinstance(obj, Organization):
            return {"acronym": obj.acronym, "name": obj.name}
        if isinstance(obj, Region | Mission | Contribution):
            return {"name": obj.name}
        if isinstance(obj, SourceDocument):
            return {
                name: getattr(obj, name)
                for name in ("kind", "dossier", "number", "title", "date", "date_precision", "url")
            }
        return {}

    def _document(self, row: RowValues, errors: list[RowError]) -> Target | None:
        ref = row.source
        found = self.registry.documents.get(ref.key)
        if found == "ambiguous":
            message = _("several documents without a number have this title; use the admin")
            errors.append(RowError(row.row, "source", message))
            return None
        if isinstance(found, Target):
            disagreement = _disagreement(row, found)
            if disagreement is not None:
                errors.append(disagreement)
                return None
            return found
        if row.source_date is None:
            message = _("%(source)s is not in the tracker yet; give its date to add it")
            errors.append(RowError(row.row, "source_date", message % {"source": ref.reference}))
            return None
        precision = Precision(row.source_date_precision or Precision.DAY)
        first_day = period_start(row.source_date, precision)
        if first_day != row.source_date:
            # The admin stores "januari 2024" on its first day, and as-of reads that day: a
            # later day with a month's precision would be a document of two dates.
            message = _(
                "%(date)s with the precision %(precision)s: write the first day it covers, "
                "%(first)s"
            )
            args = {"date": row.source_date, "precision": precision.label, "first": first_day}
            errors.append(RowError(row.row, "source_date_precision", message % args))
            return None
        title = ref.title or _("Kamerstuk %(dossier)s, nr. %(number)s") % {
            "dossier": ref.dossier,
            "number": ref.number,
        }
        document = SourceDocument(
            kind=DocumentKind.OTHER,
            dossier=ref.dossier,
            number=ref.number,
            title=title,
            date=row.source_date,
            date_precision=precision,
            url=row.fields_of("document").get("url", ""),
        )
        return Target(document, is_new=True)

    def _conflicts(self, row: int, proposals: dict) -> list[RowError]:
        """A field an earlier row set to another value: neither row can be trusted to win."""
        errors = []
        for target, wanted in proposals.values():
            for name, value in wanted.items():
                earlier = target.claims.get(name)
                if earlier is not None and earlier[1] != value:
                    message = _(
                        "%(record)s has %(value)s in row %(row)d; one file cannot give it two "
                        "values"
                    )
                    column = column_for(type(target.instance), name)
                    args = {
                        "row": earlier[0],
                        "record": str(target) or _("this statement"),
                        "value": display(earlier[1]),
                    }
                    errors.append(RowError(row, column, message % args))
        return errors

    def _candidates(self, proposals: dict) -> list[TrackedModel]:
        """The records this row creates or changes, as they would be saved, to be checked."""
        candidates = []
        # A document's date is never changed by a row (a different one is refused), so the
        # statement's copy of it is the document's own.
        document_date = proposals["document"][0].instance.date
        for target, wanted in proposals.values():
            if not any(self._is_news(target, name, value) for name, value in wanted.items()):
                continue  # checked when saved, or by the earlier row that wants the same
            candidate = target.candidate(wanted, fresh=target.is_new and target not in self.claimed)
            if isinstance(candidate, Statement):
                candidate.document_date = document_date
            candidates.append(candidate)
        return candidates

    def database_errors(self) -> dict[int, list[RowError]]:
        """Row -> the check constraints the database finds its records break."""
        problems = constraint_errors([candidate for _row, candidate in self.probes])
        found: dict[int, list[RowError]] = {}
        for index, (column, message) in sorted(problems.items()):
            row = self.probes[index][0]
            found.setdefault(row, []).append(RowError(row, column, message))
        return found

    def _is_news(self, target: Target, name: str, value: Any) -> bool:
        """A value no earlier row has proposed, and that the database does not hold."""
        if target in self.claimed and name in target.claims:
            return False  # the same value (a different one is a conflict, caught before)
        return target.is_new or target.differs(name, value)

    def _commit(self, row: int, proposals: dict) -> None:
        for kind, (target, wanted) in proposals.items():
            for name, value in wanted.items():
                target.claims.setdefault(name, (row, value))
            if target not in self.claimed:
                self.claimed.add(target)
                self.targets[kind].append(target)
                if target.is_new:
                    target.first_row = row

    def _describe(self, row: RowValues, proposals: dict) -> RowPlan:
        changes: list[Change] = []
        creates: list[str] = []
        for kind, (target, wanted) in proposals.items():
            if target.is_new:
                if kind != "statement" and target.first_row is None:
                    creates.append(f"{self.labels[kind]} {target}")
                continue
            model = type(target.instance)
            for name, value in wanted.items():
                # A change to a shared record (a mission) is listed on the first row that makes it.
                if target.differs(name, value) and name not in target.claims:
                    # The loaded instance is untouched until applied: it holds the old value.
                    old = getattr(target.instance, name)
                    if isinstance(value, Target):
                        old = Target(old, is_new=False) if old is not None else None
                    changes.append(Change(column_for(model, name), display(old), display(value)))
        if proposals["statement"][0].is_new:
            verdict = Verdict.NEW
        else:
            verdict = Verdict.CHANGED if changes else Verdict.UNCHANGED
        return RowPlan(row.row, row.label, verdict, changes=changes, creates=creates)


CATEGORIES = ("military", "civilian", "police")


def _rewrite_error(
    row: int, document: Target, statement: Target, fields: dict[str, Any]
) -> RowError | None:
    """A row that would make a document say something else than it says: refused.

    A statement is what its document says; a new figure needs the document that states it (a
    new ``source``), and a transcription error is fixed in the admin, with the reason kept.
    """
    differing = [name for name, value in fields.items() if statement.differs(name, value)]
    if not differing:
        return None
    said = ", ".join(
        f"{column_for(Statement, name)} {display(getattr(statement.instance, name))}"
        for name in differing
    )
    message = _(
        "%(source)s already says %(values)s; a new figure needs the document that states it"
    )
    return RowError(row, "", message % {"source": document, "values": said})


def _statement_fields(row: RowValues, statement: Target) -> dict[str, Any]:
    """The row's statement fields, with a total that only repeats the categories' sum dropped.

    The report writes the effective total (the sum of the categories when no total is stored),
    so a sheet cannot tell a stated total from a derived one. A total equal to the sum is
    therefore kept as the record has it, or left empty for a new record: either way the
    statement reads, and exports, the same.
    """
    fields = dict(row.statement)
    total = fields.get("total")
    if total is None:
        return fields
    existing = None if statement.is_new else statement.instance
    if existing is not None and existing.total == total:
        return fields
    if existing is not None and existing.total is None and existing.effective_total == total:
        # The export's derived total, left as it was while a category was edited: it repeats
        # what the document says, not a total of its own.
        fields["total"] = None
        return fields
    known = [
        n
        for name in CATEGORIES
        if (n := fields[name] if name in fields else getattr(existing, name, None)) is not None
    ]
    if known and sum(known) == total:
        fields["total"] = None
    return fields


def _disagreement(row: RowValues, found: Target) -> RowError | None:
    """A row that dates a document otherwise than the tracker (or an earlier row of the file)
    does, its day or its precision ("month" of a document known to the day): an import never
    redates a document; the admin decides."""
    document = found.instance
    shown: dict[str, Any]
    if row.source_date is not None and row.source_date != document.date:
        column, shown = "source_date", {"date": document.date}
        earlier = _("row %(row)d gives %(source)s the date %(date)s")
        known = _(
            "%(source)s is dated %(date)s in the tracker; a document's date is corrected in "
            "the admin, not by an import"
        )
    elif row.source_date_precision and row.source_date_precision != document.date_precision:
        column, shown = (
            "source_date_precision",
            {"precision": Precision(document.date_precision).label},
        )
        earlier = _("row %(row)d gives %(source)s the date precision %(precision)s")
        known = _(
            "%(source)s is dated to the %(precision)s in the tracker; a document's date is "
            "corrected in the admin, not by an import"
        )
    else:
        return None
    message = earlier if found.is_new else known
    args = {"row": found.first_row, "source": row.source.reference, **shown}
    return RowError(row.row, column, message % args)
