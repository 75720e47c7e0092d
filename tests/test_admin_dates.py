"""Every date field of the admin reads the same phrases, whatever the interface language."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from missions.models import SourceDocument
from missions.web.forms import DocumentForm, StatementForm
from tests import factories


def document_data(day: str) -> dict[str, str]:
    return {"kind": "kamerbrief", "dossier": "29521", "number": "777", "date": day, "title": "T"}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize(
    ("typed", "day", "precision"),
    [
        ("02/11/2026", date(2026, 11, 2), "day"),  # day-month-year in both languages
        ("02-11-2026", date(2026, 11, 2), "day"),
        ("2 november 2026", date(2026, 11, 2), "day"),
        ("2026-11-02", date(2026, 11, 2), "day"),
        ("25 april 2025", date(2025, 4, 25), "day"),
        ("April 25, 2025", date(2025, 4, 25), "day"),
        ("mei 2025", date(2025, 5, 1), "month"),
        ("2024", date(2024, 1, 1), "year"),
    ],
)
def test_it_reads_a_document_date_as_the_letter_prints_it(db, language, typed, day, precision):
    with translation.override(language):
        form = DocumentForm(document_data(typed))
        assert form.is_valid(), form.errors
        document = form.save()
    assert (document.date, document.date_precision) == (day, precision)


def test_it_names_the_input_of_a_document_date_it_cannot_read(db):
    form = DocumentForm(document_data("eind smarch 2025"))
    assert not form.is_valid()
    assert '"eind smarch 2025" is not a date' in form.errors["date"][0]
    assert not SourceDocument.objects.exists()


def test_it_still_refuses_a_document_dated_after_today(db):
    form = DocumentForm(document_data("1 januari 2100"))
    assert not form.is_valid()
    assert "is after today" in form.errors["date"][0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("zoek.officielebekendmakingen.nl/kst-29521-497.html", "https://"),
        ("http://www.tweedekamer.nl/kst-29521-497", "http://"),
    ],
)
def test_it_reads_a_publication_address_without_a_scheme_as_https(db, typed, stored):
    form = DocumentForm({**document_data("23 mei 2025"), "url": typed})
    assert form.is_valid(), form.errors
    assert form.save().url == (typed if typed.startswith("http") else stored + typed)


def test_it_reads_an_end_given_as_a_duration_from_the_start(db):
    form = StatementForm(
        {
            "contribution": factories.contribution().pk,
            "document": factories.document().pk,
            "kind": "decision",
            "status": "new",
            "qualifier": "exact",
            "start": "1 juli 2025",
            "end": "voor de duur van één jaar",
        }
    )
    assert form.is_valid(), form.errors
    statement = form.save()
    assert (statement.start_date, statement.end_date) == (date(2025, 7, 1), date(2026, 6, 30))


def test_it_asks_for_a_start_when_the_end_is_a_duration(db):
    form = StatementForm(
        {
            "contribution": factories.contribution().pk,
            "document": factories.document().pk,
            "kind": "decision",
            "status": "new",
            "qualifier": "exact",
            "end": "zes maanden",
        }
    )
    assert not form.is_valid()
    assert "is a duration: give the start date" in form.errors["end"][0]
