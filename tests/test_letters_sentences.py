"""Sentences written the way Dutch government letters write them, none of them from the letters
in tests/data/letters/: what the builder proposes from each (missions/letters/proposals.py)."""

from __future__ import annotations

import pytest

from missions.letters.matching import KnownMission
from missions.letters.proposals import read_letter

MISSIONS = [
    KnownMission(1, "EUNAVFOR Aspides", "Aspides"),
    KnownMission(2, "Office of the Security Coordinator", "OSC"),
    KnownMission(3, "EU Coordinating Office for Palestinian Police Support", "EUPOL COPPS"),
    KnownMission(4, "United Nations Truce Supervision Organization", "UNTSO"),
    KnownMission(5, "United Nations Interim Force in Lebanon", "UNIFIL"),
    KnownMission(6, "United Nations Disengagement Observer Force", "UNDOF"),
    KnownMission(7, "European Union Border Assistance Mission Libya", "EUBAM Libya"),
]
HEADER = (
    "29 521 Nederlandse deelname aan vredesmissies\nNr. 999 BRIEF VAN DE MINISTERS\n"
    "Den Haag, 10 maart 2026\n"
)
FIELDS = ("mission", "status", "military", "police", "total", "qualifier", "start", "end")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Het kabinet heeft besloten de Nederlandse bijdrage aan UNIFIL te beëindigen per "
            "1 januari 2026.",
            [("UNIFIL", "ended", None, None, None, None, None, "2026-01-01")],
        ),
        (
            "Nederland levert circa 10 politiefunctionarissen aan EUPOL COPPS tot eind 2026.",
            [("EUPOL COPPS", "continued", None, 10, None, "approximately", None, "2026-12-31")],
        ),
        (
            "Het kabinet is voornemens om vanaf medio 2026 een fregat bij te dragen aan "
            "EUNAVFOR Aspides.",
            [("Aspides", "intended", None, None, None, None, "2026-07-01", None)],
        ),
        (
            "Een Nederlandse bijdrage aan UNDOF is niet aan de orde.",
            [("UNDOF", "declined", None, None, None, None, None, None)],
        ),
        (
            "De inzet van de stafofficieren bij OSC wordt verlengd tot en met 30 juni 2028.",
            [("OSC", "extended", None, None, None, None, None, "2028-06-30")],
        ),
        (
            "Het kabinet verlengt de bijdrage aan UNTSO met twaalf militaire waarnemers tot en "
            "met eind juni 2028.",
            [("UNTSO", "extended", 12, None, None, "exact", None, "2028-06-30")],
        ),
        (
            "Nederland draagt met ongeveer 120 militairen bij aan UNIFIL, een missie van circa "
            "10.000 militairen uit 48 landen.",
            [("UNIFIL", "continued", 120, None, None, "approximately", None, None)],
        ),
        (
            "Het kabinet heeft besloten de bijdrage aan Apides voor de duur van zes maanden te "
            "verlengen, vanaf 1 maart 2026.",
            [("Aspides", "extended", None, None, None, None, "2026-03-01", "2026-08-31")],
        ),
        (
            "Het kabinet acht een bijdrage aan EUBAM Libya niet haalbaar.",
            [("EUBAM Libya", "not_feasible", None, None, None, None, None, None)],
        ),
        # Others' decisions and sizes propose nothing.
        ("De NAVO heeft besloten de missie te verlengen tot en met 2027.", []),
        ("De Raad verlengde het mandaat van EUNAVFOR Aspides met een jaar.", []),
        ("UNIFIL telt ongeveer 10.000 militairen uit 48 landen.", []),
    ],
)
def test_it_reads_sentences_it_was_not_built_on(sentence: str, expected: list[tuple]) -> None:
    statements = read_letter(HEADER + sentence, MISSIONS).as_json()["statements"]
    assert [tuple(s[field] for field in FIELDS) for s in statements] == expected
    for statement in statements:
        assert statement["quote"] == sentence
