"""The date phrases letters use (issue 10, point 6), read the same in both interface languages:
"medio", "begin", "uiterlijk", "vanaf", seasons, durations from a start; numeric dates always
day-month-year; anything else a clear error naming the input (missions/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from missions.dates import (
    Bound,
    DatePhraseError,
    PreciseDate,
    Precision,
    end_after,
    parse_date_phrase,
    parse_day,
    parse_duration,
)

DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


def D(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), DAY)


def M(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), MONTH)


def Y(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), YEAR)


LANGUAGES = ["en", "nl"]

# (phrase, read as an end, read as a start)
PHRASES = [
    ("medio 2029", M(2029, 6, 30), M(2029, 7, 1)),
    ("mid-2029", M(2029, 6, 30), M(2029, 7, 1)),
    ("medio mei 2026", M(2026, 5, 31), M(2026, 5, 1)),
    ("begin mei 2026", M(2026, 5, 1), M(2026, 5, 1)),
    ("begin 2027", Y(2027, 1, 1), Y(2027, 1, 1)),
    ("early 2027", Y(2027, 1, 1), Y(2027, 1, 1)),
    ("uiterlijk eind augustus 2024", M(2024, 8, 31), M(2024, 8, 31)),
    ("uiterlijk 1 juli 2025", D(2025, 7, 1), D(2025, 7, 1)),
    ("no later than June 2028", M(2028, 6, 30), M(2028, 6, 1)),
    ("vanaf 1 augustus 2025", D(2025, 8, 1), D(2025, 8, 1)),
    ("vanaf juni 2025", M(2025, 6, 30), M(2025, 6, 1)),
    ("voorjaar 2027", M(2027, 5, 31), M(2027, 3, 1)),
    ("lente 2027", M(2027, 5, 31), M(2027, 3, 1)),
    ("in het voorjaar van 2027", M(2027, 5, 31), M(2027, 3, 1)),
    ("zomer 2026", M(2026, 8, 31), M(2026, 6, 1)),
    ("najaar 2025", M(2025, 11, 30), M(2025, 9, 1)),
    ("autumn 2025", M(2025, 11, 30), M(2025, 9, 1)),
    ("eind zomer 2026", M(2026, 8, 31), M(2026, 8, 31)),
    ("begin najaar 2025", M(2025, 9, 1), M(2025, 9, 1)),
    # Numeric dates are day-month-year, also in an English interface.
    ("02/12/2026", D(2026, 12, 2), D(2026, 12, 2)),
    ("2-12-2026", D(2026, 12, 2), D(2026, 12, 2)),
    ("2 december 2026", D(2026, 12, 2), D(2026, 12, 2)),
    ("2 December 2026", D(2026, 12, 2), D(2026, 12, 2)),
    ("December 2, 2026", D(2026, 12, 2), D(2026, 12, 2)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("phrase", "end", "start"), PHRASES, ids=[p[0] for p in PHRASES])
def test_it_reads_letter_phrases_in_both_languages(language, phrase, end, start) -> None:
    with translation.override(language):
        assert parse_date_phrase(phrase, Bound.END) == end
        assert parse_date_phrase(phrase, Bound.START) == start


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_reads_02_12_2026_as_2_december(language: str) -> None:
    with translation.override(language):
        assert parse_day("02/12/2026") == date(2026, 12, 2)
        assert parse_day("2026-12-02") == date(2026, 12, 2)


DURATIONS = [
    # (phrase, start, end)
    ("voor de duur van één jaar", M(2025, 10, 1), M(2026, 9, 30)),
    ("voor de duur van een jaar", D(2025, 8, 1), D(2026, 7, 31)),
    ("zes maanden", D(2025, 8, 1), D(2026, 1, 31)),
    ("6 maanden", D(2025, 8, 31), D(2026, 2, 27)),
    ("voor een periode van twee jaar", Y(2025, 1, 1), Y(2026, 12, 31)),
    ("gedurende drie weken", D(2025, 8, 1), D(2025, 8, 21)),
    ("anderhalf jaar", M(2025, 7, 1), M(2026, 12, 31)),
    ("for one year", M(2025, 10, 1), M(2026, 9, 30)),
    ("for a period of 18 months", D(2025, 1, 1), D(2026, 6, 30)),
    ("twelve months", D(2024, 2, 29), D(2025, 2, 27)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("phrase", "start", "end"), DURATIONS, ids=[d[0] for d in DURATIONS])
def test_it_counts_a_duration_from_the_start(language, phrase, start, end) -> None:
    with translation.override(language):
        assert parse_date_phrase(phrase, Bound.END, start=start) == end
        assert end_after(start, parse_duration(phrase)) == end


@pytest.mark.parametrize(
    ("phrase", "language", "message"),
    [
        (
            "voor de duur van één jaar",
            "en",
            '"voor de duur van één jaar" is a duration: give the start date to count it from',
        ),
        ("zes maanden", "nl", '"zes maanden" is een duur: geef de startdatum om vanaf te tellen'),
        ("winter 2027", "en", '"winter 2027" is not a date'),
        ("medio 9 juli 2025", "en", '"medio 9 juli 2025" is not a date'),
        ("medio", "nl", '"medio" is geen datum'),
        ("voorjaar", "en", '"voorjaar" is not a date'),
        ("uiterlijk", "en", '"uiterlijk" is not a date'),
        ("nul maanden", "en", '"nul maanden" is not a date'),
        ("12/31/2026", "en", '"12/31/2026" is not a date'),
    ],
)
def test_it_names_the_input_it_cannot_read(phrase: str, language: str, message: str) -> None:
    with translation.override(language), pytest.raises(DatePhraseError) as caught:
        parse_date_phrase(phrase, Bound.END)
    assert message in str(caught.value)
    assert caught.value.phrase == phrase


def test_it_refuses_a_duration_as_a_start() -> None:
    with pytest.raises(DatePhraseError, match="is a duration"):
        parse_date_phrase("zes maanden", Bound.START, start=D(2025, 1, 1))


@pytest.mark.parametrize("phrase", ["juni 2028", "2026", "medio 2029"])
def test_it_wants_one_day_for_a_documents_date(phrase: str) -> None:
    with translation.override("en"), pytest.raises(DatePhraseError, match="is not one day"):
        parse_day(phrase)
