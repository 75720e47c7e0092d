"""The contributions one sentence lists, and the words that name each.

"Het kabinet verlengt de inzet van een HUMINT team (maximaal tien personen) en Nederlandse
staffunctionarissen (...) tot en met 31 december 2027" lists two contributions; "in de vorm van
een commandant, ongeveer vijftien personen staf en drie helikopters" three. A part of a list
that names a unit or gives a figure is an item; the other parts belong to the item before.
"""

from __future__ import annotations

import re

from missions.letters.numbers import read_number
from missions.letters.phrases import Figure, category_of, figures

# What a contribution is: a unit, a capability, a kind of staff. "bijdrage" and "inzet" are
# generic: they only make a proposal together with a mission and a status of their own.
HEAD = re.compile(
    r"\b(?:\w*compagnie|bataljon|peloton|detachement|\w*eenheid|(?:[A-Z]+\s+)?team|\w+team|staf"
    r"|stafofficier(?:en)?|staffunctionaris(?:sen)?|officier(?:en)?|commandant|Force Commander"
    r"|\w*helikopters?|fregat(?:ten)?|\w*schip|schepen|onderzeeboot|mijnenjagers?"
    r"|F-35's|\w*vliegtuig(?:en)?|MRTT|trainers|adviseurs|waarnemers|verbindingsofficier(?:en)?"
    r"|mariniers|politiefunctionarissen|civiele experts)\b",
)
GENERIC = re.compile(r"\b(?:\w*bijdragen?|\w*inzet|deelname)\b", re.IGNORECASE)
DUTCH = re.compile(
    r"\b(?:Nederland|Nederlandse|Nederlands|kabinet|Defensie|NL|krijgsmacht|ons land"
    r"|Koninklijke\s+(?:Marine|Landmacht|Luchtmacht|Marechaussee))\b|\bis besloten\b"
)
# Actors other than the Netherlands: a sentence about them states no Dutch contribution.
FOREIGN = re.compile(
    r"\b(?:NAVO|NATO|EU|VN|UN|Raad|bondgenoten|partners|landen|lidstaten|VS|Verenigde Staten"
    r"|Duitsland|Duitse|Frankrijk|Franse|België|Belgische|Verenigd Koninkrijk|Britse)\b"
)
_SEPARATOR = re.compile(r",\s+(?:en\s+)?|\s+en\s+|;\s+")
_MODIFIER_STOP = {
    "een", "de", "het", "van", "met", "aan", "en", "tot", "huidige", "nederlandse", "dit", "is",
    "bij", "voor", "in", "op", "om", "uit", "ook", "daarnaast", "inzet", "vorm",
}  # fmt: skip
_EQUIPMENT = re.compile(
    r"helikopter|schip|schepen|vliegtuig|fregat|MRTT|F-35|onderzeeboot|mijnenjager"
)
_QUALIFIER_WORD = re.compile(r"maximaal|ongeveer|circa|ruim|minimaal|ca\.|bijna")
_TAIL_STOP = re.compile(
    r"^\s*(?:ook\b|tevens\b|daarnaast\b|in te\b|te\s+\w+en\b|bij te dragen|,|\.|;|\(|\)"
    r"|aan\b|ten\b|tot\b|t/m\b|vanaf\b|per\b|voor de duur\b|van (?:\d|januari|februari|maart"
    r"|april|mei|juni|juli|augustus|september|oktober|november|december)"
    r"|levert\b|leveren\b|en\b|bestaat\b|is\b|zijn\b|wordt\b|worden\b|maakt\b|bij aan\b)",
    re.IGNORECASE,
)


def _depth_zero_separators(text: str) -> list[tuple[int, int]]:
    protected = re.sub(r"tot en met", "tot_en_met", text)
    depth, spans = 0, []
    for match in _SEPARATOR.finditer(protected):
        depth = protected[: match.start()].count("(") - protected[: match.start()].count(")")
        if depth == 0:
            spans.append((match.start(), match.end()))
    return spans


def items_of(masked: str, names_mission) -> list[tuple[int, int, int, bool]]:
    """The contributions a sentence lists: (start, end, head offset, generic) per item.

    A list "een commandant, ongeveer vijftien personen staf en drie helikopters" gives one item
    per part that names a unit or gives a figure; "de Nederlandse bijdrage aan X" is a generic
    item of its own; other parts belong to the item before them.
    """
    cuts = [0, *(end for _, end in _depth_zero_separators(masked)), len(masked)]
    parts = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
    items: list[list] = []
    for start, end in parts:
        text = masked[start:end]
        head = HEAD.search(text)
        figure = next((f for f in figures(text) if not f.not_dutch), None)
        anchor = head.start() if head else figure.start if figure else None
        generic = GENERIC.search(text)
        if anchor is not None:
            items.append([start, end, start + anchor, False])
        elif (
            generic and (not items or items[-1][3]) and (DUTCH.search(text) or names_mission(text))
        ):
            items.append([start, end, start + generic.start(), True])
        elif items:
            items[-1][1] = end
        else:
            items.append([start, end, start + generic.start() if generic else None, True])
    if items and items[0][2] is None:
        # Leading parts without a unit: the whole sentence is one generic item, or the
        # preamble of the first item.
        if len(items) == 1:
            generic = GENERIC.search(masked)
            items[0][2] = generic.start() if generic else 0
        else:
            items[1][0] = items[0][0]
            items.pop(0)
    return [tuple(item) for item in items]


def contribution_name(masked: str, head: int, generic: bool, own: list[Figure]) -> str:
    """The words that name the contribution: its head with modifiers and a short tail."""
    if generic:
        match = GENERIC.search(masked, head)
        return match.group(0) if match else "bijdrage"
    match = HEAD.match(masked, head)
    if match is None:
        figure = own[0] if own else None
        noun = figure.text.split()[-1] if figure else masked[head:].split()[0]
        start = masked.index(noun, head)
        match = re.compile(re.escape(noun)).match(masked, start)
        assert match is not None  # masked.index found the noun at start
    before = masked[: match.start()].split()
    modifiers: list[str] = []
    equipment = bool(_EQUIPMENT.search(match.group(0)))
    for word in reversed(before[-3:]):
        bare = word.strip(",.;")
        if bare.lower() in _MODIFIER_STOP or _QUALIFIER_WORD.fullmatch(bare.lower()):
            break
        # "drie transporthelikopters" names the capability; "twee stafofficieren" is a figure.
        if (read_number(bare) is not None and not equipment) or category_of(bare, "") != "":
            break
        if word.endswith((",", ";")):
            break
        modifiers.insert(0, bare)
    tail = _tail(masked[match.end() :])
    words = " ".join([*modifiers, match.group(0), tail]).strip()
    return " ".join(words.split())


def _tail(rest: str) -> str:
    # "staffunctionarissen (van de huidige zeven ...) op het hoofdkwartier van EUFOR Althea"
    rest = re.sub(r"^\s*\([^()]*\)", "", rest)
    words: list[str] = []
    for token in re.finditer(r"\S+", rest):
        if _TAIL_STOP.match(rest[token.start() :]) or len(words) >= 8:
            break
        words.append(token.group(0).rstrip(",.;"))
        if token.group(0).endswith((",", ".", ";")):
            break
    return " ".join(words)
