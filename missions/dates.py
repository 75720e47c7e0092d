"""Pure date helpers: Dutch and English date phrases, precision, month ends, time left.

Government letters rarely give a plain date. They say "eind juni 2028", "tot en met 9 juli
2025" or "een aanwezigheid in 2026", so a date here is a value *plus* a precision. This
module turns such phrases into a `PreciseDate` and back, and does the month arithmetic the
reports need.

Letters also write "medio 2029", "uiterlijk eind augustus 2024", "voorjaar 2027" and a
duration from a start ("voor de duur van één jaar"); those are read here too, in Dutch and
English whatever the interface language, and numeric dates are always day-month-year.

Everything is pure: no database, and no reading of the clock ("today" is always passed in),
so callers and tests decide what today is and nothing needs patching. Month names come from
tables here, not from the OS locale, so output is the same on every machine.
"""

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from missions.letters.numbers import read_number


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Bound(StrEnum):
    """Which side of a period a phrase describes: "juni 2028" starts on the 1st, ends the 30th."""

    START = "start"
    END = "end"


MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Abbreviations seen in Dutch and English documents ("mrt", "okt", "sept"), per month.
_ABBREVIATIONS = (
    ("jan",), ("feb", "febr"), ("mar", "mrt"), ("apr",), (), ("jun",),
    ("jul",), ("aug",), ("sep", "sept"), ("oct", "okt"), ("nov",), ("dec",),
)  # fmt: skip

# A year outside this window is a typo ("20226"), not a mission date. The one bound of every
# date a user can type: filters, report forms and commands, the importer and the models.
YEAR_MIN = 1900
YEAR_MAX = 2200
# The same window as whole days: every date a user can type, on any page, form or file.
EARLIEST_DATE = datetime.date(YEAR_MIN, 1, 1)
LATEST_DATE = datetime.date(YEAR_MAX, 12, 31)


def in_date_range(value: datetime.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def date_range_message() -> str:
    return gettext("Enter a date between %(first)s and %(last)s.") % {
        "first": EARLIEST_DATE.isoformat(),
        "last": LATEST_DATE.isoformat(),
    }


def validate_date_in_range(value: datetime.date | None) -> None:
    """A form validator: a date outside EARLIEST_DATE..LATEST_DATE is refused with one message,
    before any report does arithmetic with it (three months before 0001-01-01 is no date)."""
    from django.core.exceptions import ValidationError  # here: the rest of this module is pure

    if value is not None and not in_date_range(value):
        raise ValidationError(date_range_message(), code="date_out_of_range")


class _DutchEnglishInfo(dateutil_parser.parserinfo):
    """dateutil's parserinfo knowing Dutch month names as well as English ones."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = [
        (nl, en.lower(), *abbreviations)
        for nl, en, abbreviations in zip(MONTHS_NL, MONTHS_EN, _ABBREVIATIONS, strict=True)
    ]


# parserinfo notes the current year when created, but only to expand two-digit years, which
# the shapes below never let through; so results do not depend on the clock.
_INFO = _DutchEnglishInfo()

# Only these shapes are accepted. dateutil alone is far too lenient ("12" is the 12th of the
# default month, "monday" is a date, "10:00" a time), so the shape is checked first and also
# tells which parts were written, hence the precision. Fuzzy parsing is never used.
_MONTH_WORD = r"(?P<month_name>[a-z]+)\.?"
_SHAPES: tuple[tuple[re.Pattern[str], Precision], ...] = tuple(
    (re.compile(pattern, re.ASCII), precision)
    for pattern, precision in (
        (r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", Precision.DAY),
        (r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})", Precision.DAY),
        (rf"(?P<day>\d{{1,2}}) {_MONTH_WORD} (?P<year>\d{{4}})", Precision.DAY),
        (rf"{_MONTH_WORD} (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})", Precision.DAY),
        (rf"{_MONTH_WORD} (?P<year>\d{{4}})", Precision.MONTH),
        (r"(?P<year>\d{4})", Precision.YEAR),
    )
)


def _leading(*words: str) -> re.Pattern[str]:
    # Longest first, so that "tot en met" wins over "tot".
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives})\s+")


# Prefixes that only say which way the period runs; the bound argument decides the value.
# "uiterlijk" (at the latest) is an end a letter promises not to pass: read as that end.
_PREFIX = _leading(
    "tot en met", "t/m", "tot", "until", "up to and including",
    "per", "vanaf", "from", "since", "sinds",
    "uiterlijk", "at the latest", "no later than", "not later than",
)  # fmt: skip
# Markers that pin the value to one end of the month or year, whatever the bound.
_END_MARKER = _leading("eind", "einde", "end", "end of", "the end of", "late", "by the end of")
_START_MARKER = _leading(
    "begin", "start", "start of", "the start of", "beginning of", "the beginning of", "early"
)
# "medio 2029" is the middle of the year: its first half ends 30 June, its second starts 1 July.
# "medio mei 2026" says no more than "mei 2026", so it reads as that month.
_MEDIO = re.compile(r"^(?:medio|mid-|mid|the middle of|half)\s*(?=\S)")
# Seasons as months (meteorological, as the Dutch weather service counts them). Winter spans
# two years, so "winter 2027" is ambiguous and refused rather than guessed.
_SEASONS = {
    "voorjaar": (3, 5), "lente": (3, 5), "spring": (3, 5),
    "zomer": (6, 8), "summer": (6, 8),
    "najaar": (9, 11), "herfst": (9, 11), "autumn": (9, 11), "fall": (9, 11),
}  # fmt: skip
_SEASON = re.compile(
    r"(?:(?:het|de|in het|in de|the|in the)\s+)?"
    r"(?P<season>[a-z]+)\s+(?:van\s+|of\s+)?(?P<year>\d{4})"
)
# "voor de duur van één jaar", "zes maanden", "for a period of 18 months", "anderhalf jaar".
_DURATION = re.compile(
    r"(?:(?:voor de duur van|voor een periode van|gedurende|voor|for a period of|for)\s+)?"
    r"(?P<count>\S+)\s+(?P<unit>jaar|jaren|maand|maanden|week|weken|dag|dagen"
    r"|years?|months?|weeks?|days?)"
)
_UNIT_DELTA = {
    "jaar": "years", "jaren": "years", "year": "years", "years": "years",
    "maand": "months", "maanden": "months", "month": "months", "months": "months",
    "week": "weeks", "weken": "weeks", "weeks": "weeks",
    "dag": "days", "dagen": "days", "day": "days", "days": "days",
}  # fmt: skip


class DatePhraseError(ValueError):
    """A phrase that is not a date; the message names the phrase, for form errors."""

    def __init__(self, phrase: str, message: str | None = None) -> None:
        self.phrase = phrase
        message = message or gettext(
            '"%(phrase)s" is not a date (try "9 juli 2025", "eind juni 2028" or "2026")'
        )
        super().__init__(message % {"phrase": phrase.strip()})


@dataclass(frozen=True)
class PreciseDate:
    """A date as precise as the source: `value` is a real day, `precision` says how to read it."""

    value: datetime.date
    precision: Precision

    def display(self, bound: Bound = Bound.END, language: str | None = None) -> str:
        return format_precise(self.value, self.precision, bound, language)


def _strip_words(phrase: str) -> tuple[str, Bound | None]:
    """Drop a prefix ("tot en met") and a marker ("eind"), returning the marker's bound."""
    phrase = _PREFIX.sub("", phrase, count=1)
    for marker, pattern in ((Bound.END, _END_MARKER), (Bound.START, _START_MARKER)):
        rest, found = pattern.subn("", phrase, count=1)
        if found:
            return rest, marker
    return phrase, None


def _normalize(text: str) -> str:
    return " ".join(text.lower().split()).removesuffix(".").strip()


def parse_duration(text: str) -> relativedelta | None:
    """ "voor de duur van één jaar" -> 1 year, "zes maanden" -> 6 months; None if not a duration."""
    match = _DURATION.fullmatch(_normalize(text))
    if match is None:
        return None
    unit = _UNIT_DELTA[match["unit"]]
    if match["count"] == "anderhalf":  # one and a half
        return relativedelta(months=18) if unit == "years" else None
    count = read_number(match["count"], article_is_one=True)
    if count is None or count <= 0 or count > 100:
        return None
    return relativedelta(**{unit: count})


def end_after(start: PreciseDate, duration: relativedelta) -> PreciseDate:
    """The last day covered by `duration` from `start`, as precise as the start.

    "van oktober 2025 voor de duur van één jaar" ends at the end of September 2026: counted
    from the start's first day, the last day is the one before the anniversary.
    """
    first = period_start(start.value, start.precision)
    last = first + duration - relativedelta(days=1)
    return PreciseDate(period_end(last, start.precision), start.precision)


def _season(phrase: str, side: Bound) -> PreciseDate | None:
    match = _SEASON.fullmatch(phrase)
    if match is None or match["season"] not in _SEASONS:
        return None
    year = int(match["year"])
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    first, last = _SEASONS[match["season"]]
    if side == Bound.START:
        return PreciseDate(datetime.date(year, first, 1), Precision.MONTH)
    return PreciseDate(period_end(datetime.date(year, last, 1), Precision.MONTH), Precision.MONTH)


def parse_date_phrase(
    text: str, bound: Bound = Bound.END, start: PreciseDate | None = None
) -> PreciseDate:
    """Parse "9 juli 2025", "eind juni 2028", "June 2028", "sinds 1948"... into a PreciseDate.

    A month or year without a marker becomes its first day for `Bound.START` and its last
    day for `Bound.END`; "eind"/"end of" and "begin"/"start of" override the bound. Also
    "medio 2029", "uiterlijk eind augustus 2024", "voorjaar 2027"; and, for an end, a duration
    ("voor de duur van één jaar") counted from `start`. Numeric dates are day-month-year
    whatever the interface language ("02/12/2026" is 2 December).
    """
    duration = parse_duration(text)
    if duration is not None:
        if bound != Bound.END or start is None:
            raise DatePhraseError(
                text, gettext('"%(phrase)s" is a duration: give the start date to count it from')
            )
        return end_after(start, duration)
    phrase, marker = _strip_words(_normalize(text))
    season = _season(phrase, marker or bound)
    if season is not None:
        return season
    medio, found = _MEDIO.subn("", phrase, count=1)
    if found and marker is None:
        return _medio(text, medio, bound)
    shape = next(((m, p) for pattern, p in _SHAPES if (m := pattern.fullmatch(phrase))), None)
    # "eind 9 juli 2025" puts a month marker on a day: ambiguous, so refused.
    if shape is None or (marker is not None and shape[1] == Precision.DAY):
        raise DatePhraseError(text)
    match, precision = shape
    parts = match.groupdict()
    year = int(parts["year"])
    month = _INFO.month(parts["month_name"]) if "month_name" in parts else parts.get("month")
    if not YEAR_MIN <= year <= YEAR_MAX or ("month_name" in parts and month is None):
        raise DatePhraseError(text)

    year_first = match.start("year") == 0
    try:
        parsed = dateutil_parser.parse(
            phrase,
            parserinfo=_INFO,
            # An explicit default keeps dateutil from reading the clock for missing parts.
            default=datetime.datetime(YEAR_MIN, 1, 1),
            # 30/06/2028 is Dutch order; only ISO 2028-06-30 starts with the year.
            dayfirst=not year_first,
            yearfirst=year_first,
        ).date()
    except (ValueError, OverflowError) as exc:
        raise DatePhraseError(text) from exc
    # dateutil swaps day and month when one cannot be a month ("2025-13-06"); parts written
    # in an unexpected order are a typo, so every written part must come back unchanged.
    written = (year, int(month or parsed.month), int(parts.get("day") or parsed.day))
    if (parsed.year, parsed.month, parsed.day) != written:
        raise DatePhraseError(text)

    side = marker or bound
    value = (
        period_start(parsed, precision) if side == Bound.START else period_end(parsed, precision)
    )
    return PreciseDate(value, precision)


def _medio(text: str, phrase: str, bound: Bound) -> PreciseDate:
    """ "medio 2029": 30 June as an end, 1 July as a start; "medio mei 2026": May 2026."""
    if re.fullmatch(r"\d{4}", phrase):
        year = int(phrase)
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise DatePhraseError(text)
        if bound == Bound.START:
            return PreciseDate(datetime.date(year, 7, 1), Precision.MONTH)
        return PreciseDate(datetime.date(year, 6, 30), Precision.MONTH)
    try:
        value = parse_date_phrase(phrase, bound)
    except DatePhraseError as error:
        raise DatePhraseError(text) from error
    if value.precision != Precision.MONTH:
        raise DatePhraseError(text)  # "medio 9 juli 2025" says nothing a day does not
    return value


def parse_day(text: str) -> datetime.date:
    """A date that must be one day ("25 april 2025", "02/12/2026"), e.g. a document's date."""
    value = parse_date_phrase(text)
    if value.precision != Precision.DAY:
        raise DatePhraseError(
            text, gettext('"%(phrase)s" is not one day (try "25 april 2025" or "25-04-2025")')
        )
    return value.value


def _language(language: str | None) -> str:
    # Only Dutch and English are supported; "nl-nl" and "nl_BE" are Dutch, anything else English.
    code = (language or get_language() or "en").lower().replace("_", "-").split("-")[0]
    return "nl" if code == "nl" else "en"


def format_precise(
    value: datetime.date | None,
    precision: str | None,
    bound: Bound = Bound.END,
    language: str | None = None,
) -> str:
    """Write a date as precisely as it is known: "9 juli 2025", "eind juni 2028", "2026".

    None gives "" because an open end is shown differently by each caller.
    A missing precision means a plain day.
    """
    if value is None:
        return ""
    precision = Precision(precision) if precision else Precision.DAY
    dutch = _language(language) == "nl"
    month = MONTHS_NL[value.month - 1] if dutch else MONTHS_EN[value.month - 1]
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        if bound == Bound.START:
            return f"{month} {value.year}"
        return f"eind {month} {value.year}" if dutch else f"end of {month} {value.year}"
    return f"{value.day} {month} {value.year}"


def period_end(value: datetime.date, precision: Precision) -> datetime.date:
    """Last day a value covers: the month end, Dec 31, or the day itself."""
    if precision == Precision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == Precision.MONTH:
        # relativedelta clamps day=31 to the month's real last day, leap years included.
        return value + relativedelta(day=31)
    return value


def period_start(value: datetime.date, precision: Precision) -> datetime.date:
    """First day a value covers: the 1st of the month, Jan 1, or the day itself."""
    if precision == Precision.YEAR:
        return datetime.date(value.year, 1, 1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from start to end; negative when end is before start."""
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month end (Jan 31 + 1 -> Feb 28/29)."""
    return day + relativedelta(months=months)


# Own words rather than a gettext catalogue, so output does not depend on compiled messages.
_ENDED = {"nl": "afgelopen", "en": "ended"}
_UNITS = {
    ("nl", "day"): ("dag", "dagen"),
    ("nl", "month"): ("maand", "maanden"),
    ("en", "day"): ("day", "days"),
    ("en", "month"): ("month", "months"),
}


def time_left(end: datetime.date | None, today: datetime.date, language: str | None = None) -> str:
    """How long until `end`: "7 months", "12 days", "ended"; "" for an open end."""
    if end is None:
        return ""
    lang = _language(language)
    if end < today:
        return _ENDED[lang]
    months = months_between(today, end)
    count, unit = (months, "month") if months >= 1 else ((end - today).days, "day")
    singular, plural = _UNITS[lang, unit]
    return f"{count} {singular if count == 1 else plural}"
