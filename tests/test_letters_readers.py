"""The readers of letter intake, table by table: numbers, qualifiers, figures, periods,
statuses, the document header, references and mission names (missions/letters/)."""

from __future__ import annotations

from datetime import date

import pytest

from missions.dates import PreciseDate, Precision
from missions.letters.header import read_citations, read_header
from missions.letters.matching import KnownMission, MissionIndex, new_missions
from missions.letters.numbers import dutch_number, numbers_in, read_number
from missions.letters.phrases import figures, nearest_status, period, statuses
from missions.letters.text import clean, sentences

DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR


def D(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), DAY)


def M(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), MONTH)


def Y(year: int, month: int, day: int) -> PreciseDate:
    return PreciseDate(date(year, month, day), YEAR)


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("één", 1),
        ("twee", 2),
        ("drie", 3),
        ("zeven", 7),
        ("tien", 10),
        ("elf", 11),
        ("twaalf", 12),
        ("vijftien", 15),
        ("negentien", 19),
        ("twintig", 20),
        ("eenentwintig", 21),
        ("tweeëntwintig", 22),
        ("vijfentwintig", 25),
        ("veertig", 40),
        ("negenennegentig", 99),
        ("honderd", 100),
        ("honderdtwintig", 120),
        ("honderdentwintig", 120),
        ("tweehonderdvijftig", 250),
        ("vijfhonderd", 500),
        ("duizend", 1000),
        ("tweeduizendvijfhonderd", 2500),
        ("Vijftien", 15),
        # "een" is the article in running text; "één" is the number.
        ("een", None),
        ("en", None),
        ("tienen", None),
        ("honderdhonderd", None),
        ("", None),
        ("zevende", None),
        ("eentwintig", None),
    ],
)
def test_it_reads_dutch_number_words(word: str, value: int | None) -> None:
    assert dutch_number(word) == value


@pytest.mark.parametrize(
    ("token", "article_is_one", "value"),
    [
        ("175", False, 175),
        ("1.200", False, 1200),
        ("een", True, 1),
        ("een", False, None),
        ("six", False, 6),
        ("vijftien", False, 15),
    ],
)
def test_it_reads_digits_and_words(token: str, article_is_one: bool, value: int | None) -> None:
    assert read_number(token, article_is_one=article_is_one) == value


def test_it_lists_every_number_a_text_writes() -> None:
    assert numbers_in("maximaal 175 militairen en ongeveer vijftien personen, 1.200 man") == {
        175,
        15,
        1200,
    }


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("een inzet van maximaal 175 militairen", [("military", 175, "at_most")]),
        ("ongeveer vijftien personen aanvullende staf", [("total", 15, "approximately")]),
        ("circa 10 politiefunctionarissen", [("police", 10, "approximately")]),
        ("ca. 12 civiele experts", [("civilian", 12, "approximately")]),
        ("meer dan 30 militairen", [("military", 30, "at_least")]),
        ("ruim 200 militairen", [("military", 200, "at_least")]),
        ("ten hoogste drie functionarissen", [("total", 3, "at_most")]),
        ("met één stafofficier", [("military", 1, "exact")]),
        ("Met 2 stafofficieren betrokken", [("military", 2, "exact")]),
        ("ongeveer honderdtwintig personen", [("total", 120, "approximately")]),
        ("(van de huidige zeven naar maximaal tien)", [("total", 10, "at_most")]),
        # Not personnel: equipment, money, years, aircraft names, an article.
        ("drie transporthelikopters", []),
        ("EUR 500 miljoen", []),
        ("van 2023 en 2024", []),
        ("Belgische F-16\u2019s op een basis", []),
        ("een Nederlandse commandant", []),
    ],
)
def test_it_reads_figures_with_category_and_qualifier(clause: str, expected: list) -> None:
    read = [(f.category, f.value, f.qualifier) for f in figures(clause) if not f.not_dutch]
    assert read == expected


def test_it_reads_a_change_in_size_with_the_size_before() -> None:
    (change,) = figures("staffunctionarissen (van de huidige zeven naar maximaal tien)")
    assert (change.before, change.value, change.qualifier) == (7, 10, "at_most")


@pytest.mark.parametrize(
    "clause",
    [
        "een bataljon van ongeveer 500 militairen uit verschillende landen",
        "waaraan in totaal 3000 militairen deelnemen",
        "een multinationale troepenmacht van 4000 militairen",
        "met 800 militairen uit 39 landen",
    ],
)
def test_it_marks_a_missions_size_as_not_a_dutch_figure(clause: str) -> None:
    assert [f.not_dutch for f in figures(clause)] == [True]


LETTER_DATE = date(2025, 4, 25)


@pytest.mark.parametrize(
    ("clause", "start", "end"),
    [
        (
            "van oktober 2025 tot en met 1 oktober 2026",
            M(2025, 10, 1),
            D(2026, 10, 1),
        ),
        (
            "van mei 2024 tot en met mei 2025",
            M(2024, 5, 1),
            M(2025, 5, 31),
        ),
        ("tot en met 31 december 2027", None, D(2027, 12, 31)),
        ("verlengd tot 31 december 2024", None, D(2024, 12, 31)),
        ("eindigt 31 december 2022", None, D(2022, 12, 31)),
        ("t/m eind juni 2028", None, M(2028, 6, 30)),
        ("uiterlijk eind augustus 2024", None, M(2024, 8, 31)),
        ("tot medio 2029", None, M(2029, 6, 30)),
        ("vanaf 1 augustus 2025", D(2025, 8, 1), None),
        ("per 1 januari 2026", D(2026, 1, 1), None),
        ("vanaf voorjaar 2027", M(2027, 3, 1), None),
        # Without a year: the letter's year.
        ("vanaf juni", M(2025, 6, 1), None),
        (
            "van oktober tot en met december 2025",
            M(2025, 10, 1),
            M(2025, 12, 31),
        ),
        # A duration from a start gives the end.
        (
            "vanaf oktober 2025 voor de duur van één jaar",
            M(2025, 10, 1),
            M(2026, 9, 30),
        ),
        (
            "vanaf 1 augustus 2025 voor de duur van zes maanden",
            D(2025, 8, 1),
            D(2026, 1, 31),
        ),
        # A duration without a start gives nothing to count from.
        ("voor de duur van één jaar", None, None),
        ("Op 27 juli jl. heeft de NAVO het bod aanvaard", None, None),
    ],
)
def test_it_reads_periods(clause: str, start, end) -> None:
    read = period(clause, LETTER_DATE)
    assert (read.start, read.end) == (start, end)


def test_it_says_where_a_year_was_taken_from() -> None:
    assert period("vanaf juni", LETTER_DATE).notes == [
        "year of 'juni' taken from the letter's date"
    ]
    assert period("vanaf juni", None).start is None


@pytest.mark.parametrize(
    ("clause", "status"),
    [
        ("Het kabinet verlengt de inzet", "extended"),
        ("Het kabinet heeft besloten tot inzet van een compagnie", "new"),
        ("de beëindiging van de Nederlandse bijdrage", "ended"),
        ("Het kabinet onderzoekt een bijdrage", "explored"),
        ("Het kabinet verkent de mogelijkheden", "explored"),
        ("Het kabinet is voornemens bij te dragen", "intended"),
        ("de beoogde bijdrage", "intended"),
        ("Een bijdrage is niet haalbaar", "not_feasible"),
        ("Een Nederlandse bijdrage is niet aan de orde", "declined"),
        ("Nederland levert 230 militairen", "continued"),
        ("De eenheid bestaat uit 35 militairen", "continued"),
        ("de inzet wordt uitgebreid", "scaled_up"),
        ("de inzet wordt afgeschaald", "scaled_down"),
    ],
)
def test_it_reads_the_status_from_the_verb(clause: str, status: str) -> None:
    assert nearest_status(statuses(clause), 0).status == status


HEADERS = [
    # (text, dossier, number, date, kind, other dossiers)
    (
        "Brief regering : Artikel 100-bijdrage aan EUFOR Althea\n"
        "29 521 Nederlandse deelname aan vredesmissies\nNr. 494\n"
        "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal\nDen Haag, 25 april 2025\n"
        "In overeenstemming met artikel 100 van de Grondwet informeert het kabinet u.",
        "29521",
        "494",
        date(2025, 4, 25),
        "article_100",
        [],
    ),
    (
        "27 925 Bestrijding internationaal terrorisme\n\n29 521 Nederlandse deelname aan "
        "vredesmissies\n\nNr. 946 BRIEF VAN DE MINISTERS\n\nDen Haag, 29 september 2023\n\n"
        "Het kabinet heeft besloten.",
        "27925",
        "946",
        date(2023, 9, 29),
        "kamerbrief",
        ["29521"],
    ),
    (
        "21 501-02 Raad Algemene Zaken en Raad Buitenlandse Zaken\n\nNr. 2602 BRIEF VAN DE "
        "MINISTER\n\nDen Haag, 31 januari 2023\n\nHierbij bied ik u het verslag aan van de Raad "
        "Buitenlandse Zaken van 23 januari 2023.",
        "21501-02",
        "2602",
        date(2023, 1, 31),
        "council_report",
        [],
    ),
    (
        "36 100 Wijziging van de begroting\n\nNr. BG BRIEF VAN DE MINISTER\n\n"
        "'s-Gravenhage, 3 maart 2025\n\nGeachte Voorzitter.",
        "36100",
        "BG",
        date(2025, 3, 3),
        "kamerbrief",
        [],
    ),
    (
        "35 925 V Vaststelling van de begrotingsstaten\n\nNr. 84 BRIEF VAN DE MINISTER\n\n"
        "Den Haag, 8 maart 2022\n\nTekst.",
        "35925V",
        "84",
        date(2022, 3, 8),
        "kamerbrief",
        [],
    ),
    (
        "Een pagina\nNummer: 2022D25755, datum: 2022-06-17\nofficiële HTML versie "
        "(kst-29521-446).\nTekst van de brief.",
        "29521",
        "446",
        date(2022, 6, 17),
        "other",
        [],
    ),
    ("Huidige missies\n\nNederland levert militairen.", "", "", None, "other", []),
]


@pytest.mark.parametrize(("text", "dossier", "number", "day", "kind", "others"), HEADERS)
def test_it_reads_the_document_header(text, dossier, number, day, kind, others) -> None:
    header = read_header(clean(text))
    assert (header.dossier, header.number, header.date, header.kind) == (
        dossier,
        number,
        day,
        kind,
    )
    assert header.other_dossiers == others


def test_it_reads_the_article_100_kind_from_the_title_too() -> None:
    text = "Brief regering : Artikel 100-bijdrage aan maritieme veiligheid\nNr. 471\n"
    assert read_header(clean("29 521 Vredesmissies\n" + text)).kind == "article_100"


@pytest.mark.parametrize(
    ("text", "cites", "unreadable"),
    [
        ("(Kamerstuk 29 521, nr. 484, d.d. 15 mei 2024)", [("29521-484", date(2024, 5, 15))], []),
        ("zie Kamerstuk 29521, nr. 493.", [("29521-493", None)], []),
        ("(Kamerstuk\n29 521, nr. 492)", [("29521-492", None)], []),
        ("bijlage bij Kamerstuk 36 471, nr. 96", [("36471-96", None)], []),
        ("(Kamerstuk 35 925 V, nr. 84)", [("35925V-84", None)], []),
        ("Kamerstuk 21 501-02, nr. 2602", [("21501-02-2602", None)], []),
        ("Kamerstukken 34 775, nr. BG", [("34775-BG", None)], []),
        (
            "Kamerstuk 29 2521, nr. 469, d.d. 19 januari 2024",
            [],
            ["Kamerstuk 29 2521, nr. 469, d.d. 19 januari 2024"],
        ),
        ("Kamerstuk 29 521, nr. ", [], ["Kamerstuk 29 521, nr."]),
        # Each document once, the letter itself never.
        (
            "Kamerstuk 29 521, nr. 1 en Kamerstuk 29521, nr. 1 en Kamerstuk 29 521, nr. 494",
            [("29521-1", None)],
            [],
        ),
    ],
)
def test_it_reads_cited_documents_and_reports_unreadable_ones(text, cites, unreadable) -> None:
    found, bad = read_citations(text, own=("29521", "494"))
    assert [(r.key, r.date) for r in found] == cites
    assert bad == unreadable


def test_it_keeps_a_cited_date_away_from_the_letters_date() -> None:
    text = "29 521 Vredesmissies\nNr. 494\n(Kamerstuk 29 521, nr. 484, d.d. 15 mei 2024)\n"
    assert read_header(clean(text)).date is None


MISSIONS = [
    KnownMission(1, "EUFOR Althea"),
    KnownMission(2, "EUNAVFOR Aspides", "Aspides"),
    KnownMission(3, "NATO Mission Iraq", "NMI"),
    KnownMission(4, "OPA"),
    KnownMission(5, "Europese missie in de Straat van Hormuz", "EMASoH"),
]


@pytest.mark.parametrize(
    ("passage", "labels", "doubt"),
    [
        ("de inzet in operatie EUFOR Althea", ["EUFOR Althea"], ""),
        ("het hoofdkwartier van Althea", ["EUFOR Althea"], ""),
        ("een bijdrage aan Aspides", ["Aspides"], ""),
        ("een bijdrage aan Apides", ["Aspides"], "read 'Apides' as Aspides"),
        ("de NAVO Missie in Irak (NMI)", ["NMI"], ""),
        ("de NAVO Missie in Irak", ["NMI"], ""),
        ("de missie EMASOH", ["EMASoH"], ""),
        ("de opa van de minister", [], ""),
        ("de missie OPA", ["OPA"], ""),
        ("een aspidistra in de vensterbank", [], ""),
    ],
)
def test_it_finds_the_trackers_missions_by_name_acronym_and_variants(passage, labels, doubt):
    found = MissionIndex(MISSIONS).find(passage)
    assert [m.label for m in found] == labels
    assert [m.doubt for m in found if m.doubt] == ([doubt] if doubt else [])


@pytest.mark.parametrize(
    ("passage", "letter", "expected"),
    [
        ("aan operatie Prosperity Guardian", "", [("Prosperity Guardian", "")]),
        ("levert 230 militairen aan Resolute Support.", "", [("Resolute Support", "")]),
        (
            "de zogeheten enhanced Forward Presence.",
            "Litouwen (eFP)",
            [("enhanced Forward Presence", "eFP")],
        ),
        (
            "in Litouwen enhanced Forward Presence (eFP, verlengd)",
            "",
            [("enhanced Forward Presence", "eFP")],
        ),
        ("de anti-ISIS-coalitie in Irak", "", [("anti-ISIS-coalitie", "")]),
        (
            "aan de door de Verenigde Staten en het Verenigd Koninkrijk geleide coalitie",
            "",
            [("door de Verenigde Staten en het Verenigd Koninkrijk geleide coalitie", "")],
        ),
        # Bodies and people with acronyms are not missions.
        ("de Raad Buitenlandse Zaken (RBZ)", "", []),
        ("een Human Intelligence (HUMINT) team", "", []),
        ("aan de Tweede Kamer", "", []),
    ],
)
def test_it_reads_names_of_missions_the_tracker_does_not_have(passage, letter, expected):
    assert [(m.name, m.acronym) for m in new_missions(passage, letter)] == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Zie Kamerstuk 29 521, nr. 484. Het kabinet besluit.",
            ["Zie Kamerstuk 29 521, nr. 484.", "Het kabinet besluit."],
        ),
        ("De Minister, W.B. Hoekstra. Daarna.", ["De Minister, W.B. Hoekstra.", "Daarna."]),
        (
            "Op 27 juli jl. heeft de NAVO aanvaard. Zo.",
            ["Op 27 juli jl. heeft de NAVO aanvaard.", "Zo."],
        ),
        ("capaciteiten.2 Deze brief gaat in.", ["capaciteiten.", "Deze brief gaat in."]),
    ],
)
def test_it_splits_sentences_not_at_abbreviations(paragraph: str, expected: list[str]) -> None:
    assert sentences(paragraph) == expected


@pytest.mark.parametrize(
    ("clause", "inferred"),
    [
        ("van oktober 2025 tot en met 1 oktober 2026", set()),
        ("vanaf juni", {"start"}),
        ("van oktober tot en met december 2025", {"start"}),
        ("vanaf oktober 2025 voor de duur van één jaar", {"end"}),
    ],
)
def test_it_flags_dates_the_text_does_not_give_whole(clause: str, inferred: set[str]) -> None:
    assert period(clause, LETTER_DATE).inferred == inferred
