"""generate_data: a deterministic synthetic portfolio, and a refusal to mix with real data."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from bench.synthetic import generate
from missions.dates import Precision
from missions.models import Contribution, Mission, SourceDocument, Statement, Status
from tests import factories

# Natural keys rather than primary keys: ids depend on the database's sequences, not the seed.
STATEMENT_FIELDS = (
    "contribution__mission__name",
    "contribution__mission__acronym",
    "contribution__mission__organization__acronym",
    "contribution__mission__region__name",
    "contribution__mission__total_strength",
    "contribution__mission__source__title",
    "contribution__name",
    "contribution__capability",
    "document__kind",
    "document__dossier",
    "document__number",
    "document__title",
    "document__url",
    "document__date",
    "document_date",
    "kind",
    "status",
    "military",
    "civilian",
    "police",
    "total",
    "qualifier",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "open_ended",
    "conditions",
    "location",
)


def _digest() -> str:
    rows = Statement.objects.order_by(*STATEMENT_FIELDS[:2], "contribution__name", "document_date")
    text = repr(list(rows.values_list(*STATEMENT_FIELDS)))
    return hashlib.sha256(text.encode()).hexdigest()


def _fresh_run(contributions: int, seed: int) -> str:
    """Generate into an empty database and roll back, so the next run starts empty again."""
    with transaction.atomic():
        generate(contributions, seed)
        digest = _digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.django_db
def test_it_builds_the_same_portfolio_from_the_same_seed():
    first = _fresh_run(200, seed=7)
    assert SourceDocument.objects.count() == 0
    assert _fresh_run(200, seed=7) == first
    assert _fresh_run(200, seed=8) != first


@pytest.mark.django_db
def test_it_builds_a_realistic_portfolio_of_the_requested_size():
    call_command("generate_data", contributions=600, seed=3, verbosity=0)

    assert Contribution.objects.count() == 600
    assert SourceDocument.objects.count() == 30  # one document per 20 contributions
    assert 600 / 3 <= Mission.objects.count() <= 600 / 2
    assert 2.7 <= Statement.objects.count() / 600 <= 3.3
    # Every contribution has exactly one current statement: ties on a date never double up.
    assert Statement.objects.current().count() == 600
    # bulk_create skips save(): the derived columns are filled in all the same.
    assert not Statement.objects.exclude(document_date=F("document__date")).exists()
    numbered = SourceDocument.objects.exclude(number="")
    assert all(d.url == d.derived_url() and d.url for d in numbered)
    assert Statement.history.count() == 0  # synthetic data keeps no audit trail

    statements = list(Statement.objects.all())
    assert set(Counter(s.status for s in statements)) == set(Status.values)
    assert {s.end_precision for s in statements} == {*Precision.values, ""}
    assert {s.start_precision for s in statements} == {*Precision.values, ""}
    assert any(s.open_ended for s in statements)
    assert any(s.military is None for s in statements)  # unknown, not 0
    assert any(s.total is not None and s.military is None for s in statements)  # total only
    assert any(s.is_approximate for s in statements)
    years = {d.year for d in SourceDocument.objects.values_list("date", flat=True)}
    assert years <= set(range(2020, 2029))
    assert len(years) >= 6  # spread over the years, not bunched


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_documents():
    factories.statement()

    with pytest.raises(CommandError, match=r"holds 1 source document\. .*--force"):
        call_command("generate_data", contributions=10, seed=1, verbosity=0)

    assert Contribution.objects.count() == 1
    assert SourceDocument.objects.count() == 1


@pytest.mark.django_db
def test_it_adds_to_a_database_with_documents_when_forced_twice():
    factories.statement()

    call_command("generate_data", contributions=10, seed=1, force=True, verbosity=0)
    call_command("generate_data", contributions=10, seed=1, force=True, verbosity=0)

    assert Contribution.objects.count() == 21
    assert Statement.objects.current().count() == 21


@pytest.mark.django_db
def test_it_refuses_zero_contributions():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_data", contributions=0, seed=1, verbosity=0)

    assert SourceDocument.objects.count() == 0
