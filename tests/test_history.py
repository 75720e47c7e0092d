"""The audit trail in the admin: who changed which fields and why, revert, recover deleted."""

from __future__ import annotations

from datetime import date

from django.contrib.messages import get_messages
from django.urls import reverse

from missions.models import Organization, Statement
from tests import factories
from tests.helpers import admin_form_data, admin_url

STALE = (
    "Someone else changed this record while you were editing it (now version 3). "
    "Their values are shown below; reload to edit them."
)


def edit(client, model: type, obj, **changes) -> object:
    url = admin_url(model, "change", obj.pk)
    return client.post(url, admin_form_data(client.get(url)) | changes)


def history_url(model: type, obj) -> str:
    return admin_url(model, "history", obj.pk)


def revert_url(model: type, entry) -> str:
    return reverse(
        f"admin:missions_{model._meta.model_name}_simple_history",
        args=[entry.instance.pk, entry.history_id],
    )


def test_the_history_page_shows_who_changed_which_field_from_what_to_what(analyst_client):
    statement = factories.statement(end_date=date(2025, 5, 31), end_precision="month")

    response = edit(analyst_client, Statement, statement, end="tot en met eind juni 2028")
    page = analyst_client.get(history_url(Statement, statement))

    assert response.status_code == 302
    newest = page.context["page_obj"][0]
    assert newest.history_user.username == "analyst"
    # Only the field that changed; the version and timestamp every save moves are left out.
    assert newest.history_delta_changes == [
        {"field": "End", "old": "2025-05-31", "new": "2028-06-30"}
    ]
    content = page.content.decode()
    assert "<strong>End:</strong>" in content
    assert "2025-05-31" in content and "2028-06-30" in content
    assert "Version:" not in content


def test_it_keeps_the_reason_given_for_a_change(analyst_client):
    statement = factories.statement(status="extended")

    edit(
        analyst_client,
        Statement,
        statement,
        status="ended",
        change_reason="Correction in 29521-497, answer 11",
    )

    newest = statement.history.latest("history_date")
    assert (newest.status, newest.history_change_reason) == (
        "ended",
        "Correction in 29521-497, answer 11",
    )
    page = analyst_client.get(history_url(Statement, statement)).content.decode()
    assert "Correction in 29521-497, answer 11" in page


def test_it_refuses_a_reason_longer_than_the_history_keeps(analyst_client):
    region = factories.region(name="Red Sea")

    response = edit(analyst_client, type(region), region, name="Rode Zee", change_reason="x" * 101)

    assert "change_reason" in response.context["adminform"].form.errors
    region.refresh_from_db()
    assert (region.name, region.history.count()) == ("Red Sea", 1)


def test_a_change_without_a_reason_has_none(analyst_client):
    region = factories.region(name="Red Sea")

    edit(analyst_client, type(region), region, name="Rode Zee")

    assert region.history.latest("history_date").history_change_reason is None


def test_it_reverts_a_record_to_an_earlier_version(analyst, analyst_client):
    organization = factories.organization(acronym="EU", name="European Union")
    edit(analyst_client, Organization, organization, name="Europese Unie (typo")
    first = organization.history.earliest("history_date")
    url = revert_url(Organization, first)

    response = analyst_client.post(url, admin_form_data(analyst_client.get(url)))

    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("European Union", 3)
    newest = organization.history.latest("history_date")
    assert newest.history_user == analyst
    assert newest.history_change_reason.startswith("Restored the version of ")
    assert organization.history.count() == 3


def test_it_refuses_a_revert_based_on_a_version_someone_else_moved_past(analyst_client):
    organization = factories.organization(acronym="EU", name="European Union")
    edit(analyst_client, Organization, organization, name="Europese Unie")
    url = revert_url(Organization, organization.history.earliest("history_date"))
    revert_page = analyst_client.get(url)
    theirs = Organization.objects.get()
    theirs.notes = "Their note"
    theirs.save()

    response = analyst_client.post(url, admin_form_data(revert_page))

    assert response.context["adminform"].form.non_field_errors() == [STALE]
    assert Organization.objects.values_list("name", "notes", "version").get() == (
        "Europese Unie",
        "Their note",
        3,
    )


def delete_through_admin(client, statement: Statement) -> None:
    response = client.post(admin_url(Statement, "delete", statement.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Statement.objects.filter(pk=statement.pk).exists()


def test_it_recovers_a_deleted_record_from_its_history(admin_client, analyst, analyst_client):
    statement = factories.statement(
        status="extended", total=10, qualifier="approximately", end_date=date(2028, 6, 30)
    )
    edit(admin_client, Statement, statement, location="answer 11")
    delete_through_admin(admin_client, statement)

    listing = analyst_client.get(admin_url(Statement, "recover_list"))
    [(entry, label, recover_url)] = listing.context["rows"]
    response = analyst_client.post(recover_url)

    assert entry.id == statement.pk
    assert label == str(statement)
    assert response["Location"] == admin_url(Statement, "change", statement.pk)
    recovered = Statement.objects.get(pk=statement.pk)
    assert (recovered.status, recovered.total, recovered.location, recovered.end_date) == (
        "extended",
        10,
        "answer 11",
        date(2028, 6, 30),
    )
    # A page opened before the deletion (version 2) cannot overwrite the recovered record.
    assert recovered.version == 3
    newest = recovered.history.latest("history_date")
    assert (newest.history_type, newest.history_user, newest.history_change_reason) == (
        "+",
        analyst,
        "Recovered after deletion",
    )
    assert analyst_client.get(admin_url(Statement, "recover_list")).context["rows"] == []


def test_it_says_why_a_deleted_record_cannot_be_recovered(admin_client):
    statement = factories.statement()
    contribution_pk, statement_pk = statement.contribution_id, statement.pk
    statement.delete()
    statement.contribution.delete()
    [entry] = Statement.history.filter(history_type="-")

    response = admin_client.post(admin_url(Statement, "recover", entry.history_id))

    assert response["Location"] == admin_url(Statement, "recover_list")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"statement #{statement_pk} cannot be recovered: "
        f"its contribution #{contribution_pk} was deleted too; recover that first"
    ]
    assert not Statement.objects.exists()


def test_it_lists_only_records_whose_last_entry_is_a_deletion(admin_client):
    kept = factories.region(name="Red Sea")
    twice = factories.region(name="Sahel")
    twice.delete()
    admin_client.post(
        admin_url(type(kept), "recover", type(kept).history.get(history_type="-").history_id)
    )
    factories.region(name="Hoorn van Afrika").delete()

    rows = admin_client.get(admin_url(type(kept), "recover_list")).context["rows"]

    assert [label for _, label, _ in rows] == ["Hoorn van Afrika"]


def test_the_recover_button_only_answers_a_post(admin_client):
    region = factories.region()
    region.delete()
    entry = type(region).history.get(history_type="-")

    response = admin_client.get(admin_url(type(region), "recover", entry.history_id))

    assert response.status_code == 405
    assert not type(region).objects.exists()


def test_the_list_links_to_the_deleted_records(analyst_client):
    page = analyst_client.get(admin_url(Statement, "changelist")).content.decode()

    assert f'href="{admin_url(Statement, "recover_list")}"' in page
