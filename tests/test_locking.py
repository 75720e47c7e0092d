"""No lost updates: of two edits of the same version, the second is refused, the first kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction

from missions.models import (
    Contribution,
    Mission,
    Organization,
    Region,
    SourceDocument,
    Statement,
)
from missions.models.locking import StaleEditError
from missions.web.forms import TrackedModelForm
from tests import factories
from tests.helpers import admin_form_data, admin_url, inline_prefix

STALE = (
    "Someone else changed this record while you were editing it (now version 2). "
    "Their values are shown below; reload to edit them."
)


# -- the model layer ---------------------------------------------------------------------------


def test_it_refuses_a_save_based_on_a_version_someone_else_moved_past(db):
    statement = factories.statement(status="new")
    mine = Statement.objects.get(pk=statement.pk)
    theirs = Statement.objects.get(pk=statement.pk)

    theirs.status = "extended"
    theirs.save()
    mine.status = "ended"
    with pytest.raises(StaleEditError) as refusal:
        mine.save()

    assert (refusal.value.expected, refusal.value.current) == (1, 2)
    assert str(refusal.value) == (
        "Someone else changed this record while you were editing it (now version 2)."
    )
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.status, stored.version) == ("extended", 2)
    assert mine.version == 1
    assert [h.history_type for h in stored.history.order_by("history_date")] == ["+", "~"]


def test_it_refuses_a_save_of_a_record_someone_else_deleted(db):
    region = factories.region()
    mine = Region.objects.get(pk=region.pk)
    Region.objects.get(pk=region.pk).delete()

    mine.name = "Rode Zee"
    with pytest.raises(StaleEditError) as refusal:
        mine.save()

    assert refusal.value.current is None
    assert not Region.objects.exists()


def test_it_refuses_a_blind_overwrite_of_an_existing_row(db):
    region = factories.region(name="Red Sea")
    region.name = "Rode Zee"
    region.save()

    with pytest.raises(StaleEditError):
        Region(pk=region.pk, name="Written without reading").save()
    Region(pk=region.pk + 1000, name="A new row with a given key").save()

    assert Region.objects.get(pk=region.pk).name == "Rode Zee"
    assert Region.objects.filter(pk=region.pk + 1000).exists()


def test_it_gives_the_version_back_when_the_write_itself_fails(db):
    statement = factories.statement(military=3)

    statement.military = -1
    with pytest.raises(IntegrityError), transaction.atomic():
        statement.save()

    assert statement.version == 1
    assert Statement.objects.get(pk=statement.pk).version == 1
    statement.military = 4
    statement.save()
    assert Statement.objects.values_list("military", "version").get() == (4, 2)


def test_each_successful_save_moves_the_version_once(db):
    organization = factories.organization()

    for name in ("European Union", "Europese Unie"):
        organization.name = name
        organization.save()

    assert Organization.objects.values_list("version", flat=True).get() == 3
    assert organization.history.count() == 3


# -- the admin, for every model ------------------------------------------------------------------

# (model, the record of a statement's world, field, first editor's value, second editor's value,
#  how the first value reads on the refused page)
CASES = [
    (Organization, lambda s: s.contribution.mission.organization, "name", "EU", "EU!", "EU"),
    (Region, lambda s: s.contribution.mission.region, "name", "Red Sea", "Rode Zee", "Red Sea"),
    (Mission, lambda s: s.contribution.mission, "acronym", "Aspides", "ASP", "Aspides"),
    (Contribution, lambda s: s.contribution, "capability", "frigate", "ship", "frigate"),
    (SourceDocument, lambda s: s.document, "title", "Brief 493", "Brief 494", "Brief 493"),
    (Statement, lambda s: s, "end", "eind juni 2028", "2026", "end of June 2028"),
]


@pytest.mark.parametrize(
    ("model", "pick", "field", "first", "second", "shown"),
    CASES,
    ids=[case[0].__name__ for case in CASES],
)
def test_it_refuses_the_second_of_two_admin_edits_and_keeps_the_first(
    analyst_client,
    admin_client,
    model: type,
    pick: Callable,
    field: str,
    first: str,
    second: str,
    shown: str,
):
    obj = pick(factories.statement())
    url = admin_url(model, "change", obj.pk)
    their_page = admin_client.get(url)
    my_page = analyst_client.get(url)
    entries = obj.history.count()

    theirs = admin_client.post(url, admin_form_data(their_page) | {field: first})
    mine = analyst_client.post(url, admin_form_data(my_page) | {field: second})

    assert theirs.status_code == 302
    assert mine.status_code == 200
    form = mine.context["adminform"].form
    assert form.non_field_errors() == [STALE]
    assert form.errors[field] == [f"Now: {shown}"]
    assert STALE in mine.content.decode()
    stored = model.objects.get(pk=obj.pk)
    assert stored.version == 2
    if field == "end":
        assert (stored.end_date, stored.end_precision) == (date(2028, 6, 30), "month")
    else:
        assert getattr(stored, field) == first
    assert obj.history.count() == entries + 1


def test_it_refuses_a_form_posted_without_its_version(analyst_client):
    region = factories.region(name="Red Sea")
    url = admin_url(Region, "change", region.pk)
    data = admin_form_data(analyst_client.get(url)) | {"name": "Rode Zee"}
    del data["loaded_version"]

    response = analyst_client.post(url, data)

    assert response.status_code == 200
    assert Region.objects.get().name == "Red Sea"


def test_it_refuses_a_stale_row_of_the_documents_statement_inline(analyst_client, admin_client):
    statement = factories.statement(status="extended", end_date=date(2025, 5, 31))
    document = statement.document
    url = admin_url(SourceDocument, "change", document.pk)
    their_page = admin_client.get(url)
    my_page = analyst_client.get(url)
    prefix = inline_prefix(my_page, Statement)

    theirs = admin_client.post(
        url, admin_form_data(their_page) | {f"{prefix}-0-end": "eind juni 2028"}
    )
    mine = analyst_client.post(
        url,
        admin_form_data(my_page) | {f"{prefix}-0-status": "ended", "title": "Retitled"},
    )

    assert theirs.status_code == 302
    assert mine.status_code == 200
    row = mine.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.non_field_errors() == [STALE]
    assert row.errors["end"] == ["Now: end of June 2028"]
    statement.refresh_from_db()
    document.refresh_from_db()
    assert (statement.status, statement.end_date, statement.version) == (
        "extended",
        date(2028, 6, 30),
        2,
    )
    # Nothing of the refused page was kept, not even its change to the document.
    assert (document.title, document.version) == (f"Kamerbrief {document.number}", 1)
    assert statement.history.count() == 2


def test_it_refuses_a_page_whose_untouched_row_someone_else_changed(analyst_client, admin_client):
    # My page still shows their row as it was; saving it would undo their change.
    document = factories.document()
    one = factories.statement(document=document, status="new")
    two = factories.statement(document=document, status="new")
    url = admin_url(SourceDocument, "change", document.pk)
    their_page = admin_client.get(url)
    my_page = analyst_client.get(url)
    prefix = inline_prefix(my_page, Statement)
    forms = my_page.context["inline_admin_formsets"][0].formset.forms
    row = {form.instance.pk: i for i, form in enumerate(forms)}

    theirs = admin_client.post(
        url, admin_form_data(their_page) | {f"{prefix}-{row[one.pk]}-status": "extended"}
    )
    mine = analyst_client.post(
        url, admin_form_data(my_page) | {f"{prefix}-{row[two.pk]}-status": "ended"}
    )

    assert (theirs.status_code, mine.status_code) == (302, 200)
    refused = mine.context["inline_admin_formsets"][0].formset.forms[row[one.pk]]
    assert refused.errors == {"__all__": [STALE], "status": ["Now: extended"]}
    assert Statement.objects.get(pk=one.pk).status == "extended"
    assert Statement.objects.get(pk=two.pk).status == "new"


def test_an_edit_of_one_statement_does_not_block_the_others_on_the_document_page(
    analyst_client, admin_client
):
    document = factories.document()
    one = factories.statement(document=document, status="new")
    two = factories.statement(document=document, status="new")
    url = admin_url(SourceDocument, "change", document.pk)
    my_page = analyst_client.get(url)
    prefix = inline_prefix(my_page, Statement)
    forms = my_page.context["inline_admin_formsets"][0].formset.forms
    row = {form.instance.pk: i for i, form in enumerate(forms)}
    statement_url = admin_url(Statement, "change", two.pk)
    their_page = admin_client.get(statement_url)

    theirs = admin_client.post(statement_url, admin_form_data(their_page) | {"notes": "checked"})
    mine = analyst_client.post(
        url, admin_form_data(my_page) | {f"{prefix}-{row[one.pk]}-status": "extended"}
    )

    assert (theirs.status_code, mine.status_code) == (302, 302)
    assert Statement.objects.get(pk=one.pk).status == "extended"
    assert Statement.objects.get(pk=two.pk).notes == "checked"
    # The document itself did not change, so my page did not save it: no empty history entry.
    document.refresh_from_db()
    assert (document.version, document.history.count()) == (1, 1)


def lose_the_race(monkeypatch, times: int) -> list:
    """Let the form's version check pass ``times`` times, as if the other save committed just
    after it: the model layer is then the one that finds the conflict."""
    original = TrackedModelForm._check_version
    calls: list = []

    def check(form):
        calls.append(form)
        if len(calls) <= times:
            form.instance.version = form.cleaned_data["loaded_version"]
            return
        original(form)

    monkeypatch.setattr(TrackedModelForm, "_check_version", check)
    return calls


def test_it_explains_a_conflict_found_only_when_saving(analyst_client, monkeypatch):
    organization = factories.organization(name="European Union")
    url = admin_url(Organization, "change", organization.pk)
    data = admin_form_data(analyst_client.get(url)) | {"name": "Europese Unie"}
    theirs = Organization.objects.get()
    theirs.notes = "Their note"
    theirs.save()
    calls = lose_the_race(monkeypatch, times=1)

    response = analyst_client.post(url, data)

    assert len(calls) == 2
    assert response.context["adminform"].form.non_field_errors() == [STALE]
    assert Organization.objects.values_list("name", "notes", "version").get() == (
        "European Union",
        "Their note",
        2,
    )


def test_it_never_fails_with_a_server_error_on_a_conflict(analyst_client, monkeypatch):
    organization = factories.organization(name="European Union")
    url = admin_url(Organization, "change", organization.pk)
    data = admin_form_data(analyst_client.get(url)) | {"name": "Europese Unie"}
    Organization.objects.get().save()
    lose_the_race(monkeypatch, times=2)

    response = analyst_client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, url)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Someone else changed this record while you were editing it (now version 2)."
    ]
    assert Organization.objects.get().name == "European Union"


# -- PostgreSQL, with real concurrency -------------------------------------------------------------


# serialized_rollback: the flush after a real-transaction test would otherwise re-create the
# content types under new ids, and the next test that restores the saved state would collide.
@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serializes every write"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lets_exactly_one_of_ten_concurrent_saves_of_one_version_through():
    statement = factories.statement(status="new")
    threads = 10
    start = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def save(n: int) -> None:
        from django.db import connection as thread_connection

        try:
            mine = Statement.objects.get(pk=statement.pk)
            mine.notes = f"saved by thread {n}"
            start.wait()
            try:
                mine.save()
                outcome = mine.notes
            except StaleEditError:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=save, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    winners = [outcome for outcome in outcomes if outcome != "refused"]
    assert (len(winners), outcomes.count("refused")) == (1, threads - 1)
    stored = Statement.objects.get(pk=statement.pk)
    assert (stored.notes, stored.version) == (winners[0], 2)
    assert stored.history.count() == 2
