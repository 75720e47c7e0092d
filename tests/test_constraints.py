"""Each rule twice: a clear message on the admin form, and a refusal by the database itself."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from missions.models import Mission, SourceDocument, Statement
from tests import factories
from tests.helpers import admin_form_data, admin_url, inline_prefix


def constraint_message(model: type, name: str) -> str:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


NEGATIVE = constraint_message(Statement, "missions_statement_counts_non_negative")
END_BEFORE_START = constraint_message(Statement, "missions_statement_end_not_before_start")
DUPLICATE_DOCUMENT = constraint_message(
    SourceDocument, "missions_sourcedocument_unique_dossier_number"
)


def test_the_messages_are_the_ones_an_analyst_reads():
    assert NEGATIVE == "A personnel count cannot be negative."
    assert END_BEFORE_START == "The end cannot be before the start."
    assert DUPLICATE_DOCUMENT == "A document with this dossier and number exists."


# -- in the admin ----------------------------------------------------------------------------


def test_it_refuses_a_negative_count_on_the_statement_form(analyst_client):
    statement = factories.statement(military=3)
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    data = admin_form_data(page) | {"military": "-1"}

    response = analyst_client.post(admin_url(Statement, "change", statement.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"military": [NEGATIVE]}
    statement.refresh_from_db()
    assert (statement.military, statement.version) == (3, 1)


def test_it_refuses_an_end_before_the_start_on_the_statement_form(analyst_client):
    contribution = factories.contribution()
    document = factories.document()
    page = analyst_client.get(admin_url(Statement, "add"))
    data = admin_form_data(page) | {
        "contribution": contribution.pk,
        "document": document.pk,
        "status": "extended",
        "start": "2026",
        "end": "eind juni 2025",
    }

    response = analyst_client.post(admin_url(Statement, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": [END_BEFORE_START]}
    assert not Statement.objects.exists()


def test_it_refuses_an_end_on_an_open_ended_statement(analyst_client):
    statement = factories.statement()
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    data = admin_form_data(page) | {"open_ended": "on", "end": "2028"}

    response = analyst_client.post(admin_url(Statement, "change", statement.pk), data)

    assert response.context["adminform"].form.errors == {
        "__all__": ["An open-ended contribution has no end date."]
    }
    statement.refresh_from_db()
    assert (statement.open_ended, statement.end_date) == (False, None)


def test_it_refuses_a_second_document_with_the_same_dossier_and_number(analyst_client):
    factories.document(dossier="29521", number="493")
    page = analyst_client.get(admin_url(SourceDocument, "add"))
    data = admin_form_data(page) | {
        "kind": "kamerbrief",
        "dossier": "29521",
        "number": "493",
        "date": "2025-04-04",
        "title": "A second 493",
    }

    response = analyst_client.post(admin_url(SourceDocument, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"__all__": [DUPLICATE_DOCUMENT]}
    assert SourceDocument.objects.filter(dossier="29521", number="493").count() == 1


def test_it_refuses_a_negative_count_in_the_documents_inline(analyst_client):
    statement = factories.statement(police=1)
    document = statement.document
    page = analyst_client.get(admin_url(SourceDocument, "change", document.pk))
    prefix = inline_prefix(page, Statement)
    data = admin_form_data(page) | {f"{prefix}-0-police": "-1", "title": "Renamed"}

    response = analyst_client.post(admin_url(SourceDocument, "change", document.pk), data)

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert inline.errors == [{"police": [NEGATIVE]}]
    statement.refresh_from_db()
    document.refresh_from_db()
    assert (statement.police, document.title, document.version) == (
        1,
        "Kamerbrief " + document.number,
        1,
    )


def test_it_refuses_more_military_than_the_whole_mission(analyst_client):
    mission = factories.mission()
    page = analyst_client.get(admin_url(Mission, "change", mission.pk))
    data = admin_form_data(page) | {"total_strength": "70", "military_strength": "159"}

    response = analyst_client.post(admin_url(Mission, "change", mission.pk), data)

    assert response.context["adminform"].form.errors == {
        "__all__": ["The military staff cannot exceed the total strength."]
    }
    assert Mission.objects.get(pk=mission.pk).total_strength is None


def test_it_refuses_a_negative_mission_strength(analyst_client):
    mission = factories.mission()
    page = analyst_client.get(admin_url(Mission, "change", mission.pk))
    data = admin_form_data(page) | {"total_strength": "-1"}

    response = analyst_client.post(admin_url(Mission, "change", mission.pk), data)

    assert response.context["adminform"].form.errors == {
        "total_strength": ["A strength cannot be negative."]
    }


# -- in the database, bypassing every form -----------------------------------------------------


def refused_by_database(make) -> str:
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        make()
    return str(refusal.value)


def test_the_database_refuses_a_negative_count(db):
    contribution, document = factories.contribution(), factories.document()

    error = refused_by_database(
        lambda: Statement.objects.create(
            contribution=contribution, document=document, status="new", military=-1
        )
    )

    assert "missions_statement_counts_non_negative" in error
    assert not Statement.objects.exists()


def test_the_database_refuses_an_end_before_the_start_in_a_bulk_create(db):
    contribution, document = factories.contribution(), factories.document()
    row = Statement(
        contribution=contribution,
        document=document,
        document_date=document.date,
        status="new",
        start_date=date(2026, 1, 1),
        start_precision="year",
        end_date=date(2025, 6, 30),
        end_precision="month",
    )

    error = refused_by_database(lambda: Statement.objects.bulk_create([row]))

    assert "missions_statement_end_not_before_start" in error
    assert not Statement.objects.exists()


def test_the_database_refuses_a_second_document_with_the_same_dossier_and_number(db):
    factories.document(dossier="29521", number="493")

    refused_by_database(
        lambda: SourceDocument.objects.create(
            kind="kamerbrief", dossier="29521", number="493", date=date(2025, 4, 4), title="x"
        )
    )

    assert SourceDocument.objects.filter(dossier="29521", number="493").count() == 1


def test_the_database_refuses_a_negative_mission_strength(db):
    organization, region = factories.organization(), factories.region()

    error = refused_by_database(
        lambda: Mission.objects.create(
            name="x", organization=organization, region=region, total_strength=-5
        )
    )

    assert "missions_mission_strength_non_negative" in error
