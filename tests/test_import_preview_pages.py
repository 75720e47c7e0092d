"""The preview's other pages show the plan kept with the upload instead of planning the file
again, for as long as the data, the language and the day it was planned for stay the same."""

from __future__ import annotations

from datetime import date

import pytest

from missions.imports import planning
from missions.imports.plan import Change, Plan, RowPlan, Verdict
from missions.imports.rows import RowError
from missions.models import PendingImport, Statement
from tests import factories
from tests.test_import import CONFIRM, PREVIEW, csv_bytes, row, upload

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}


@pytest.fixture
def plans(monkeypatch) -> list[int]:
    """One entry per time a file is planned (preview or confirmation)."""
    made: list[int] = []
    original = planning.build_plan

    def counting(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    # The views reach it through the applying module.
    monkeypatch.setattr("missions.imports.applying.build_plan", counting)
    return made


def rows_shown(response) -> list[tuple[int, str, str]]:
    return [(r.row, r.label, r.verdict) for r in response.context["page"].object_list]


def test_the_other_pages_show_the_kept_plan_without_planning_again(
    analyst_client, plans, django_assert_num_queries
):
    upload(analyst_client, csv_bytes([row(contribution=f"team {n}") for n in range(250)]))
    first = analyst_client.get(PREVIEW)
    assert plans == [1]

    # Each: the session, the user, two for the permissions, the data version (to know the kept
    # plan still holds), the kept plan (not the cells) and the session's save (three).
    with django_assert_num_queries(2 * 9):
        second = analyst_client.get(PREVIEW, {"page": 2})
        again = analyst_client.get(PREVIEW)
    every_row = analyst_client.get(PREVIEW, {"show": "all", "page": 3})

    assert plans == [1]
    assert rows_shown(again) == rows_shown(first)
    assert [r[0] for r in rows_shown(second)] == list(range(102, 202))
    assert [r[0] for r in rows_shown(every_row)] == list(range(202, 252))
    assert second.context["plan"].counts == {"new": 250, "changed": 0, "unchanged": 0, "error": 0}
    assert "Page 2 of 3" in second.content.decode()


def test_a_kept_plan_shows_exactly_what_was_planned():
    plan = Plan(
        "letters.csv",
        rows=[
            RowPlan(
                2,
                "Aspides: staff",
                Verdict.CHANGED,
                changes=[Change("military", "4", "5")],
                creates=["source document 29521-497"],
            ),
            RowPlan(
                3,
                "OPA: frigate",
                Verdict.ERROR,
                errors=[RowError(3, "end", "The end cannot be before the start.")],
            ),
        ],
        warnings=["Column 'colour' is not imported."],
    )

    kept = Plan.from_shown(plan.as_shown())

    assert kept.rows == plan.rows
    assert kept.warnings == plan.warnings
    assert kept.filename == "letters.csv"
    assert kept.fingerprint == plan.fingerprint
    assert [str(e) for e in kept.errors] == ["row 3, end: The end cannot be before the start."]


def test_a_write_since_the_preview_plans_it_again_with_the_new_verdicts(analyst_client, plans):
    upload(analyst_client, csv_bytes([row()]))
    assert analyst_client.get(PREVIEW).context["plan"].counts["new"] == 1
    # Someone records the same statement in the admin meanwhile.
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    mission = factories.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    factories.statement(
        contribution=factories.contribution(mission=mission, name="national staff"),
        document=document,
        status="extended",
        military=5,
        qualifier="approximately",
        end_date=date(2028, 6, 30),
        end_precision="month",
    )

    response = analyst_client.get(PREVIEW)

    assert plans == [1, 1]
    # No longer a new statement: the one recorded meanwhile, which the row changes.
    assert response.context["plan"].counts == {"new": 0, "changed": 1, "unchanged": 0, "error": 0}


def test_another_language_plans_it_again_in_that_language(analyst_client, plans):
    upload(analyst_client, csv_bytes([row(military="-1")]))
    english = analyst_client.get(PREVIEW).content.decode()

    dutch = analyst_client.get(PREVIEW, **DUTCH).content.decode()

    assert plans == [1, 1]
    assert "row 2, military: Ensure this value is greater than or equal to 0." in english
    assert "rij 2, military: Zorg ervoor dat deze waarde minstens 0 is." in dutch


def test_a_confirmation_after_a_kept_page_applies_the_preview_seen(analyst_client, plans):
    upload(analyst_client, csv_bytes([row(contribution=f"team {n}") for n in range(120)]))
    analyst_client.get(PREVIEW)
    analyst_client.get(PREVIEW, {"page": 2})
    fingerprint = PendingImport.objects.get().fingerprint

    response = analyst_client.post(CONFIRM)

    assert response.status_code == 302
    assert plans == [1, 1]  # the preview, then the confirmation's own plan
    assert fingerprint
    assert Statement.objects.count() == 120
    assert not PendingImport.objects.exists()


def test_a_kept_plan_that_cannot_be_read_is_planned_again(analyst_client, plans):
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    pending = PendingImport.objects.get()
    pending.preview = {"key": pending.preview["key"], "plan": {"rows": "garbled"}}
    pending.save()

    response = analyst_client.get(PREVIEW)

    assert response.status_code == 200
    assert plans == [1, 1]
    assert response.context["plan"].counts["new"] == 1


def test_a_refused_confirmation_shows_its_new_plan_and_keeps_no_rows_of_it(analyst_client, plans):
    # Planned inside the confirmation, after its data version was read: not kept for the
    # other pages, whose next view plans again.
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))

    refused = analyst_client.post(CONFIRM)

    assert refused.status_code == 409
    kept = PendingImport.objects.get()
    assert kept.preview == {}
    assert kept.fingerprint == refused.context["plan"].fingerprint
    analyst_client.get(PREVIEW, {"page": 1})
    # The preview; the confirmation's plan and the new one it shows; the next page.
    assert len(plans) == 4
