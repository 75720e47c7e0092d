"""Numbers written as Dutch words ("vijftien", "honderdtwintig", "tweeëntwintig") or digits.

Letters write small numbers as words and large ones as digits with a dot for thousands
("1.200"). The words are composed the Dutch way: units before tens joined by "en"
("vijfentwintig"), hundreds and thousands as prefixes ("tweehonderdvijftig").
"""

from __future__ import annotations

import re

_UNITS = {
    "één": 1, "een": 1, "twee": 2, "drie": 3, "vier": 4,
    "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
}  # fmt: skip
_TEENS = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50,
    "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90,
}  # fmt: skip
# English words, for durations typed in an English admin ("for one year").
ENGLISH = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty-six": 36,
}  # fmt: skip

# Words that may start a number word; used to find candidates in running text.
NUMBER_WORD = (
    r"(?:(?:een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien"
    r"|vijftien|zestien|zeventien|achttien|negentien|twintig|dertig|veertig|vijftig|zestig"
    r"|zeventig|tachtig|negentig|honderd|duizend|en|ën)+)"
)
# Digits, with a dot or a space as thousands separator ("1.200", "1 200").
DIGITS = r"\d{1,3}(?:[.\u00a0]\d{3})+(?!\d)|\d+"


def _below_hundred(word: str) -> int | None:
    if word in _TEENS:
        return _TEENS[word]
    if word in _TENS:
        return _TENS[word]
    if word in _UNITS and word != "een":
        return _UNITS[word]
    for ten_word, ten in _TENS.items():
        if word.endswith(ten_word):
            unit_part = word[: -len(ten_word)]
            for joint in ("en", "ën"):
                if unit_part.endswith(joint):
                    unit = _UNITS.get(unit_part[: -len(joint)])
                    # "tweeëntwintig": the diaeresis joins words ending in e.
                    if unit and unit_part[: -len(joint)] != "één":
                        return ten + unit
    return None


def _below_thousand(word: str) -> int | None:
    if "honderd" not in word:
        return _below_hundred(word)
    head, _, rest = word.partition("honderd")
    hundreds = 1 if head == "" else _below_hundred(head)
    if hundreds is None or hundreds > 9:
        return None
    if rest == "":
        return hundreds * 100
    # "honderdentwintig" is also written; the "en" is optional after hundreds.
    rest = rest.removeprefix("en") if _below_hundred(rest) is None else rest
    tail = _below_hundred(rest)
    return None if tail is None else hundreds * 100 + tail


def dutch_number(word: str) -> int | None:
    """The value of one Dutch number word, or None: "vijftien" 15, "honderdtwintig" 120.

    "een" alone is not taken as 1: in running text it is the article ("een compagnie");
    "één" with accents is the number.
    """
    word = word.lower().strip()
    if word == "één":
        return 1
    if "duizend" in word:
        head, _, rest = word.partition("duizend")
        thousands = 1 if head == "" else _below_thousand(head)
        if thousands is None:
            return None
        if rest == "":
            return thousands * 1000
        tail = _below_thousand(rest.removeprefix("en") if _below_thousand(rest) is None else rest)
        return None if tail is None else thousands * 1000 + tail
    return _below_thousand(word)


def read_number(token: str, *, article_is_one: bool = False) -> int | None:
    """Digits ("175", "1.200") or a Dutch word; ``article_is_one`` reads "een" as 1 ("een jaar")."""
    token = token.strip().lower()
    if re.fullmatch(DIGITS, token):
        return int(re.sub(r"\D", "", token))
    if article_is_one and token == "een":
        return 1
    if token in ENGLISH:
        return ENGLISH[token]
    return dutch_number(token)


def numbers_in(text: str) -> set[int]:
    """Every number the text writes, as digits or as Dutch words (for "is it in the text?")."""
    found = {int(re.sub(r"\D", "", m)) for m in re.findall(DIGITS, text)}
    for word in re.findall(r"[a-zëé]+", text.lower()):
        value = dutch_number(word)
        if value is not None:
            found.add(value)
    return found
