"""The shipped real data (fixtures/real_data.json): the acceptance points of issue 2 about data.

Each figure must be what the source says, traceable to the quote it came from, and loading the
fixtures again must change nothing.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
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

# The text of 29521-497 as published, kept beside the fixture so that every quote can be checked.
SOURCE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "29521-497.txt"

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


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


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


def test_it_gives_the_eufor_althea_infantry_company_explored_then_decided_then_intended():
    # Answers 24 and 25 of 29521-497 call the contribution "(beoogde)" / "beoogde" and name the
    # infantry company in it: the status intended, as the text says, after the article 100 letter.
    assert history("EUFOR Althea", "infantry company") == [
        ("29521-493", "information", "explored"),
        ("29521-494", "decision", "new"),
        ("29521-497", "information", "intended"),
    ]
    assert SourceDocument.objects.get(dossier="29521", number="494").kind == "article_100"
    intended = current("EUFOR Althea", "infantry company")
    assert intended.location == "answers 24 and 25"
    assert "de (beoogde) bijdrage aan EU-operatie EUFOR Althea" in intended.quote
    assert "beoogde Nederlandse bijdrage aan EUFOR Althea" in intended.quote
    assert "met onder andere een infanteriecompagnie" in intended.quote
    assert [getattr(intended, field) for field in COUNTS] == [None] * 4
    assert (intended.start_date, intended.end_date) == (None, None)
    # Neither answer names the Field HUMINT team: it keeps only what 29521-493 said.
    assert history("EUFOR Althea", "Field HUMINT team") == [
        ("29521-493", "information", "explored")
    ]


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
    # "is het kabinet voornemens": intended (a status the model lacked), no longer "explored".
    assert (
        current_status[
            ("Maritime presence in the Indo-Pacific", "maritime presence (every two years)")
        ]
        == Status.INTENDED
    )
    assert (
        current_status[("Operations in the Red Sea (mission not named)", "navy ship (longer term)")]
        == Status.INTENDED
    )
    # UNIFIL and UNDOF are labelled as the source writes them (it gives only the acronyms).
    assert {m.label for m in Mission.objects.all()} >= {
        "EUBAM Libya",
        "Atalanta",
        "CMF",
        "NSATU",
        "UNIFIL",
        "UNDOF",
        "OSC",
        "EUPOL COPPS",
        "EUMAM",
    }


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
    # 27 after EMASoH's invented contribution went; 5 more from issue 8 (EUFOR Althea intended,
    # Syria and Iraq declined, West Africa and the Sahel, the Eastern European civilian missions).
    assert before["Statement history"] == Statement.objects.count() == 32
    # EMASoH, UNIFIL, UNDOF, the EU RDC and EUMAM: statements about a mission, no contribution.
    assert before["MissionStatement history"] == MissionStatement.objects.count() == 5


def test_it_cites_a_document_location_and_quote_on_every_statement():
    for statement in Statement.objects.select_related("document"):
        assert statement.location.strip(), statement.pk
        assert statement.quote.strip(), statement.pk
        assert statement.document_date == statement.document.date, statement.pk
    for about_mission in MissionStatement.objects.all():
        assert about_mission.location.startswith("answer"), about_mission.pk
        assert about_mission.quote.strip(), about_mission.pk


def test_it_quotes_the_source_verbatim():
    # Every quote ("[…]" marks a cut) is in the published text, whitespace aside: line breaks
    # and hyphenation at a line end differ between the PDF's text and a quote. What the other
    # documents said is recorded as 29521-497 reports it, so their quotes come from it too.
    source = squeeze(SOURCE.read_text(encoding="utf-8"))
    quotes = [
        *Statement.objects.values_list("pk", "quote"),
        *MissionStatement.objects.values_list("pk", "quote"),
    ]
    missing = [
        (pk, part)
        for pk, quote in quotes
        for part in quote.split("[…]")
        if squeeze(part) not in source
    ]
    assert missing == []


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


def test_it_records_the_eu_rdc_for_bosnia_as_a_statement_about_the_capacity():
    # Answer 8: the Netherlands argues for the possibility, it commits nothing to the RDC.
    rdc = MissionStatement.objects.select_related("mission__organization", "document").get(
        mission__acronym="RDC"
    )

    assert (rdc.mission.name, rdc.mission.organization.acronym, rdc.mission.region.name) == (
        "EU Rapid Deployment Capacity",
        "EU",
        "Western Balkans",
    )
    assert (rdc.status, rdc.document.reference, rdc.location) == (
        "mentioned",
        "29521-497",
        "answer 8",
    )
    assert rdc.quote.endswith(
        "in te zetten in Bosnië en Herzegovina in geval van ernstige escalatie."
    )
    assert "samen met Duitsland" in rdc.quote
    assert not Contribution.objects.filter(mission=rdc.mission).exists()


def test_it_records_no_advisers_to_syria_as_declined():
    statement = current(
        "Support to the transition process in Syria (no mission named)",
        "advisers, trainers or liaisons",
    )

    assert (statement.status, statement.kind) == (Status.DECLINED, StatementKind.INFORMATION)
    assert (statement.document.reference, statement.location) == ("29521-497", "answer 10")
    assert statement.quote == (
        "Het sturen van adviseurs, trainers of liaisons is daarbij op dit moment niet aan de orde."
    )
    assert [getattr(statement, field) for field in COUNTS] == [None] * 4
    assert statement.contribution.mission.organization.acronym == "Other"
    assert statement.contribution.mission.region.name == "Middle East"


def test_it_records_no_renewed_large_scale_presence_in_iraq_as_declined():
    statement = current(
        "Military presence in Iraq and the wider region (no mission named)",
        "large-scale military presence",
    )

    assert (statement.status, statement.kind) == (Status.DECLINED, StatementKind.DECISION)
    assert (statement.document.reference, statement.location) == ("29521-497", "answer 16")
    assert "kiest het kabinet op dit moment dus niet voor een grootschalige" in statement.quote
    assert "bondgenootschappelijk verzoek" not in statement.quote
    assert "allied request" in statement.conditions
    assert [getattr(statement, field) for field in COUNTS] == [None] * 4
    # Declined is no commitment: not active on the day it was said.
    assert statement.is_active_on(date(2025, 5, 23)) is False
    assert not Statement.objects.active_on(date(2025, 5, 23)).filter(pk=statement.pk).exists()


def test_it_records_the_limited_presence_in_west_africa_and_the_sahel():
    statement = current(
        "Missions and operations in West Africa and the Sahel (not named)", "limited presence"
    )

    assert (statement.status, statement.location) == (Status.CONTINUED, "answers 21 and 25")
    assert statement.quote.startswith(
        "In de Sahel en West-Afrika kiest het kabinet voor een beperkte aanwezigheid […]"
    )
    assert "in beperkte(re) mate bijdraagt" in statement.quote
    assert [getattr(statement, field) for field in COUNTS] == [None] * 4
    assert (statement.start_date, statement.end_date, statement.open_ended) == (None, None, False)
    assert statement.contribution.mission.region.name == "West Africa and the Sahel"


def test_it_records_the_strengthened_civilian_missions_in_the_eastern_european_region():
    statement = current(
        "Civilian missions in the Eastern European region (not named)",
        "contributions to the civilian missions",
    )

    assert (statement.status, statement.location) == (Status.SCALED_UP, "answer 25")
    assert "de versterking van de Nederlandse bijdragen" in statement.quote
    assert "de civiele missies in de Oost-Europese regio" in statement.quote
    assert [getattr(statement, field) for field in COUNTS] == [None] * 4
    assert statement.contribution.mission.region.name == "Eastern European region"


def test_it_records_unifil_and_undof_as_mentioned_without_what_the_source_does_not_say():
    for label in ("UNIFIL", "UNDOF"):
        mission = Mission.objects.select_related("organization").get(name=label)
        said = MissionStatement.objects.get(mission=mission)

        assert (said.status, said.location) == ("mentioned", "answer 12")
        assert said.quote == "Daartoe werkt de missie nauw samen met UNIFIL en UNDOF."
        # The source gives neither a full name, nor who runs them, nor a mandate.
        assert (mission.acronym, mission.organization.acronym, mission.mandate) == ("", "Other", "")
        assert not Contribution.objects.filter(mission=mission).exists()


def test_it_records_eumam_as_mentioned():
    said = MissionStatement.objects.get(mission__name="EUMAM")

    assert (said.status, said.location) == ("mentioned", "answer 4")
    assert "trainingsmissies zoals EUMAM" in said.quote
    assert not Contribution.objects.filter(mission__name="EUMAM").exists()


def test_it_flags_the_mrtt_year_as_derived_and_nothing_else():
    statement = Statement.objects.get(
        contribution__name="air tanker capacity (MRTT)", document__number="493"
    )

    assert (statement.start_inferred, statement.end_inferred) == (True, True)
    assert statement.inference_note.startswith("derived: the year 2025 comes from the members'")
    assert list(Statement.objects.filter(start_inferred=True).values_list("pk", flat=True)) == [
        statement.pk
    ]
    assert list(Statement.objects.filter(end_inferred=True).values_list("pk", flat=True)) == [
        statement.pk
    ]


def test_it_never_reuses_the_pks_of_emasohs_retired_contribution():
    # A database loaded before 4e6cc80 still holds contribution 12 and statement 28 (EMASoH's
    # invented contribution); loaddata would turn them into other facts if the pks came back.
    assert not Contribution.objects.filter(pk=12).exists()
    assert not Statement.objects.filter(pk=28).exists()
