"""Date phrases, precision and month arithmetic (missions/dates.py); no database needed."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from missions.dates import (
    Bound,
    DatePhraseError,
    PreciseDate,
    Precision,
    add_months,
    format_precise,
    months_between,
    parse_date_phrase,
    period_end,
    period_start,
    time_left,
)

DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR

# (phrase, value for Bound.END, value for Bound.START, precision)
PHRASES = [
    ("9 juli 2025", date(2025, 7, 9), date(2025, 7, 9), DAY),
    ("9 July 2025", date(2025, 7, 9), date(2025, 7, 9), DAY),
    ("July 9, 2025", date(2025, 7, 9), date(2025, 7, 9), DAY),
    ("2028-06-30", date(2028, 6, 30), date(2028, 6, 30), DAY),
    ("30-06-2028", date(2028, 6, 30), date(2028, 6, 30), DAY),
    ("30/06/2028", date(2028, 6, 30), date(2028, 6, 30), DAY),
    ("30.06.2028", date(2028, 6, 30), date(2028, 6, 30), DAY),
    ("3/4/2025", date(2025, 4, 3), date(2025, 4, 3), DAY),
    ("29 feb 2028", date(2028, 2, 29), date(2028, 2, 29), DAY),
    ("9 mrt 2025", date(2025, 3, 9), date(2025, 3, 9), DAY),
    ("1 okt. 2025", date(2025, 10, 1), date(2025, 10, 1), DAY),
    ("up to and including 9 July 2025", date(2025, 7, 9), date(2025, 7, 9), DAY),
    ("per 1 januari 2026", date(2026, 1, 1), date(2026, 1, 1), DAY),
    ("juni 2028", date(2028, 6, 30), date(2028, 6, 1), MONTH),
    ("June 2028", date(2028, 6, 30), date(2028, 6, 1), MONTH),
    ("feb 2028", date(2028, 2, 29), date(2028, 2, 1), MONTH),
    ("sept 2025", date(2025, 9, 30), date(2025, 9, 1), MONTH),
    ("vanaf maart 2025", date(2025, 3, 31), date(2025, 3, 1), MONTH),
    ("from June 2028", date(2028, 6, 30), date(2028, 6, 1), MONTH),
    ("eind juni 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("end of June 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("end June 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("tot en met eind juni 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("t/m eind juni 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("until the end of June 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("tot eind juni 2028", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("begin juni 2028", date(2028, 6, 1), date(2028, 6, 1), MONTH),
    ("start of June 2028", date(2028, 6, 1), date(2028, 6, 1), MONTH),
    ("2026", date(2026, 12, 31), date(2026, 1, 1), YEAR),
    ("eind 2026", date(2026, 12, 31), date(2026, 12, 31), YEAR),
    ("end of 2026", date(2026, 12, 31), date(2026, 12, 31), YEAR),
    ("sinds 1948", date(1948, 12, 31), date(1948, 1, 1), YEAR),
    ("since 1948", date(1948, 12, 31), date(1948, 1, 1), YEAR),
    # Case, surrounding and inner whitespace, and a trailing period do not matter.
    ("  EIND  Juni 2028. ", date(2028, 6, 30), date(2028, 6, 30), MONTH),
    ("Tot En Met 9 JULI 2025.", date(2025, 7, 9), date(2025, 7, 9), DAY),
]

NONSENSE = [
    "",
    "   ",
    ".",
    "eind smarch 2028",
    "2025-13-45",
    "2025-13-06",  # dateutil would swap day and month; a typo must not become a date
    "06-30-2028",  # American order: refused rather than guessed
    "31 februari 2025",
    "29 feb 2027",
    "hello",
    "12",
    "99999",
    "9 juli",  # no year
    "juli",
    "eind",
    "tot en met",
    "eind 9 juli 2025",  # a month marker on a day
    "1899",
    "2201",
    "0999",
    "monday",
    "10:00",
    "2028-06-30 10:00",
    "today is 9 juli 2025",  # would pass with fuzzy parsing
    "9 juli 2025 en verder",
    "\u0662\u0660\u0662\u0666",  # Arabic-Indic digits
]


@pytest.mark.parametrize(("phrase", "end", "start", "precision"), PHRASES)
def test_it_parses_phrases_for_both_bounds(
    phrase: str, end: date, start: date, precision: Precision
) -> None:
    assert parse_date_phrase(phrase) == PreciseDate(end, precision)
    assert parse_date_phrase(phrase, Bound.END) == PreciseDate(end, precision)
    assert parse_date_phrase(phrase, Bound.START) == PreciseDate(start, precision)


@pytest.mark.parametrize("phrase", NONSENSE)
def test_it_rejects_nonsense_with_date_phrase_error(phrase: str) -> None:
    with pytest.raises(DatePhraseError) as caught:
        parse_date_phrase(phrase)
    assert caught.value.phrase == phrase
    assert isinstance(caught.value, ValueError)


def test_it_names_the_phrase_and_hints_at_accepted_forms() -> None:
    with translation.override("en"), pytest.raises(DatePhraseError) as caught:
        parse_date_phrase("eind smarch 2028")
    message = str(caught.value)
    assert '"eind smarch 2028" is not a date' in message
    assert '"eind juni 2028"' in message


ROUND_TRIPS = [
    PreciseDate(date(2025, 7, 9), DAY),
    PreciseDate(date(2028, 2, 29), DAY),
    PreciseDate(date(2028, 2, 29), MONTH),
    PreciseDate(date(2026, 12, 31), YEAR),
    PreciseDate(date(1948, 12, 31), YEAR),
    *(PreciseDate(period_end(date(2027, month, 1), MONTH), MONTH) for month in range(1, 13)),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("precise", ROUND_TRIPS, ids=lambda p: f"{p.value}-{p.precision}")
def test_it_round_trips_format_then_parse(precise: PreciseDate, language: str) -> None:
    text = precise.display(Bound.END, language)
    assert parse_date_phrase(text, Bound.END) == precise


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_round_trips_a_month_start(language: str) -> None:
    start = PreciseDate(date(2028, 6, 1), MONTH)
    assert parse_date_phrase(start.display(Bound.START, language), Bound.START) == start


@pytest.mark.parametrize(
    ("value", "precision", "bound", "language", "expected"),
    [
        (date(2025, 7, 9), DAY, Bound.END, "nl", "9 juli 2025"),
        (date(2025, 7, 9), DAY, Bound.END, "en", "9 July 2025"),
        (date(2025, 7, 9), DAY, Bound.START, "nl", "9 juli 2025"),
        (date(2025, 7, 9), None, Bound.END, "en", "9 July 2025"),
        (date(2028, 6, 30), MONTH, Bound.END, "nl", "eind juni 2028"),
        (date(2028, 6, 30), MONTH, Bound.END, "en", "end of June 2028"),
        (date(2028, 6, 1), MONTH, Bound.START, "nl", "juni 2028"),
        (date(2028, 6, 1), MONTH, Bound.START, "en", "June 2028"),
        (date(2025, 3, 31), "month", Bound.END, "nl", "eind maart 2025"),
        (date(2026, 12, 31), YEAR, Bound.END, "nl", "2026"),
        (date(2026, 1, 1), YEAR, Bound.START, "en", "2026"),
        (date(2025, 10, 1), DAY, Bound.END, "nl-nl", "1 oktober 2025"),
        (date(2025, 10, 1), DAY, Bound.END, "nl_BE", "1 oktober 2025"),
        (date(2025, 10, 1), DAY, Bound.END, "en-gb", "1 October 2025"),
        (date(2025, 10, 1), DAY, Bound.END, "fr", "1 October 2025"),
        (None, MONTH, Bound.END, "nl", ""),
        (None, None, Bound.END, "en", ""),
    ],
)
def test_it_formats_as_precisely_as_known(
    value: date | None, precision: str | None, bound: Bound, language: str, expected: str
) -> None:
    assert format_precise(value, precision, bound, language) == expected


@pytest.mark.parametrize(
    ("active", "expected"),
    [("nl", "eind juni 2028"), ("en", "end of June 2028"), (None, "end of June 2028")],
)
def test_it_formats_in_the_active_language_by_default(active: str | None, expected: str) -> None:
    # override(None) deactivates translation: get_language() is then None, so English.
    with translation.override(active):
        assert format_precise(date(2028, 6, 30), MONTH) == expected
        assert PreciseDate(date(2028, 6, 30), MONTH).display() == expected


@pytest.mark.parametrize(
    ("end", "today", "english", "dutch"),
    [
        (None, date(2025, 6, 1), "", ""),
        (date(2025, 5, 31), date(2025, 6, 1), "ended", "afgelopen"),
        (date(2020, 1, 1), date(2025, 6, 1), "ended", "afgelopen"),
        (date(2025, 6, 1), date(2025, 6, 1), "0 days", "0 dagen"),
        (date(2025, 6, 2), date(2025, 6, 1), "1 day", "1 dag"),
        (date(2025, 6, 13), date(2025, 6, 1), "12 days", "12 dagen"),
        (date(2025, 6, 30), date(2025, 6, 1), "29 days", "29 dagen"),
        (date(2025, 7, 1), date(2025, 6, 1), "1 month", "1 maand"),
        (date(2025, 3, 30), date(2025, 1, 31), "1 month", "1 maand"),
        (date(2026, 1, 1), date(2025, 6, 1), "7 months", "7 maanden"),
        (date(2027, 6, 1), date(2025, 6, 1), "24 months", "24 maanden"),
        (date(2028, 1, 31), date(2025, 6, 1), "31 months", "31 maanden"),
    ],
)
def test_it_says_how_much_time_is_left(
    end: date | None, today: date, english: str, dutch: str
) -> None:
    assert time_left(end, today, "en") == english
    assert time_left(end, today, "nl") == dutch


@pytest.mark.parametrize(
    ("value", "precision", "first", "last"),
    [
        (date(2028, 2, 10), MONTH, date(2028, 2, 1), date(2028, 2, 29)),
        (date(2027, 2, 10), MONTH, date(2027, 2, 1), date(2027, 2, 28)),
        (date(2000, 2, 10), MONTH, date(2000, 2, 1), date(2000, 2, 29)),
        (date(2100, 2, 10), MONTH, date(2100, 2, 1), date(2100, 2, 28)),
        (date(2028, 6, 15), MONTH, date(2028, 6, 1), date(2028, 6, 30)),
        (date(2025, 12, 31), MONTH, date(2025, 12, 1), date(2025, 12, 31)),
        (date(2026, 7, 4), YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        (date(2028, 2, 29), DAY, date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_it_knows_the_first_and_last_day_of_a_period(
    value: date, precision: Precision, first: date, last: date
) -> None:
    assert period_start(value, precision) == first
    assert period_end(value, precision) == last


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 6, 1), date(2025, 6, 30), 0),
        (date(2025, 6, 1), date(2025, 7, 1), 1),
        # relativedelta: Jan 31 + 1 month is Feb 28, so that is a whole month (as in add_months).
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 1, 31), date(2025, 2, 27), 0),
        (date(2025, 6, 1), date(2028, 6, 30), 36),
        (date(2025, 7, 1), date(2025, 6, 1), -1),
        (date(2028, 6, 30), date(2025, 6, 1), -36),
    ],
)
def test_it_counts_whole_months_between(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2025, 6, 30), 6, date(2025, 12, 30)),
        (date(2025, 6, 30), 36, date(2028, 6, 30)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 6, 15), 0, date(2025, 6, 15)),
    ],
)
def test_it_adds_months_clamped_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


# Pieces of real phrases, so that hypothesis also explores near misses, not only noise.
_PIECES = st.sampled_from(
    ["eind", "begin", "tot en met", "t/m", "end of", "the", "sinds", "juni", "June", "mrt",
     "sept.", "9", "31", "00", "13", "2028", "1899", "99999", "-", "/", ",", ".", " ", "of"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_PIECES, max_size=6).map(" ".join)))
def test_it_returns_a_precise_date_or_raises_date_phrase_error(text: str) -> None:
    try:
        result = parse_date_phrase(text)
    except DatePhraseError as error:
        assert error.phrase == text
    else:
        assert isinstance(result, PreciseDate)
        assert 1900 <= result.value.year <= 2200
