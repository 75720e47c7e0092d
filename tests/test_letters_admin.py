"""The admin page "Register a letter from its text" (missions/admin/letters.py): read a letter,
correct the proposals, untick what is wrong, confirm; one transaction or nothing at all."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.dates import Precision
from missions.letters.register import REASON
from missions.models import Contribution, Mission, SourceDocument, Statement
from tests import factories as f
from tests.letter_files import letter_text, pdf_with_text, scanned_pdf

URL = "/admin/missions/sourcedocument/register-letter/"


@pytest.fixture
def althea(db):
    """EUFOR Althea as the tracker knows it before letter 29521-494."""
    mission = f.mission(name="EUFOR Althea", acronym="", organization=f.organization(acronym="EU"))
    return {
        "mission": mission,
        "company": f.contribution(mission=mission, name="infantry company"),
        "humint": f.contribution(mission=mission, name="Field HUMINT team"),
    }


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (SourceDocument, Statement, Mission, Contribution))


def review(client, text: str | None = None):
    response = client.post(URL, {"text": letter_text() if text is None else text})
    assert response.status_code == 200
    return response


def posted(response) -> dict[str, str]:
    """What the review page would send back unchanged: every field's shown value."""
    data = {"letter_text": response.context["letter_text"], "rows": len(response.context["rows"])}
    forms = [response.context["document_form"], *(row for row, _ in response.context["rows"])]
    for form in forms:
        for field in form:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = str(value)
    return data


def test_it_is_linked_from_the_documents_list_for_analysts(analyst_client) -> None:
    page = analyst_client.get(reverse("admin:missions_sourcedocument_changelist"))
    assert f'href="{URL}"' in page.content.decode()
    assert reverse("admin:missions_sourcedocument_register_letter") == URL


def test_it_is_closed_to_users_who_may_not_add_documents(db, viewer_client, outsider) -> None:
    assert viewer_client.get(URL).status_code == 403
    outsider.is_staff = True
    outsider.save()
    client = type(viewer_client)()
    client.force_login(outsider)
    assert client.post(URL, {"text": letter_text()}).status_code == 403


def test_it_proposes_beside_the_text_and_writes_nothing(analyst_client, althea) -> None:
    before = counts()
    response = review(analyst_client)
    assert counts() == before
    document = response.context["document_form"]
    assert (document["dossier"].value(), document["number"].value()) == ("29521", "494")
    assert document["date"].value() == "25 April 2025"
    assert document["kind"].value() == "article_100"
    rows = [row for row, _ in response.context["rows"]]
    assert [row["existing_contribution"].value() for row in rows] == [
        althea["company"].pk,
        althea["humint"].pk,
        None,
    ]
    assert [row["existing_mission"].value() for row in rows] == [althea["mission"].pk] * 3
    assert rows[2]["new_contribution"].value() == (
        "staffunctionarissen op het hoofdkwartier van EUFOR Althea te Sarajevo"
    )
    assert [(row["military"].value(), row["total"].value()) for row in rows] == [
        (175, None),
        (None, 10),
        (None, 10),
    ]
    html = response.content.decode()
    # The sentences are marked in the text, and the proposal links to its sentence.
    assert '<mark id="quote-1" title="Proposal 1">Het kabinet heeft besloten tot inzet' in html
    assert '<mark id="quote-2" title="Proposal 2, 3">Het kabinet verlengt daarnaast' in html
    assert 'href="#quote-3"' in html
    assert "Check this: a change from 7 to at most 10" in html


def test_it_registers_the_document_and_the_ticked_statements(analyst_client, analyst, althea):
    data = posted(review(analyst_client))
    data["p0-military"] = "170"  # the analyst corrects a figure
    del data["p2-include"]  # and unticks the staff officers
    response = analyst_client.post(URL, data)

    letter = SourceDocument.objects.get(dossier="29521", number="494")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:missions_sourcedocument_change", args=[letter.pk])
    assert (letter.date, letter.kind, letter.title) == (
        date(2025, 4, 25),
        "article_100",
        "Artikel 100-bijdrage aan EUFOR Althea",
    )
    saved = {
        s.contribution.name: (
            s.status,
            s.military,
            s.total,
            s.qualifier,
            s.start_date,
            s.start_precision,
            s.end_date,
            s.end_precision,
            s.location,
        )
        for s in Statement.objects.filter(document=letter).select_related("contribution")
    }
    assert saved == {
        "infantry company": (
            "new", 170, None, "at_most", date(2025, 10, 1), Precision.MONTH,
            date(2026, 10, 1), Precision.DAY, "paragraph 2",
        ),
        "Field HUMINT team": (
            "extended", None, 10, "at_most", None, "", date(2027, 12, 31), Precision.DAY,
            "paragraph 2",
        ),
    }  # fmt: skip
    company = Statement.objects.get(document=letter, contribution=althea["company"])
    assert company.quote == (
        "Het kabinet heeft besloten tot inzet van een infanteriecompagnie van de Koninklijke "
        "Landmacht ten behoeve van het multinationaal bataljon van EUFOR Althea. Dit is een "
        "inzet van maximaal 175 militairen voor de duur van één jaar, van oktober 2025 tot en "
        "met 1 oktober 2026."
    )
    # No contribution was made for the unticked proposal; every row says who and why.
    assert Contribution.objects.filter(mission=althea["mission"]).count() == 2
    for record in (letter, *Statement.objects.filter(document=letter)):
        last = record.history.latest()
        assert (last.history_change_reason, last.history_user) == (REASON, analyst)


def test_it_creates_a_new_mission_and_contribution_when_asked(analyst_client, db) -> None:
    organization, region = f.organization(acronym="NATO"), f.region(name="Baltic")
    text = letter_text("defensie-huidige-missies-snapshot-A-older.txt")
    data = posted(review(analyst_client, text))
    data.update(
        {
            "document-date": "1 maart 2019",
            "document-title": "Huidige missies (defensie.nl)",
            "p0-new_mission_organization": str(organization.pk),
            "p0-new_mission_region": str(region.pk),
        }
    )
    for row in range(1, 4):
        del data[f"p{row}-include"]
    response = analyst_client.post(URL, data)
    assert response.status_code == 302
    mission = Mission.objects.get(name="Resolute Support")
    assert (mission.organization, mission.region) == (organization, region)
    (statement,) = Statement.objects.all()
    assert (statement.contribution.name, statement.military, statement.status) == (
        "militairen",
        230,
        "continued",
    )
    assert mission.history.latest().history_change_reason == REASON


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"p0-end": "eind smarch 2028"}, "&quot;eind smarch 2028&quot; is not a date"),
        ({"p0-military": "-5"}, "A personnel count cannot be negative."),
        ({"p0-start": "1 januari 2030"}, "The end cannot be before the start."),
        ({"document-date": "april 2025"}, "&quot;april 2025&quot; is not one day"),
        ({"document-title": ""}, "This field is required."),
        ({"p1-existing_contribution": ""}, "Choose the contribution or name a new one."),
        ({"p2-existing_mission": ""}, "Choose the mission or name a new one."),
        ({"p1-existing_contribution": "COMPANY"}, "Another ticked statement is about the same"),
    ],
)
def test_it_writes_nothing_when_anything_is_wrong(analyst_client, althea, change, message):
    data = posted(review(analyst_client))
    if change.get("p1-existing_contribution") == "COMPANY":
        change = {"p1-existing_contribution": str(althea["company"].pk)}
    data.update(change)
    before = counts()
    response = analyst_client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was registered." in response.content.decode()
    assert counts() == before


def test_it_refuses_a_letter_registered_before(analyst_client, real_data) -> None:
    data = posted(review(analyst_client))
    before = counts()
    response = analyst_client.post(URL, data)
    assert response.status_code == 400
    assert "A document with this dossier and number exists." in response.content.decode()
    assert counts() == before


def test_it_ignores_unticked_proposals_even_when_they_are_wrong(analyst_client, althea) -> None:
    data = posted(review(analyst_client))
    for row in range(3):
        del data[f"p{row}-include"]
    data["p1-military"] = "not a number"
    response = analyst_client.post(URL, data)
    assert response.status_code == 302
    assert Statement.objects.count() == 0
    assert SourceDocument.objects.filter(number="494").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("brief.txt", b""), "The submitted file is empty."),
        (SimpleUploadedFile("scan.pdf", scanned_pdf()), "The PDF has no text layer"),
        (SimpleUploadedFile("brief.txt", bytes(range(256)) * 20), "This is not a text file"),
        (SimpleUploadedFile("letter.txt", b"The cabinet informs the House of the decision. " * 9),
         "This text does not read as Dutch."),
    ],
)  # fmt: skip
def test_it_refuses_bad_input_with_a_message_and_writes_nothing(
    analyst_client, db, upload, message
):
    before = counts()
    response = analyst_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == before


BIG_PDF = b"%PDF-1.4" + b"0" * (20 * 1024 * 1024)


def test_it_refuses_a_20_mb_pdf_before_reading_it(analyst_client, db) -> None:
    # The server's request limit (REQUEST_MAX_BYTES, 6 MiB) answers first.
    before = counts()
    response = analyst_client.post(URL, {"file": SimpleUploadedFile("brief.pdf", BIG_PDF)})
    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()
    assert counts() == before


def test_it_refuses_a_file_over_its_own_limit_when_the_server_takes_more(
    analyst_client, db, settings
) -> None:
    settings.REQUEST_MAX_BYTES = 30 * 1024 * 1024
    before = counts()
    response = analyst_client.post(URL, {"file": SimpleUploadedFile("brief.pdf", BIG_PDF)})
    assert response.status_code == 400
    assert "The file is 20.0 MB; at most 10 MB can be read." in response.content.decode()
    assert counts() == before


def test_it_reads_an_uploaded_pdf(analyst_client, althea) -> None:
    upload = SimpleUploadedFile("brief.pdf", pdf_with_text(letter_text()))
    response = analyst_client.post(URL, {"file": upload})
    assert response.status_code == 200
    assert response.context["document_form"]["number"].value() == "494"
    assert len(response.context["rows"]) == 3


def test_it_refuses_both_text_and_file_and_neither(analyst_client, db) -> None:
    upload = SimpleUploadedFile("brief.txt", letter_text().encode())
    both = analyst_client.post(URL, {"text": letter_text(), "file": upload})
    assert "Paste the text or choose a file, not both." in both.content.decode()
    neither = analyst_client.post(URL, {"text": "  "})
    assert "Paste the letter&#x27;s text or choose its file." in neither.content.decode()
    assert (both.status_code, neither.status_code) == (400, 400)


def test_it_refuses_a_tampered_letter_text_on_confirm(analyst_client, althea) -> None:
    data = posted(review(analyst_client))
    data["letter_text"] = ""
    before = counts()
    response = analyst_client.post(URL, data)
    assert response.status_code == 400
    assert counts() == before


def test_it_registers_an_inferred_date_as_inferred_with_how(analyst_client, althea) -> None:
    text = letter_text().replace(
        "van oktober 2025 tot\nen met 1 oktober 2026", "vanaf oktober 2025"
    )
    assert "vanaf oktober 2025" in text
    data = posted(review(analyst_client, text))
    for row in (1, 2):
        del data[f"p{row}-include"]
    assert analyst_client.post(URL, data).status_code == 302
    saved = Statement.objects.get(contribution=althea["company"], document__number="494")
    assert (saved.start_date, saved.end_date) == (date(2025, 10, 1), date(2026, 9, 30))
    assert (saved.start_inferred, saved.end_inferred) == (False, True)
    assert saved.inference_note == "end counted from the start: 'voor de duur van één jaar'"


def test_it_reads_with_as_many_queries_however_large_the_tracker(
    analyst_client, althea, django_assert_num_queries
) -> None:
    # Session and user, the missions to match, the contributions of the missions named, and
    # per proposal the chosen mission and contribution (the selects render only the choice).
    with django_assert_num_queries(20):
        review(analyst_client)
    for _ in range(60):
        f.contribution(mission=f.mission())
    with django_assert_num_queries(20):
        review(analyst_client)
