"""The shipped real data (fixtures/real_data.json): the acceptance points of issue 2 about data.

Each figure must be what the source says, traceable to the quote it came from, and loading the
fixtures again must change nothing.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Model

from missions.models import (
    Contribution,
    Mission,
    MissionStatement,
    Organization,
    Qualifier,
    Region,
    SourceDocument,
    Statement,
    StatementKind,
    Status,
)

pytestmark = pytest.mark.usefixtures("real_data")

MODELS: tuple[type[Model], ...] = (
    Organization,
    Region,
    SourceDocument,
    Mission,
    Contribution,
    Statement,
    MissionStatement,
)
COUNTS = ("military", "civilian", "police", "total")
# How the source writes small numbers; larger ones it writes in digits.
DUTCH_NUMBERS = {
    1: ("één", "een"),
    2: ("twee",),
    3: ("drie",),
    4: ("vier",),
    5: ("vijf",),
    6: ("zes",),
    7: ("zeven",),
    8: ("acht",),
    9: ("negen",),
    10: ("tien",),
    11: ("elf",),
}


def mentions(text: str, number: int) -> bool:
    """Whether ``text`` names ``number`` as a whole number or as a Dutch word ("circa 10" too)."""
    spellings = (str(number), *DUTCH_NUMBERS.get(number, ()))
    return any(re.search(rf"\b{re.escape(s)}\b", text, re.IGNORECASE) for s in spellings)


def contribution(mission: str, name: str) -> Contribution:
    return Contribution.objects.get(mission__name=mission, name=name)


def current(mission: str, name: str) -> Statement:
    return (
        Statement.objects.current()
        .select_related("document")
        .get(contribution=contribution(mission, name))
    )


def history(mission: str, name: str) -> list[tuple[str, str, str]]:
    """(document, kind, status) of every statement about a contribution, oldest first."""
    statements = (
        Statement.objects.filter(contribution=contribution(mission, name))
        .select_related("document")
        .order_by("document_date", "document_id")
    )
    return [(s.document.reference, s.kind, s.status) for s in statements]


def snapshot() -> dict[str, object]:
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}
    history_rows = {f"{m.__name__} history": m.history.count() for m in MODELS}
    return rows | history_rows


def test_it_gives_aspides_the_corrected_end_of_june_2028():
    statement = current("EUNAVFOR Aspides", "national staff")

    assert statement.total == 10
    assert statement.qualifier == Qualifier.APPROXIMATELY
    assert (statement.end_date, statement.end_precision) == (date(2028, 6, 30), "month")
    assert statement.kind == StatementKind.CORRECTION
    assert statement.status == Status.EXTENDED
    assert statement.document.reference == "29521-497"
    assert "answer 11" in statement.location
    assert "circa 10" in statement.quote


def test_it_gives_aspides_end_of_may_2025_as_of_1_may_2025():
    statement = (
        Statement.objects.as_of(date(2025, 5, 1))
        .select_related("document")
        .get(contribution=contribution("EUNAVFOR Aspides", "national staff"))
    )

    assert statement.document.reference == "29521-493"
    assert (statement.end_date, statement.end_precision) == (date(2025, 5, 31), "month")
    assert (statement.total, statement.qualifier) == (10, Qualifier.APPROXIMATELY)
    assert statement.end_display == "end of May 2025"


def test_it_gives_osc_seven_of_a_mission_of_about_seventy():
    statement = current("Office of the Security Coordinator", "personnel in advisory functions")
    mission = statement.contribution.mission

    assert (statement.military, statement.civilian, statement.police) == (4, 2, 1)
    assert statement.total == 7
    assert statement.qualifier == Qualifier.EXACT
    assert (mission.total_strength, mission.total_strength_qualifier) == (70, "approximately")
    assert mission.organization.acronym == "US-coordinated"
    assert "Turkije" in mission.participating_countries
    assert len(mission.participating_countries.split(", ")) == 11


def test_it_gives_eupol_copps_two_civilians_and_three_police_of_106():
    statement = current("EU Coordinating Office for Palestinian Police Support", "national staff")

    assert (statement.military, statement.civilian, statement.police) == (None, 2, 3)
    assert statement.total == 5
    assert statement.contribution.mission.total_strength == 106
    assert (statement.start_date, statement.start_precision) == (date(2008, 1, 1), "year")


def test_it_gives_untso_eleven_military_in_an_open_ended_mission_of_388():
    statement = current(
        "United Nations Truce Supervision Organization", "military observers and staff officers"
    )
    mission = statement.contribution.mission

    assert statement.military == 11
    assert (statement.civilian, statement.police, statement.total) == (None, None, None)
    assert statement.open_ended is True
    assert statement.end_date is None
    assert (statement.start_date, statement.start_precision) == (date(1956, 1, 1), "year")
    assert (mission.total_strength, mission.military_strength) == (388, 159)
    assert (mission.mandate_since, mission.mandate_open_ended) == (1948, True)
    assert mission.organization.acronym == "UN"


def test_it_gives_opa_one_staff_officer_until_9_july_2025_with_its_condition():
    statement = current("OPA", "non-operational staff officer")

    assert statement.total == 1
    assert (statement.end_date, statement.end_precision) == (date(2025, 7, 9), "day")
    assert statement.kind == StatementKind.CORRECTION
    assert statement.document.reference == "29521-497"
    assert "legal basis" in statement.conditions
    assert "12 January" in statement.conditions
    assert statement.contribution.mission.organization.acronym == "Other"
    assert history("OPA", "non-operational staff officer") == [
        (
            "Verslag Raad Buitenlandse Zaken (RBZ verslag) van 20 december 2024",
            "decision",
            "extended",
        ),
        ("29521-493", "decision", "extended"),
        ("29521-497", "correction", "extended"),
    ]


def test_it_gives_the_red_sea_mrtt_not_feasible_after_being_explored():
    name = "Operations in the Red Sea (mission not named)"

    assert current(name, "air tanker capacity (MRTT)").status == Status.NOT_FEASIBLE
    assert history(name, "air tanker capacity (MRTT)") == [
        ("29521-493", "information", "explored"),
        ("29521-497", "decision", "not_feasible"),
    ]
    assert contribution(name, "air tanker capacity (MRTT)").capability == "MRTT tanker aircraft"


def test_it_gives_the_eufor_althea_infantry_company_explored_then_decided():
    assert history("EUFOR Althea", "infantry company") == [
        ("29521-493", "information", "explored"),
        ("29521-494", "decision", "new"),
    ]
    assert SourceDocument.objects.get(dossier="29521", number="494").kind == "article_100"


def test_it_keeps_what_ended_was_only_explored_or_is_named_in_passing():
    current_status = {
        (s.contribution.mission.label, s.contribution.name): s.status
        for s in Statement.objects.current().select_related("contribution__mission")
    }

    # EMASoH "recently ended" is a fact about the mission: no Dutch contribution is invented.
    emasoh = MissionStatement.objects.get(mission__acronym="EMASoH")
    assert (emasoh.status, emasoh.document.reference, emasoh.location) == (
        "ended",
        "29521-497",
        "answer 4",
    )
    assert not Statement.objects.filter(contribution__mission__acronym="EMASoH").exists()
    for name in ("Force Command", "force protection", "helicopter detachment"):
        assert current_status[("NMI", name)] == Status.ENDED
    assert current_status[("NMI", "advisers")] == Status.CONTINUED
    assert current_status[("OIR", "advisers")] == Status.CONTINUED
    assert (
        current_status[
            ("Maritime presence in the Indo-Pacific", "maritime presence (every two years)")
        ]
        == "explored"
    )
    assert set(Mission.objects.values_list("acronym", flat=True)) >= {
        "EUBAM Libya",
        "Atalanta",
        "CMF",
        "NSATU",
        "UNIFIL",
        "UNDOF",
        "OSC",
        "EUPOL COPPS",
    }
    assert Mission.objects.filter(name="EUMAM").exists()


def test_it_leaves_unknown_counts_empty_rather_than_zero():
    for name in ("NMI", "OIR"):
        statement = Statement.objects.current().get(
            contribution__mission__acronym=name, contribution__name="advisers"
        )
        assert [getattr(statement, field) for field in COUNTS] == [None] * 4
        assert statement.effective_total is None

    zeros = [
        (s.pk, field) for s in Statement.objects.all() for field in COUNTS if getattr(s, field) == 0
    ]
    assert zeros == []
    assert not Mission.objects.filter(total_strength=0).exists()
    assert not Mission.objects.filter(military_strength=0).exists()


def test_it_changes_nothing_when_loaded_twice():
    before = snapshot()

    call_command("load_real_data", verbosity=0)

    assert snapshot() == before
    assert before["Statement history"] == Statement.objects.count() == 27


def test_it_cites_a_document_location_and_quote_on_every_statement():
    for statement in Statement.objects.select_related("document"):
        assert statement.location.strip(), statement.pk
        assert statement.quote.strip(), statement.pk
        assert statement.document_date == statement.document.date, statement.pk


def test_it_lists_statements_in_document_date_order():
    dates = list(Statement.objects.order_by("pk").values_list("document_date", flat=True))

    assert dates == sorted(dates)


def test_it_gives_every_numbered_document_its_publication_url():
    documents = SourceDocument.objects.all()

    assert {d.reference for d in documents if d.number} == {
        "29521-493",
        "29521-494",
        "29521-497",
        "36045-190",
    }
    for document in documents:
        assert document.url == document.derived_url()
    assert SourceDocument.objects.get(number="497").url == (
        "https://zoek.officielebekendmakingen.nl/kst-29521-497.html"
    )


def test_it_traces_every_count_to_its_quote():
    for statement in Statement.objects.all():
        for field in COUNTS:
            number = getattr(statement, field)
            if number is not None:
                assert mentions(statement.quote, number), (statement.pk, field, number)


def test_it_traces_every_mission_strength_to_a_quote_about_it():
    for mission in Mission.objects.all():
        quotes = " ".join(
            Statement.objects.filter(contribution__mission=mission).values_list("quote", flat=True)
        )
        for number in (mission.total_strength, mission.military_strength):
            if number is not None:
                assert mentions(quotes, number), (mission.name, number)


def test_it_passes_the_same_validation_as_the_admin():
    for model in MODELS:
        for record in model.objects.all():
            record.full_clean()
        assert model.objects.filter(version=1).count() == model.objects.count()
