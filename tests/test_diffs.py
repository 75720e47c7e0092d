from datetime import date

from django.utils import translation

from missions.models import Qualifier, StatementKind, Status
from missions.reading.diffs import compare, timeline
from missions.web.formatting import personnel_with_qualifier
from tests import factories


def test_it_shows_qualified_personnel():
    assert personnel_with_qualifier(10, Qualifier.APPROXIMATELY) == "~10"
    assert personnel_with_qualifier(10, Qualifier.AT_MOST) == "at most 10"
    assert personnel_with_qualifier(None, Qualifier.EXACT) == ""


def test_it_lists_only_the_fields_that_changed(db):
    first = factories.statement(
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2025, 5, 31),
        end_precision="month",
        status=Status.EXTENDED,
    )
    later = factories.statement(
        contribution=first.contribution,
        document=factories.document(date=date(2025, 5, 23)),
        kind=StatementKind.CORRECTION,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
        status=Status.EXTENDED,
    )
    changes = compare(first, later)
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("end", "end of May 2025", "end of June 2028")
    ]
    assert str(changes[0]) == "end: end of May 2025 -> end of June 2028"


def test_it_pairs_each_statement_with_its_predecessor_oldest_first(db):
    late = factories.statement(document=factories.document(date=date(2025, 5, 23)), total=3)
    early = factories.statement(
        contribution=late.contribution, document=factories.document(date=date(2025, 4, 4)), total=2
    )
    entries = timeline([late, early])
    assert [e.statement for e in entries] == [early, late]
    assert entries[0].previous is None
    assert entries[1].previous == early
    assert [(c.key, c.before, c.after) for c in entries[1].changes] == [("total", "2", "3")]


def test_the_status_is_compared_by_its_label_in_the_readers_language(db):
    early = factories.statement(document=factories.document(date=date(2025, 4, 4)), total=2)
    late = factories.statement(
        contribution=early.contribution,
        document=factories.document(date=date(2025, 5, 23)),
        total=3,
        status=Status.ENDED,
    )
    assert [(c.key, c.before, c.after) for c in compare(early, late)] == [
        ("status", "continued", "ended"),
        ("total", "2", "3"),
    ]
    with translation.override("nl"):
        assert next((c.label, c.before, c.after) for c in compare(early, late, {})) == (
            "status",
            "voortgezet",
            "beëindigd",
        )


def test_a_column_is_hashed_by_identity_so_lookups_never_translate_its_label():
    import dataclasses

    from django.utils.functional import lazy

    from missions.columns import REGISTRY, Registry

    # A registry lookup hashes the tuple of columns; a field-by-field hash would translate
    # every lazy label, thousands of times in one export.
    translated = []

    def label() -> str:
        translated.append(1)
        return "Status"

    column = dataclasses.replace(REGISTRY["status"], label=lazy(label, str)())
    registry = Registry([column, REGISTRY["military"]])
    assert registry["status"] is column
    assert registry.by_key()["military"] is REGISTRY["military"]
    assert translated == []
