"""Which mission a passage is about: the tracker's missions by name, acronym and variants.

Letters name a mission in Dutch or English ("NAVO Missie in Irak" is NATO Mission Iraq), by
acronym ("NMI", "EMASOH" for EMASoH), by its distinctive word ("Althea" for EUFOR Althea), and
now and then with a typo ("Apides"). A name that matches none of the tracker's missions is
proposed as a new mission, read from the way letters introduce one: "de missie X", "operatie
X", "Name (ACRONYM)", "de zogeheten X", "de anti-ISIS-coalitie".
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext

# Dutch words of mission names, in the English the tracker stores them in.
_VARIANTS = {
    "navo": "nato", "missie": "mission", "irak": "iraq", "operatie": "operation",
    "vn": "un", "verenigde": "united", "naties": "nations", "europese": "european",
    "straat": "strait", "rode": "red", "zee": "sea", "libië": "libya", "libie": "libya",
    "oekraïne": "ukraine", "libanon": "lebanon", "coalitie": "coalition",
}  # fmt: skip
_STOPWORDS = {"in", "de", "het", "van", "of", "the", "for", "voor", "en", "and", "der", "te"}
# Leading organisation tags: "EUFOR Althea" is also called "Althea".
_TAGS = re.compile(r"^(?:EUFOR|EUNAVFOR|EUTM|EUCAP|EUBAM|EUMAM|EULEX|EUPOL|EUAM|UN|NATO)\s+")
# Typos are allowed in long words only, and only this close (Apides/Aspides: 0.92).
_FUZZY_MIN_LENGTH = 5
_FUZZY_RATIO = 0.85


@dataclass(frozen=True)
class KnownMission:
    pk: int
    name: str
    acronym: str = ""

    @property
    def label(self) -> str:
        return self.acronym or self.name


@dataclass(frozen=True)
class MissionMatch:
    """A mission found in a passage: a known one (``known``) or a new name to propose."""

    name: str
    acronym: str = ""
    known: KnownMission | None = None
    start: int = 0  # offset in the passage
    # Why an analyst should look again ("read 'Apides' as Aspides").
    doubt: str = ""
    # How strong the evidence is: 0 a known mission or a name spelled out by its acronym,
    # 1 a name introduced as a mission ("operatie X"), 2 a capitalised name after "aan".
    evidence: int = 0

    @property
    def label(self) -> str:
        if self.known is not None:
            return self.known.label
        return self.acronym or self.name


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    return [_VARIANTS.get(word, word) for word in words if word not in _STOPWORDS]


class MissionIndex:
    """The tracker's missions, ready to be found in text."""

    def __init__(self, missions: list[KnownMission]) -> None:
        self.missions = missions
        self._phrases: list[tuple[list[str], KnownMission]] = []
        for mission in missions:
            for variant in {mission.name, _TAGS.sub("", mission.name)}:
                words = _words(variant)
                if words:
                    self._phrases.append((words, mission))
        self._phrases.sort(key=lambda item: -len(item[0]))

    def find(self, passage: str) -> list[MissionMatch]:
        """Known missions named in the passage, in order of appearance."""
        found: dict[int, MissionMatch] = {}
        for mission in self.missions:
            if len(mission.acronym) >= 2:
                # Case-insensitive ("EMASOH"), but a token without a capital is a word ("opa").
                pattern = rf"(?<![\w-]){re.escape(mission.acronym)}(?![\w-])"
                for match in re.finditer(pattern, passage, re.IGNORECASE):
                    if re.search(r"[A-Z]", match.group(0)):
                        _keep(
                            found,
                            MissionMatch(mission.name, mission.acronym, mission, match.start()),
                        )
                        break
        tokens = [
            (m.start(), _VARIANTS.get(w, w))
            for m in re.finditer(r"[A-Za-zÀ-ÿ0-9]+", passage)
            if (w := _fold(m.group(0))) not in _STOPWORDS
        ]
        words = [word for _, word in tokens]
        for phrase, mission in self._phrases:
            size = len(phrase)
            # A name that is one word in capitals ("OPA") is an acronym: it needs its capitals.
            shouted = size == 1 and mission.name.isupper()
            for i in range(len(words) - size + 1):
                if shouted and not passage[tokens[i][0] : tokens[i][0] + 1].isupper():
                    continue
                if words[i : i + size] == phrase:
                    _keep(found, MissionMatch(mission.name, mission.acronym, mission, tokens[i][0]))
                    break
        for start, word in _capitalised(passage):
            self._fuzzy(found, start, word)
        return sorted(found.values(), key=lambda match: match.start)

    def _fuzzy(self, found: dict[int, MissionMatch], start: int, word: str) -> None:
        if len(word) < _FUZZY_MIN_LENGTH:
            return
        for phrase, mission in self._phrases:
            if len(phrase) != 1 or mission.pk in found:
                continue
            target = phrase[0]
            ratio = difflib.SequenceMatcher(None, _fold(word), target).ratio()
            if ratio >= _FUZZY_RATIO and _fold(word) != target and word[0].lower() == target[0]:
                doubt = gettext("read '%(word)s' as %(mission)s") % {
                    "word": word,
                    "mission": mission.label,
                }
                _keep(found, MissionMatch(mission.name, mission.acronym, mission, start, doubt))


def _keep(found: dict[int, MissionMatch], match: MissionMatch) -> None:
    key = match.known.pk if match.known else hash(match.name)
    if key not in found or match.start < found[key].start:
        found[key] = match


def _capitalised(passage: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"\b[A-Z][a-zà-ÿ]{3,}\b", passage)]


# How letters introduce a mission by name. Name words: capitalised or acronyms, with the
# small words names contain ("Maritime Awareness in the Strait of Hormuz").
_NAME_WORD = r"(?:[A-Z][\w'-]*|[a-z]+[A-Z][\w-]*)"
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:in|of|the|de|van|for|in de)\s+)?{_NAME_WORD}){{0,6}}"
_ACRONYM = r"(?P<acronym>[a-z]?[A-Z][A-Za-z]*[A-Z][A-Za-z]*)"
_INTRODUCTIONS = (
    # "de missie EMASOH (European-led ...)", "operatie Prosperity Guardian"
    re.compile(rf"\b(?:missie|operatie|operation|mission)\s+(?P<name>{_NAME})"),
    # "de zogeheten enhanced Forward Presence"
    re.compile(rf"\b(?:zogeheten|zogenaamde|genaamd)\s+(?P<name>[a-z]+\s+{_NAME}|{_NAME})"),
    # "de anti-ISIS-coalitie", "de door de Verenigde Staten ... geleide coalitie"
    re.compile(
        r"\b(?P<name>[\w-]+-coalitie|door\s+(?:de|het)\s+[^,.()]{3,80}?\s+geleide\s+coalitie)"
    ),
)
# "bijdrage aan Resolute Support": a name after "aan", if it looks like a mission's.
_AFTER_PREPOSITION = re.compile(rf"\b(?:aan|bij)\s+(?:de\s+|het\s+)?(?P<name>{_NAME})")
# Capitalised words that do not start a mission's name.
_NOT_NAMES = {
    "Nederland", "Nederlandse", "Kamer", "Tweede", "Eerste", "Voorzitter", "Defensie", "Raad",
    "Koninklijke", "Grondwet", "Kamerstuk", "Kamerbrief", "Europa", "Irak", "Syrië", "Litouwen",
    "Jordanië", "Bosnië", "Herzegovina", "Sarajevo", "Oekraïne", "Rusland", "Afghanistan",
    "Somalië", "Bahrein", "Nr", "NAVO", "EU", "VN", "De", "Het", "Een", "Dit", "Deze", "Hoge",
    "Minister", "Human", "HUMINT", "Kamerleden", "Staten-Generaal",
}  # fmt: skip


# Bodies with acronyms that are not missions: "Raad Buitenlandse Zaken (RBZ)".
_NOT_ACRONYM_NAMES = {"Raad", "Hoge", "Minister", "Kamer", "Tweede", "Eerste", "Europese"}


def _initials_name(before: str, acronym: str) -> str:
    """The words right before "(ACRONYM)" whose initials spell it: "NAVO Missie in Irak"."""
    letters = acronym.lower()
    words = before.rstrip().split()
    taken: list[str] = []
    while words and letters:
        word = words.pop()
        if word.lower() in _STOPWORDS and taken:
            taken.append(word)
            continue
        if word[:1].lower() != letters[-1]:
            return ""
        taken.append(word)
        letters = letters[:-1]
    if letters or not taken:
        return ""
    return " ".join(reversed(taken))


def new_missions(passage: str, letter: str = "") -> list[MissionMatch]:
    """Names the passage introduces as a mission, for proposing a new one.

    The acronym comes from "(ACRONYM)" after the name, or from elsewhere in the letter when
    its letters are the name's initials ("enhanced Forward Presence" ... "(eFP)").
    """
    # Strongest evidence first: a name spelled out by its acronym, then a name introduced as
    # a mission, then a name after "aan"; a weaker one overlapping a stronger one is dropped.
    found: list[MissionMatch] = []
    for match in re.finditer(rf"\({_ACRONYM}[,)]", passage):
        name = _initials_name(passage[: match.start()], match["acronym"])
        if name and name.split()[0] not in _NOT_ACRONYM_NAMES:
            start = match.start() - len(name) - 1
            found.append(MissionMatch(name, match["acronym"], None, max(start, 0)))
    for pattern in _INTRODUCTIONS:
        for match in pattern.finditer(passage):
            found.append(_named(match, passage, letter, 1))
    for match in _AFTER_PREPOSITION.finditer(passage):
        name = match["name"]
        if len(name.split()) >= 2 and name.split()[0] not in _NOT_NAMES:
            found.append(_named(match, passage, letter, 2))
    unique: list[MissionMatch] = []
    for candidate in found:
        span = range(candidate.start, candidate.start + len(candidate.name) + 1)
        if not any(set(span) & set(range(k.start, k.start + len(k.name) + 1)) for k in unique):
            unique.append(candidate)
    return sorted(unique, key=lambda match: match.start)


def _named(match: re.Match, passage: str, letter: str, evidence: int) -> MissionMatch:
    name = match["name"].strip()
    acronym = _acronym_after(passage, match.end()) or _acronym_elsewhere(letter, name)
    return MissionMatch(name, acronym, None, match.start("name"), evidence=evidence)


def _acronym_after(passage: str, end: int) -> str:
    match = re.match(rf"\s*\({_ACRONYM}[,)]", passage[end:])
    return match["acronym"] if match else ""


def _acronym_elsewhere(letter: str, name: str) -> str:
    for match in re.finditer(rf"\({_ACRONYM}[,)]", letter):
        if _initials_name(name, match["acronym"]) == name:
            return match["acronym"]
    return ""


# Dutch words of contributions, in the English the tracker's contributions are named in.
_CONTRIBUTION_WORDS = {
    "infanteriecompagnie": ("infantry", "company"), "compagnie": ("company",),
    "infanterie": ("infantry",), "staf": ("staff",), "stafofficieren": ("staff", "officers"),
    "stafofficier": ("staff", "officer"), "staffunctionarissen": ("staff",),
    "hoofdkwartier": ("headquarters",), "commandant": ("commander", "command"),
    "helikopters": ("helicopter",), "transporthelikopters": ("transport", "helicopter"),
    "helikopter": ("helicopter",), "adviseurs": ("advisers",), "trainers": ("trainers",),
    "waarnemers": ("observers",), "nationale": ("national",), "schip": ("ship",),
    "fregat": ("frigate", "ship"), "beveiligingseenheid": ("force", "protection"),
    "tankvliegtuig": ("tanker", "mrtt"), "team": ("team",),
}  # fmt: skip
_CONTRIBUTION_NOISE = {"van", "de", "het", "op", "te", "en", "the", "at", "of", "in", "koninklijke"}


def _contribution_words(name: str) -> set[str]:
    words: set[str] = set()
    for word in re.findall(r"[a-z0-9]+", _fold(name)):
        if word in _CONTRIBUTION_NOISE:
            continue
        words.update(_CONTRIBUTION_WORDS.get(word, (word,)))
    return words


def match_contribution(name: str, candidates: list[tuple[int, str]]) -> int | None:
    """The existing contribution a proposed one names ("infanteriecompagnie" is the "infantry
    company"): most of the candidate's words, in Dutch or English; None when none fits."""
    wanted = _contribution_words(name)
    best, best_score = None, 0.0
    for pk, candidate in candidates:
        words = _contribution_words(candidate)
        if not words:
            continue
        score = len(words & wanted) / len(words)
        if score > best_score:
            best, best_score = pk, score
    return best if best_score >= 0.6 else None
