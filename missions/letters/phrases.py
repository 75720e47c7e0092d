"""The phrases of a Dutch contribution: figures, qualifiers, periods, status verbs.

Each reader takes one clause of a letter and returns what it states, with the offset where
it was read so that the builder can tie it to the nearest contribution.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from missions.dates import (
    Bound,
    DatePhraseError,
    PreciseDate,
    end_after,
    parse_date_phrase,
    parse_duration,
)
from missions.letters.numbers import DIGITS, NUMBER_WORD, read_number

# -- figures -------------------------------------------------------------------------------

QUALIFIERS = (
    (r"maximaal|ten hoogste|hooguit|tot maximaal|maximum|niet meer dan|tot", "at_most"),
    (
        r"ongeveer|circa|ca\.|rond de|rondom|zo'n|ruwweg|bijna|omstreeks|naar schatting",
        "approximately",
    ),
    (r"meer dan|ruim|minimaal|ten minste|tenminste|minstens|bijna \d+|tenminste", "at_least"),
)
_QUALIFIER = "|".join(f"(?:{words})" for words, _ in QUALIFIERS)
# Personnel nouns and the category they count (issue 12: militairen = military, civiele
# experts = civilian, politiefunctionarissen = police, personen / functionarissen = total).
CATEGORIES = (
    (r"politiefunctionaris(?:sen)?|politieagenten|agenten|politiemensen|politie-experts", "police"),
    (r"civiele (?:experts?|deskundigen|functionarissen|medewerkers)|civiele", "civilian"),
    (
        r"militairen|militair|stafofficieren|stafofficier|officieren|officier|mariniers"
        r"|militaire (?:adviseurs|trainers|waarnemers|experts)|manschappen|soldaten|vliegers",
        "military",
    ),
    (
        r"personen|persoon|functionarissen|functionaris|staffunctionarissen|staffunctionaris"
        r"|medewerkers|adviseurs|trainers|waarnemers|experts|personeelsleden|man",
        "total",
    ),
)
_NOUN = "|".join(f"(?:{nouns})" for nouns, _ in CATEGORIES)
_NUMBER = rf"(?:{DIGITS}|{NUMBER_WORD})"
# "maximaal 175 militairen", "ongeveer vijftien personen", "2 stafofficieren", "één stafofficier"
_FIGURE = re.compile(
    rf"(?<![\w-])(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<number>{_NUMBER})\s+"
    rf"(?:(?P<adjective>extra|aanvullende|Nederlandse|nationale|militaire)\s+)?(?P<noun>{_NOUN})\b",
    re.IGNORECASE,
)
# "(maximaal tien personen)" is a figure as above; "(van de huidige zeven naar maximaal tien)"
# is a change from 7 to at most 10, the noun being the contribution's.
_CHANGE = re.compile(
    rf"van\s+(?:de\s+)?(?:huidige\s+)?(?P<before>{_NUMBER})\s+naar\s+"
    rf"(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<after>{_NUMBER})(?:\s+(?P<noun>{_NOUN})\b)?",
    re.IGNORECASE,
)
# A figure that counts a whole mission or other countries, not the Dutch: "een bataljon van
# ongeveer 500 militairen uit verschillende landen", "een multinationale troepenmacht van".
_NOT_DUTCH_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?uit\s+(?:\w+\s+)?(?:verschillende|diverse|andere|\d+|[a-z]+)\s+"
    r"(?:landen|lidstaten|naties|bondgenoten|partnerlanden)\b|^\s*(?:in totaal|totaal)\b",
    re.IGNORECASE,
)
_NOT_DUTCH_BEFORE = re.compile(
    r"\b(?:multinationale|internationale|totale|gehele|in totaal|waarvan|telt|omvat in totaal)\b"
    r"(?:\s+\w+){0,4}\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    category: str  # military, civilian, police, total
    value: int
    qualifier: str  # a Statement.Qualifier value
    start: int
    text: str
    before: int | None = None  # "van de huidige zeven naar maximaal tien": 7
    not_dutch: bool = False


def qualifier_of(words: str | None) -> str:
    if not words:
        return "exact"
    words = words.lower()
    for pattern, value in QUALIFIERS:
        if re.fullmatch(pattern, words):
            return value
    return "exact"


def category_of(noun: str | None, default: str = "total") -> str:
    if not noun:
        return default
    for pattern, category in CATEGORIES:
        if re.fullmatch(pattern, noun.lower()):
            return category
    return default


def _figure_category(match: re.Match) -> str:
    # "twaalf militaire waarnemers" are military, "twaalf waarnemers" may be anyone.
    if (match["adjective"] or "").lower() == "militaire":
        return "military"
    return category_of(match["noun"])


def figures(clause: str) -> list[Figure]:
    """Personnel figures in a clause, each with its category and qualifier."""
    found: list[Figure] = []
    for match in _CHANGE.finditer(clause):
        before, after = read_number(match["before"]), read_number(match["after"])
        if before is None or after is None:
            continue
        found.append(
            Figure(
                category_of(match["noun"]),
                after,
                qualifier_of(match["qualifier"]),
                match.start(),
                match.group(0),
                before=before,
            )
        )
    for match in _FIGURE.finditer(clause):
        if any(f.start <= match.start() < f.start + len(f.text) for f in found):
            continue
        value = read_number(match["number"])
        if value is None or ((match["qualifier"] or "").lower() == "tot" and value < 2):
            continue
        not_dutch = bool(
            _NOT_DUTCH_AFTER.match(clause[match.end() :])
            or _NOT_DUTCH_BEFORE.search(clause[max(0, match.start() - 60) : match.start()])
        )
        found.append(
            Figure(
                _figure_category(match),
                value,
                qualifier_of(match["qualifier"]),
                match.start(),
                match.group(0),
                not_dutch=not_dutch,
            )
        )
    return sorted(found, key=lambda figure: figure.start)


# -- periods -------------------------------------------------------------------------------

_MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)"
)
_DATE = (
    rf"(?:(?:eind|einde|begin|medio|uiterlijk eind)\s+)?(?:\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}(?:\s+\d{{4}})?|\d{{1,2}}-\d{{1,2}}-\d{{4}}|(?:voorjaar|zomer|najaar|herfst)\s+\d{{4}}|\d{{4}})"
)
_RANGE = re.compile(
    rf"\b(?:van|vanaf)\s+(?P<start>{_DATE})\s+(?:tot\s+en\s+met|t/m|tot)\s+(?P<end>{_DATE})\b",
    re.IGNORECASE,
)
_END = re.compile(
    rf"\b(?:tot\s+en\s+met|t/m|tot|uiterlijk|eindigt(?:\s+op)?|loopt\s+af\s+op|afloopt\s+op)"
    rf"\s+(?P<end>{_DATE})\b",
    re.IGNORECASE,
)
_START = re.compile(
    rf"\b(?:vanaf|per|met ingang van|sinds|start(?:end|t)?\s+in)\s+(?P<start>{_DATE})\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(?:voor de duur van|voor een periode van|gedurende)\s+"
    r"(?P<duration>\S+\s+(?:jaar|jaren|maanden|maand|weken|week))\b",
    re.IGNORECASE,
)


_YEAR = re.compile(r"\d{4}")


@dataclass
class Period:
    start: PreciseDate | None = None
    end: PreciseDate | None = None
    at: int = -1  # offset of the phrase in the clause; -1 when none was read
    notes: list[str] = field(default_factory=list)
    # "start"/"end" when the text did not give that date whole (a year taken from elsewhere).
    inferred: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None


def _read(phrase: str, bound: Bound, letter_date: datetime.date | None, notes: list[str]):
    phrase = " ".join(phrase.split())
    if not re.search(r"\d{4}", phrase):
        # "vanaf juni": the year is the letter's.
        if letter_date is None:
            notes.append(
                gettext("'%(phrase)s' gives no year and the letter has no date")
                % {"phrase": phrase}
            )
            return None
        notes.append(
            gettext("year of '%(phrase)s' taken from the letter's date") % {"phrase": phrase}
        )
        phrase = f"{phrase} {letter_date.year}"
    try:
        return parse_date_phrase(phrase, bound)
    except DatePhraseError:
        notes.append(gettext("'%(phrase)s' could not be read as a date") % {"phrase": phrase})
        return None


def period(clause: str, letter_date: datetime.date | None = None) -> Period:
    """The period a clause states: "van oktober 2025 tot en met 1 oktober 2026", "tot eind 2027"."""
    result = Period()

    def read(phrase: str, bound: Bound, side: str):
        if not _YEAR.search(phrase):
            result.inferred.add(side)
        return _read(phrase, bound, letter_date, result.notes)

    if match := _RANGE.search(clause):
        end = read(match["end"], Bound.END, "end")
        start_phrase = match["start"]
        if not _YEAR.search(start_phrase) and end is not None:
            # "van oktober tot en met december 2025": the start shares the end's year.
            result.inferred.add("start")
            start_phrase = f"{start_phrase} {end.value.year}"
        result.start = read(start_phrase, Bound.START, "start")
        result.end, result.at = end, match.start()
    else:
        if match := _START.search(clause):
            result.start = read(match["start"], Bound.START, "start")
            result.at = match.start()
        if match := _END.search(clause):
            result.end = read(match["end"], Bound.END, "end")
            result.at = match.start() if result.at < 0 else result.at
    if (match := _DURATION.search(clause)) and (duration := parse_duration(match["duration"])):
        if result.start is not None and result.end is None:
            result.end = end_after(result.start, duration)
            result.inferred.add("end")
            result.notes.append(
                gettext("end counted from the start: '%(phrase)s'") % {"phrase": match.group(0)}
            )
        elif result.start is None and result.end is None:
            result.notes.append(
                gettext("'%(phrase)s' but no start to count it from") % {"phrase": match.group(0)}
            )
    return result


# -- status --------------------------------------------------------------------------------

# Verbs and phrases of Dutch government letters, in the order they decide a status when one
# clause has several (a refusal or an end outweighs the verb it negates).
STATUS_PHRASES = (
    ("declined", r"niet aan de orde|ziet af van|zien af van|afgezien|geen bijdrage (?:te )?lever"),
    ("not_feasible", r"niet haalbaar|niet mogelijk|niet uitvoerbaar|niet realiseerbaar"),
    (
        "explored",
        r"onderzoekt|onderzoeken|verkent|verkennen|verkenning"
        r"|onderzoek naar de (?:wenselijkheid|haalbaarheid|mogelijkheid)",
    ),
    ("intended", r"voornemens|het voornemen|beoogde|beoogt|is van plan|zijn van plan"),
    (
        "ended",
        r"beëindig\w*|terugtrekking|trekt\b.{0,40}\bterug|eindigt|is afgerond|stopt|loopt af"
        r"|lopen\b.{0,80}\baf\b|afloopt",
    ),
    (
        "extended",
        r"verleng\w*|continuering|continueert|voortzetting|zet\b.{0,40}\bvoort|voort te zetten",
    ),
    ("scaled_up", r"uitbreid\w*|uitgebreid|uitbreiding|verhoog\w*|opgeschaald|opschaling"),
    ("scaled_down", r"afgeschaald|afschaling|verminder\w*|afgebouwd|afbouw|verkleind|verkleining"),
    (
        "new",
        r"besloten tot|besluit tot|heeft besloten|is besloten|het besluit|besloot|bij te dragen"
        r"|in te zetten|zal\b.{0,40}\binzetten|nieuwe bijdrage",
    ),
    (
        "continued",
        r"levert|leveren|draagt\b.{0,30}\bbij|dragen\b.{0,30}\bbij|neemt deel|nemen deel"
        r"|neemt\b.{0,40}\bdeel|blijft|bestaat uit|het gaat om|is actief",
    ),
)
_STATUS = [
    (status, re.compile(rf"\b(?:{words})\b", re.IGNORECASE)) for status, words in STATUS_PHRASES
]
# A decision the letter reports from an earlier one: "informeerde het kabinet ... over het besluit".
REPORTED_EARLIER = re.compile(r"\binformeerde\b|\bheeft\b.{0,30}\bgeïnformeerd\b", re.IGNORECASE)


@dataclass(frozen=True)
class StatusRead:
    status: str
    at: int
    words: str


def statuses(clause: str) -> list[StatusRead]:
    found = []
    for status, pattern in _STATUS:
        for match in pattern.finditer(clause):
            found.append(StatusRead(status, match.start(), match.group(0)))
    return found


# Words that put a whole clause in another mood: "voornemens ... bij te dragen" is intended,
# "onderzoekt of ... in te zetten" explored, "... is niet aan de orde" declined.
_MOODS = ("declined", "not_feasible", "intended")
_EXPLORING_VERB = re.compile(r"^(?:onderzoekt|onderzoeken|verkent|verkennen)$", re.IGNORECASE)
# Bare decision words: what was decided is said by a more specific verb when there is one
# ("heeft besloten ... te verlengen" is an extension).
_DECIDED = re.compile(
    r"^(?:besloten tot|besluit tot|heeft besloten|is besloten|het besluit|besloot)$"
)
_SPECIFIC = ("extended", "scaled_up", "scaled_down", "ended")


def nearest_status(found: list[StatusRead], at: int) -> StatusRead | None:
    """The status of a contribution from the status phrases of its clause.

    The phrase closest to the contribution, unless the clause is in a mood that overrides it
    (an intention, a refusal, an exploration), or the closest only says "decided" and another
    says what.
    """
    order = {status: i for i, (status, _) in enumerate(STATUS_PHRASES)}
    if not found:
        return None
    moods = [r for r in found if r.status in _MOODS or _EXPLORING_VERB.match(r.words)]
    if moods:
        found = moods
    nearest = min(found, key=lambda read: (abs(read.at - at), order[read.status]))
    if nearest.status == "new" and _DECIDED.match(nearest.words):
        specific = [r for r in found if r.status in _SPECIFIC]
        if specific:
            return min(specific, key=lambda read: abs(read.at - at))
    return nearest
