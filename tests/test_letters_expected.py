"""Every letter of tests/data/letters/ (copied from ../shared/sources/letters/) against what an
analyst records from it (expected.json): every expected statement proposed with its counts,
qualifier, dates and status; no proposed count absent from the text; no mission size or count
of countries proposed as a Dutch figure; the document's dossier, number and date right."""

from __future__ import annotations

import json
import re

import pytest

from missions.letters.numbers import numbers_in
from missions.letters.proposals import PERSONNEL, read_letter
from missions.letters.store import known_missions
from tests.letter_files import LETTERS

EXPECTED = json.loads((LETTERS / "expected.json").read_text(encoding="utf-8"))["letters"]

# How a proposal names each expected mission: the tracker's label, or the name the letter
# gives a mission the tracker does not have yet.
MISSION_NAMES = {
    "EUFOR Althea": r"^EUFOR Althea$",
    "NATO Mission Iraq": r"^NMI$",
    "Operation Prosperity Guardian": r"^Prosperity Guardian$",
    "US/UK-led coalition": r"Verenigde Staten en het Verenigd Koninkrijk geleide coalitie",
    "enhanced Forward Presence": r"^eFP$",
    "anti-ISIS coalition / Iraq": r"^anti-ISIS-coalitie$",
    "anti-ISIS coalition / Jordan": r"^anti-ISIS-coalitie$",
    "Resolute Support": r"^Resolute Support$",
    "EMASoH": r"^EMASoH$",
}
# The issue asks for a typo in a reference to be reported, not guessed; expected.json lists the
# document the typo probably meant.
UNREADABLE = {"tk-29521-471-aspides-art100-2024-03-08.txt": {"29521-469"}}
# The model's value for an article 100 letter.
KINDS = {"article_100_letter": "article_100"}


def _matches(expected: dict, proposal: dict) -> bool:
    if not re.search(MISSION_NAMES[expected["mission"]], proposal["mission"]):
        return False
    for fields, value in expected.get("counts", {}).items():
        if not any(proposal[field] == value for field in fields.split("|")):
            return False
    if expected.get("counts") and proposal["qualifier"] != expected["qualifier"]:
        return False
    for key in ("start", "end"):
        if proposal[key] != expected.get(key) or (
            expected.get(key) and proposal[f"{key}_precision"] != expected[f"{key}_precision"]
        ):
            return False
    return proposal["status"] in expected["status"]


@pytest.fixture
def missions(real_data):
    return known_missions()


@pytest.mark.parametrize("letter", EXPECTED, ids=[letter["file"] for letter in EXPECTED])
def test_it_proposes_what_an_analyst_records(letter: dict, missions) -> None:
    text = (LETTERS / letter["file"]).read_text(encoding="utf-8")
    reading = read_letter(text, missions)
    proposed = reading.as_json()

    document = proposed["document"]
    for key in ("dossier", "number", "date"):
        assert document[key] == letter["document"].get(key), key
    assert document["kind"] == KINDS.get(letter["document"]["kind"], letter["document"]["kind"])
    typos = UNREADABLE.get(letter["file"], set())
    assert proposed["cites"] == [key for key in letter["cites"] if key not in typos]
    assert len(reading.header.unreadable) >= len(typos)

    unmatched = list(proposed["statements"])
    for expected in letter["statements"]:
        match = next((p for p in unmatched if _matches(expected, p)), None)
        assert match is not None, f"not proposed: {expected}"
        unmatched.remove(match)
        # Each proposal carries the sentence it was read from, and where.
        assert match["quote"] and " ".join(match["quote"].split()) in " ".join(text.split())
        assert re.fullmatch(r"paragraph \d+", match["location"])

    in_text = numbers_in(text)
    for statement in proposed["statements"]:
        for field in PERSONNEL:
            value = statement[field]
            assert value is None or value in in_text, f"{field} {value} is not in the text"
            assert value not in letter["not_dutch_counts"], f"{value} is not a Dutch figure"


def test_it_proposes_nothing_for_a_council_report_that_only_mentions_missions(missions) -> None:
    text = (LETTERS / "kst-21501-02-2602-rbz-verslag-2023-01-31.txt").read_text(encoding="utf-8")
    assert "EUFOR Althea" in text and "500" in text
    assert read_letter(text, missions).proposals == []


def test_it_says_check_this_when_it_guessed(missions) -> None:
    text = (LETTERS / "defensie-huidige-missies-snapshot-A-older.txt").read_text(encoding="utf-8")
    by_mission = {p.mission: p for p in read_letter(text, missions).proposals}
    jordan = by_mission["anti-ISIS-coalitie"]
    assert "mission taken from an earlier sentence" in jordan.check
    assert "no mission in the tracker matches 'anti-ISIS-coalitie': a new one" in jordan.check
    # A known mission read from the sentence itself needs no check.
    assert by_mission["EMASoH"].check == []
