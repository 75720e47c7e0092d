"""What a preview shows and a confirmation applies: a verdict per row, and the records to write.

A ``Target`` is one record, loaded or still to be created, with the values the rows want for its
fields ("claims"); the ``Registry`` finds every existing record the rows name in a few queries.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.imports.rows import RowError, SourceRef
from missions.models import Contribution, Mission, Organization, Region, SourceDocument, Statement

# Order of writing: a record before the records that point to it.
KINDS = ("organization", "region", "document", "mission", "contribution", "statement")
KIND_LABELS = {
    "organization": gettext_lazy("organization"),
    "region": gettext_lazy("region"),
    "document": gettext_lazy("source document"),
    "mission": gettext_lazy("mission"),
    "contribution": gettext_lazy("contribution"),
    "statement": gettext_lazy("statement"),
}


class Verdict(models.TextChoices):
    NEW = "new", gettext_lazy("new")
    CHANGED = "changed", gettext_lazy("changed")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")
    ERROR = "error", gettext_lazy("error")


@dataclass(frozen=True)
class Change:
    column: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    label: str
    verdict: Verdict
    changes: list[Change] = field(default_factory=list)
    creates: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Plan:
    filename: str
    rows: list[RowPlan]
    warnings: list[str] = field(default_factory=list)
    # kind -> records to create or change, in the order of KINDS when applied.
    targets: dict[str, list[Target]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.verdict for row in self.rows)
        return {verdict.value: counted[verdict] for verdict in Verdict}

    @property
    def rows_to_check(self) -> list[RowPlan]:
        """The rows a preview shows first: those that change something, or cannot be read."""
        return [row for row in self.rows if row.verdict != Verdict.UNCHANGED]

    @property
    def has_errors(self) -> bool:
        return any(row.verdict == Verdict.ERROR for row in self.rows)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def fingerprint(self) -> str:
        """Equal for two plans that would show the analyst the same preview."""
        shown = [
            (r.row, r.verdict, [vars(c) for c in r.changes], r.creates, [str(e) for e in r.errors])
            for r in self.rows
        ]
        return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()

    def as_shown(self) -> dict[str, Any]:
        """What a preview shows of the plan, as JSON values (not the records it would write):
        kept with the upload, so that the preview's other pages need not plan the file again."""
        return {
            "filename": self.filename,
            "warnings": self.warnings,
            "rows": [
                [
                    r.row,
                    r.label,
                    r.verdict.value,
                    [[c.column, c.old, c.new] for c in r.changes],
                    r.creates,
                    [[e.row, e.column, e.message] for e in r.errors],
                ]
                for r in self.rows
            ],
        }

    @classmethod
    def from_shown(cls, shown: dict[str, Any]) -> Plan:
        """The plan as ``as_shown`` kept it: every row's verdict, changes and errors, no record
        to write (a confirmation always plans the file again)."""
        return cls(
            filename=shown["filename"],
            warnings=list(shown["warnings"]),
            rows=[
                RowPlan(
                    row=row,
                    label=label,
                    verdict=Verdict(verdict),
                    changes=[Change(*change) for change in changes],
                    creates=list(creates),
                    errors=[RowError(*error) for error in errors],
                )
                for row, label, verdict, changes, creates, errors in shown["rows"]
            ],
        )


def display(value: Any) -> str:
    if isinstance(value, Target):
        return str(value)
    if value is None or value == "":
        return _("(empty)")
    if value is True:
        return _("open-ended")
    if value is False:
        return _("not open-ended")
    return str(value)


CHUNK = 500


class Target:
    """One record to read, create or change. Compared by identity, so it can key dicts."""

    def __init__(self, instance: models.Model, *, is_new: bool) -> None:
        # Any tracker model: its fields are read and set by name, as the plan names them.
        self.instance: Any = instance
        self.is_new = is_new
        # field name -> (row that set it, value); a value is a Target for a relation.
        self.claims: dict[str, tuple[int, Any]] = {}
        # The row that creates a new record, to say so on that row of the preview.
        self.first_row: int | None = None

    def __str__(self) -> str:
        """How the sheet names the record (never following a relation that may not exist)."""
        obj = self.instance
        if isinstance(obj, SourceDocument):
            return obj.reference
        if isinstance(obj, Organization):
            return obj.acronym
        if isinstance(obj, Region | Mission | Contribution):
            return obj.name
        return ""

    def original(self, field: str) -> Any:
        """The value the database holds now (a relation as its id)."""
        model_field = self.instance._meta.get_field(field)
        return getattr(self.instance, model_field.attname)

    def differs(self, field: str, value: Any) -> bool:
        if self.is_new:
            return True
        if isinstance(value, Target):
            return value.is_new or value.instance.pk != self.original(field)
        return value != self.original(field)

    def candidate(self, proposals: dict[str, Any], *, fresh: bool = False) -> models.Model:
        """A copy carrying the claimed values and the proposals, for validation only.

        ``fresh``: a new record no row has claimed yet, so nobody else holds it; the proposals
        go on the instance itself (the record it will be if the row is accepted, and dropped
        with the row if not), which spares copying 20,000 new statements.
        """
        if fresh:
            assert self.is_new and not self.claims
            for name, value in proposals.items():
                setattr(self.instance, name, value.instance if isinstance(value, Target) else value)
            return self.instance
        # A shallow copy with its own state: copy.copy() would share the relation cache with the
        # loaded record (and costs ten times more, which counts at 20,000 rows).
        candidate = object.__new__(type(self.instance))
        candidate.__dict__.update(self.instance.__dict__)
        candidate._state = ModelState()
        candidate._state.adding = self.instance._state.adding
        candidate._state.db = self.instance._state.db
        claimed = {name: value for name, (_row, value) in self.claims.items()}
        for name, value in {**claimed, **proposals}.items():
            setattr(candidate, name, value.instance if isinstance(value, Target) else value)
        return candidate

    def changed_fields(self) -> list[str]:
        """The claimed fields whose value differs from the stored one (all, for a new record)."""
        return [field for field, (_, value) in self.claims.items() if self.differs(field, value)]

    def assign(self) -> None:
        """Put the claimed values on the instance, ready to be written in bulk."""
        for name, (_row, value) in self.claims.items():
            setattr(self.instance, name, value.instance if isinstance(value, Target) else value)


def blank(model: type[models.Model], **values: Any) -> Any:
    """A new, unsaved ``model(**values)``: a copy of a blank instance built once.

    ``Model.__init__`` walks every field for its default (25 µs for a statement); a file of
    20,000 new statements built 40,000 new records per plan that way. Copying is only safe for
    defaults that are constants, so a model with a callable default is built as usual.
    """
    template = _BLANKS.get(model)
    if template is None:
        if any(callable(f.default) for f in model._meta.concrete_fields if f.has_default()):
            return model(**values)
        template = _BLANKS[model] = model()
    instance = object.__new__(model)
    instance.__dict__.update(template.__dict__)
    instance._state = ModelState()
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


_BLANKS: dict[type[models.Model], models.Model] = {}


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Registry:
    """Every existing record the rows name, loaded up front: a few queries, not some per row."""

    def __init__(
        self,
        organizations: set[str],
        regions: set[str],
        missions: set[str],
        sources: set[SourceRef],
    ) -> None:
        self.organizations = self._by_text(Organization, organizations, "acronym", "name")
        self.regions = self._by_text(Region, regions, "name")
        self.missions = self._by_text(
            Mission.objects.select_related("organization", "region"), missions, "name", "acronym"
        )
        loaded_missions = {t.instance.pk: t for t in self.missions.values()}
        self.contributions: dict[tuple[Target, str], Target] = {}
        for chunk in _chunks(loaded_missions):
            for contribution in Contribution.objects.filter(mission_id__in=chunk):
                mission = loaded_missions[contribution.mission_id]
                contribution.mission = mission.instance
                self.contributions[mission, contribution.name] = Target(contribution, is_new=False)
        self.documents = self._documents(sources)
        self.statements: dict[tuple[Target, Target], Target] = {}
        documents = {t.instance.pk: t for t in self.documents.values() if isinstance(t, Target)}
        contributions = {t.instance.pk: t for t in self.contributions.values()}
        # Only a statement of a document the file names can be one of its rows: the others
        # (most of a contribution's history) are not read. With no such document, none is.
        statements = Statement.objects.all()
        if len(documents) <= CHUNK:
            statements = statements.filter(document_id__in=documents)
        for chunk in _chunks(contributions if documents else ()):
            for statement in statements.filter(contribution_id__in=chunk):
                document = documents.get(statement.document_id)
                if document is not None:
                    owner = contributions[statement.contribution_id]
                    statement.contribution = owner.instance
                    statement.document = document.instance
                    self.statements[owner, document] = Target(statement, is_new=False)

    @staticmethod
    def _by_text(
        source: type[models.Model] | models.QuerySet, texts: set[str], key: str, *fallbacks: str
    ) -> dict[str, Target]:
        """Text as written -> Target, matching ``key`` exactly, else a fallback field if unique."""
        queryset = source if isinstance(source, models.QuerySet) else source._default_manager
        found: list[models.Model] = []
        for chunk in _chunks(texts):
            condition = Q(**{f"{key}__in": chunk})
            for other in fallbacks:
                condition |= Q(**{f"{other}__in": chunk})
            found.extend(queryset.filter(condition))
        targets = {obj.pk: Target(obj, is_new=False) for obj in found}
        result: dict[str, Target] = {}
        for name in (key, *fallbacks):
            index: dict[str, list[Target]] = defaultdict(list)
            for target in targets.values():
                index[getattr(target.instance, name)].append(target)
            for text in texts:
                matches = index.get(text, [])
                if text not in result and len(matches) == 1:
                    result[text] = matches[0]
        return result

    def _documents(self, sources: set[SourceRef]) -> dict[tuple, Target | str]:
        """Reference -> Target; or an error message when a title names several documents."""
        numbered = [ref for ref in sources if ref.number]
        pairs: dict[tuple[str, str], SourceDocument] = {}
        for chunk in _chunks(numbered):
            condition = Q()
            for ref in chunk:
                condition |= Q(dossier=ref.dossier, number=ref.number)
            for document in SourceDocument.objects.filter(condition):
                pairs[document.dossier, document.number] = document
        titled: dict[str, list[SourceDocument]] = defaultdict(list)
        for chunk in _chunks({ref.text for ref in sources}):
            for document in SourceDocument.objects.filter(number="", title__in=chunk):
                titled[document.title].append(document)
        result: dict[tuple, Target | str] = {}
        seen: dict[int, Target] = {}
        for ref in sources:
            by_number = pairs.get((ref.dossier, ref.number)) if ref.number else None
            candidates = [by_number] if by_number else titled.get(ref.text, [])
            if len(candidates) > 1:
                result[ref.key] = "ambiguous"
            elif candidates:
                found = candidates[0]
                result[ref.key] = seen.setdefault(found.pk, Target(found, is_new=False))
        return result
