"""What the import's registry reads: only the statements a file's rows can be.

A row names a contribution and a source document; the statement it checks against is that
pair's. A contribution's other statements (its history under other documents) are not read:
at 20,000 rows they were three quarters of what a preview and a confirmation loaded.
"""

from __future__ import annotations

from datetime import date

import pytest

from missions.imports.applying import preview_import
from missions.imports.plan import Verdict
from missions.imports.reading import read_upload
from missions.models import Statement
from tests import factories
from tests.test_import import csv_bytes, row


@pytest.fixture
def history(db):
    """National staff in Aspides, stated by three documents: 29521-493, -495 and -497."""
    mission = factories.mission(
        name="EUNAVFOR Aspides",
        acronym="Aspides",
        organization=factories.organization(acronym="EU", name="European Union"),
        region=factories.region(name="Red Sea"),
    )
    contribution = factories.contribution(mission=mission, name="national staff")
    for number, day in (
        ("493", date(2025, 3, 1)),
        ("495", date(2025, 4, 1)),
        ("497", date(2025, 5, 23)),
    ):
        document = factories.document(dossier="29521", number=number, date=day)
        factories.statement(contribution=contribution, document=document, military=5)
    return contribution


@pytest.fixture
def loaded(monkeypatch):
    """The ids of the statements read from the database, as they are read."""
    ids: list[int] = []
    real = Statement.from_db.__func__

    def counting(cls, db, field_names, values):
        instance = real(cls, db, field_names, values)
        ids.append(instance.pk)
        return instance

    monkeypatch.setattr(Statement, "from_db", classmethod(counting))
    return ids


def test_it_reads_only_the_statement_of_the_document_the_row_names(history, loaded):
    same = row(status="continued", qualifier="", end="", end_precision="")
    plan = preview_import(read_upload(csv_bytes([same])), "one.csv")

    assert [r.verdict for r in plan.rows] == [Verdict.UNCHANGED]
    assert set(loaded) == {Statement.objects.get(document__number="497").pk}


def test_it_reads_no_statement_when_every_document_is_new(history, loaded):
    plan = preview_import(read_upload(csv_bytes([row(source="29521-600")])), "new.csv")

    assert [r.verdict for r in plan.rows] == [Verdict.NEW]
    assert loaded == []
