"""The analysts' back office: every model listed, searched and edited by an analyst."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from missions.dates import Precision
from missions.models import (
    ApiToken,
    Contribution,
    Mission,
    Organization,
    Qualifier,
    Region,
    SourceDocument,
    Statement,
    Status,
)
from missions.web.forms import StatementForm
from tests import factories
from tests.helpers import admin_form_data, admin_url, inline_prefix

MODELS = [Organization, Region, Mission, Contribution, SourceDocument, Statement]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_lists_and_opens_every_model_for_an_analyst(analyst_client, model):
    statement = factories.statement()
    obj = {
        Organization: statement.contribution.mission.organization,
        Region: statement.contribution.mission.region,
        Mission: statement.contribution.mission,
        Contribution: statement.contribution,
        SourceDocument: statement.document,
        Statement: statement,
    }[model]

    listing = analyst_client.get(admin_url(model, "changelist"))
    change = analyst_client.get(admin_url(model, "change", obj.pk))

    assert [row.pk for row in listing.context["cl"].result_list] == [obj.pk]
    assert change.status_code == 200
    assert change.context["adminform"].form.instance == obj
    # The version the page was loaded with travels with the form.
    assert admin_form_data(change)["loaded_version"] == obj.version


def test_it_gives_every_foreign_key_an_autocomplete():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "missions":
            continue
        foreign_keys = {f.name for f in model._meta.fields if f.many_to_one and f.editable}
        assert set(model_admin.autocomplete_fields) == foreign_keys, model


def test_it_searches_contributions_for_the_autocomplete(analyst_client):
    wanted = factories.contribution(name="Field HUMINT team")
    factories.contribution(name="Infantry company")

    response = analyst_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "missions",
            "model_name": "statement",
            "field_name": "contribution",
            "term": "humint",
        },
    )

    assert [item["id"] for item in response.json()["results"]] == [str(wanted.pk)]


def test_it_registers_a_letter_and_its_statements_on_one_page(analyst, analyst_client):
    aspides = factories.contribution(name="national staff")
    althea = factories.contribution(name="infantry company")
    page = analyst_client.get(admin_url(SourceDocument, "add"))
    data = admin_form_data(page)
    prefix = inline_prefix(page, Statement)
    data.update(
        {
            "kind": "article_100",
            "dossier": "29521",
            "number": "494",
            "date": "2025-04-25",
            "title": "Artikel 100-brief EUFOR Althea",
            "change_reason": "New article 100 letter",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-0-contribution": aspides.pk,
            f"{prefix}-0-kind": "decision",
            f"{prefix}-0-status": "extended",
            f"{prefix}-0-total": "10",
            f"{prefix}-0-qualifier": "approximately",
            f"{prefix}-0-end": "tot en met eind juni 2028",
            f"{prefix}-1-contribution": althea.pk,
            f"{prefix}-1-kind": "decision",
            f"{prefix}-1-status": "new",
            f"{prefix}-1-qualifier": "exact",
            f"{prefix}-1-start": "2025",
            f"{prefix}-1-end": "9 juli 2025",
        }
    )

    response = analyst_client.post(admin_url(SourceDocument, "add"), data)

    assert response.status_code == 302, response.context["errors"]
    document = SourceDocument.objects.get(dossier="29521", number="494")
    first, second = document.statements.order_by("contribution__name")
    assert (second.contribution, second.status, second.total) == (aspides, "extended", 10)
    assert (second.end_date, second.end_precision) == (date(2028, 6, 30), Precision.MONTH)
    assert (first.start_date, first.start_precision) == (date(2025, 1, 1), Precision.YEAR)
    assert (first.end_date, first.end_precision) == (date(2025, 7, 9), Precision.DAY)
    assert first.document_date == date(2025, 4, 25)
    # Every row of the page is in the audit trail, by the analyst, with the page's reason.
    for record in (document, first, second):
        entry = record.history.get()
        assert (entry.history_user, entry.history_change_reason) == (
            analyst,
            "New article 100 letter",
        )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("", "tot en met eind juni 2028", (None, "", date(2028, 6, 30), "month")),
        ("9 juli 2025", "end of June 2028", (date(2025, 7, 9), "day", date(2028, 6, 30), "month")),
        ("2026", "2026", (date(2026, 1, 1), "year", date(2026, 12, 31), "year")),
        ("juni 2028", "2028-06-30", (date(2028, 6, 1), "month", date(2028, 6, 30), "day")),
        ("", "30-06-2028", (None, "", date(2028, 6, 30), "day")),
        ("", "", (None, "", None, "")),
    ],
)
def test_it_reads_start_and_end_phrases(db, start, end, expected):
    statement = factories.statement()
    data = StatementForm(instance=statement).initial | {"start": start, "end": end}
    data["contribution"] = statement.contribution_id
    data["document"] = statement.document_id

    form = StatementForm(data, instance=statement)

    assert form.is_valid(), form.errors
    saved = form.save()
    assert (
        saved.start_date,
        saved.start_precision,
        saved.end_date,
        saved.end_precision,
    ) == expected


def test_it_names_an_unreadable_phrase_on_its_field(analyst_client):
    statement = factories.statement(end_date=date(2025, 5, 31), end_precision="month")
    page = analyst_client.get(admin_url(Statement, "change", statement.pk))
    data = admin_form_data(page) | {"end": "eind smarch 2028"}

    response = analyst_client.post(admin_url(Statement, "change", statement.pk), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end"] == [
        '"eind smarch 2028" is not a date (try "9 juli 2025", "eind juni 2028" or "2026")'
    ]
    statement.refresh_from_db()
    assert (statement.end_date, statement.version) == (date(2025, 5, 31), 1)


def test_it_shows_stored_dates_in_their_precision(analyst_client):
    statement = factories.statement(
        start_date=date(2026, 1, 1),
        start_precision="year",
        end_date=date(2028, 6, 30),
        end_precision="month",
    )

    page = analyst_client.get(admin_url(Statement, "change", statement.pk))

    data = admin_form_data(page)
    assert (data["start"], data["end"]) == ("2026", "end of June 2028")


def test_the_document_list_dates_each_document_as_far_as_its_source_does(analyst_client):
    factories.document(dossier="29521", number="493", date=date(2025, 4, 4))
    factories.january_letter()

    listed = analyst_client.get(admin_url(SourceDocument, "changelist"))
    column = listed.context["cl"].list_display.index("dated")
    page = analyst_client.get(admin_url(SourceDocument, "changelist"), {"o": str(column)})

    cells = re.findall(r'<td class="field-dated">(.*?)</td>', page.content.decode())
    # Sorted by that column: by the stored date, oldest first.
    assert cells == ["January 2024 (inferred)", "4 April 2025"]


def test_it_shows_the_columns_an_analyst_reads(analyst_client):
    doc = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    aspides = factories.contribution(name="national staff")
    factories.statement(
        contribution=aspides,
        document=factories.document(dossier="29521", number="493", date=date(2025, 4, 4)),
        status=Status.EXTENDED,
        end_date=date(2025, 5, 31),
        end_precision="month",
    )
    factories.statement(
        contribution=aspides,
        document=doc,
        status=Status.EXTENDED,
        kind="correction",
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
        location="answer 11",
    )

    statements = analyst_client.get(admin_url(Statement, "changelist")).content.decode()
    contributions = analyst_client.get(admin_url(Contribution, "changelist")).content.decode()

    assert "~10" in statements
    assert "end of June 2028" in statements
    assert "29521-497" in statements
    # The contribution list shows the current statement's status and end, not the older one's.
    assert "end of June 2028" in contributions
    assert "end of May 2025" not in contributions
    assert aspides.mission.organization.acronym in contributions


def test_it_filters_contributions_by_current_status(analyst_client):
    ended = factories.contribution()
    factories.statement(contribution=ended, status=Status.NEW, document=factories.document())
    factories.statement(
        contribution=ended,
        status=Status.ENDED,
        document=factories.document(date=date(2025, 6, 1)),
    )
    running = factories.contribution()
    factories.statement(contribution=running, status=Status.NEW)

    response = analyst_client.get(admin_url(Contribution, "changelist"), {"current_status": "new"})

    assert [c.pk for c in response.context["cl"].result_list] == [running.pk]


def test_it_shows_a_contributions_current_state_and_statements_newest_first(analyst_client):
    contribution = factories.contribution()
    older = factories.statement(
        contribution=contribution,
        status=Status.EXPLORED,
        document=factories.document(number="493", dossier="29521", date=date(2025, 4, 4)),
    )
    newer = factories.statement(
        contribution=contribution,
        status=Status.NEW,
        military=4,
        civilian=2,
        police=1,
        end_date=date(2025, 7, 9),
        document=factories.document(number="494", dossier="29521", date=date(2025, 4, 25)),
        location="page 3",
    )

    page = analyst_client.get(admin_url(Contribution, "change", contribution.pk))

    content = page.content.decode()
    state = "New; 7 (4 military, 2 civilian, 1 police); start not stated \u2013 9 July 2025"
    assert state in content
    assert "29521-494, page 3, decision" in content
    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Statement)
    assert [form.instance for form in inline.formset.forms] == [newer, older]
    assert not inline.has_add_permission and not inline.has_change_permission


@pytest.mark.parametrize(
    ("model", "blocker"),
    [
        (SourceDocument, "statement"),
        (Organization, "mission"),
        (Mission, "contribution"),
    ],
)
def test_it_refuses_to_delete_a_record_others_depend_on_and_says_why(admin_client, model, blocker):
    statement = factories.statement()
    obj = {
        SourceDocument: statement.document,
        Organization: statement.contribution.mission.organization,
        Mission: statement.contribution.mission,
    }[model]
    blocking = {
        "statement": statement,
        "mission": statement.contribution.mission,
        "contribution": statement.contribution,
    }[blocker]

    response = admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})

    assert model.objects.filter(pk=obj.pk).exists()
    content = response.content.decode()
    assert "would require deleting the following protected related objects" in content
    assert str(blocking) in content
    assert obj.history.filter(history_type="-").count() == 0


def test_it_refuses_a_bulk_delete_of_protected_records_and_says_why(admin_client):
    statement = factories.statement()
    document = statement.document

    response = admin_client.post(
        admin_url(SourceDocument, "changelist"),
        {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
    )

    assert SourceDocument.objects.filter(pk=document.pk).exists()
    assert str(statement) in response.content.decode()


def test_it_offers_no_bulk_action_that_changes_records(rf, superuser):
    # A bulk action that edits rows would go around the version check; delete is refused
    # by PROTECT where it would destroy data, and can be undone from the history.
    request = rf.get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        # API tokens carry no version (nothing edits one): their one action is to revoke.
        if model._meta.app_label == "missions" and model is not ApiToken:
            assert set(model_admin.get_actions(request)) == {"delete_selected"}, model
        elif model is ApiToken:
            assert set(model_admin.get_actions(request)) == {"revoke_tokens"}


def test_it_lets_an_analyst_change_a_mission_without_superuser_rights(analyst_client):
    mission = factories.mission(name="UN Truce Supervision Organization", acronym="UNTSO")
    page = analyst_client.get(admin_url(Mission, "change", mission.pk))
    data = admin_form_data(page) | {"total_strength": "388", "military_strength": "159"}

    response = analyst_client.post(admin_url(Mission, "change", mission.pk), data)

    assert response.status_code == 302
    mission.refresh_from_db()
    assert (mission.total_strength, mission.military_strength, mission.version) == (388, 159, 2)
    listing = analyst_client.get(admin_url(Mission, "changelist")).content.decode()
    assert "388 (159 military)" in listing


def test_it_does_not_let_a_viewer_into_the_admin(viewer):
    client = Client()
    client.force_login(viewer)
    mission = factories.mission()

    response = client.get(admin_url(Mission, "change", mission.pk))

    assert response.status_code in (302, 403)
    assert "adminform" not in (response.context or {})


def test_it_opens_every_page_of_the_real_data_for_an_analyst(real_data, analyst_client):
    for model in MODELS:
        listing = analyst_client.get(admin_url(model, "changelist"))
        assert listing.context["cl"].result_count == model.objects.count() > 0
        for obj in model.objects.all()[:5]:
            for page in ("change", "history"):
                response = analyst_client.get(admin_url(model, page, obj.pk))
                assert response.status_code == 200, (model, page, obj.pk)
    aspides = Statement.objects.current().get(
        contribution__mission__name__icontains="Aspides", contribution__name__icontains="staf"
    )
    page = analyst_client.get(admin_url(Contribution, "change", aspides.contribution_id))
    assert "~10" in page.content.decode()
