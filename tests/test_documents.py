"""The documents list (newest first) and each document with every statement it made."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.models import DocumentKind, Qualifier, StatementKind, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_lists_documents_newest_first_with_their_statement_counts(viewer_client):
    old = f.document(dossier="29521", number="493", date=date(2025, 4, 4))
    new = f.document(dossier="29521", number="497", date=date(2025, 5, 23))
    f.document(kind=DocumentKind.COUNCIL_REPORT, dossier="", number="", title="Council report")
    f.statement(document=old)
    f.statement(document=old)
    f.statement(document=new)
    response = viewer_client.get("/documents/")
    listed = [(d.reference, d.statement_count) for d in response.context["page"].object_list]
    assert listed == [("29521-497", 1), ("29521-493", 2), ("Council report", 0)]
    html = response.content.decode()
    assert f'href="/documents/{new.pk}/">29521-497</a>' in html
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html"' in html


def test_it_shows_every_statement_of_a_document(viewer_client):
    document = f.document(
        dossier="29521", number="497", date=date(2025, 5, 23), title="Verslag schriftelijk overleg"
    )
    aspides = f.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    f.statement(
        contribution=f.contribution(mission=aspides, name="national staff"),
        document=document,
        kind=StatementKind.CORRECTION,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        start_date=date(2024, 2, 1),
        start_precision="month",
        end_date=date(2028, 6, 30),
        end_precision="month",
        location="answer 11",
        quote="Per abuis is vermeld dat ...",
    )
    f.statement(
        contribution=f.contribution(name="air tanker capacity (MRTT)"),
        document=document,
        status=Status.NOT_FEASIBLE,
    )
    f.statement(contribution=f.contribution(name="elsewhere"))  # another document
    response = viewer_client.get(f"/documents/{document.pk}/")
    html = response.content.decode()
    # "EUNAVFOR Aspides" sorts before the factory's "Mission n".
    assert [s.contribution.name for s in response.context["statements"]] == [
        "national staff",
        "air tanker capacity (MRTT)",
    ]
    assert "elsewhere" not in html
    assert "<h1>Kamerstuk 29521, nr. 497</h1>" in html
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html"' in html
    assert '<strong class="label label-correction">Correction</strong>' in html
    assert '<span class="badge status-extended">extended</span>' in html
    assert '<span class="badge status-not_feasible">not feasible</span>' in html
    assert "<li>total: ~10</li>" in html
    assert "<li>military: not stated</li>" in html
    assert "<dd>February 2024 \u2013 end of June 2028</dd>" in html
    assert "<dd>answer 11</dd>" in html
    assert "Per abuis is vermeld dat ..." in html


def test_it_orders_the_statements_by_mission_and_contribution(viewer_client):
    document = f.document()
    alpha = f.mission(name="Alpha")
    zulu = f.mission(name="Zulu")
    f.statement(contribution=f.contribution(mission=zulu, name="b"), document=document)
    f.statement(contribution=f.contribution(mission=alpha, name="z"), document=document)
    f.statement(contribution=f.contribution(mission=alpha, name="a"), document=document)
    html = viewer_client.get(f"/documents/{document.pk}/").content.decode()
    headings = re.findall(r'<h3><a href="/missions/\d+/">([^<]+)</a>: (\w)', html)
    assert [contribution for _, contribution in headings] == ["a", "z", "b"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_runs_as_many_queries_for_many_statements_as_for_few(viewer_client):
    document = f.document()
    f.statement(document=document)
    urls = (f"/documents/{document.pk}/", "/documents/")
    viewer_client.get(urls[0])
    few = [_queries(viewer_client, url) for url in urls]
    for _ in range(30):
        f.statement(document=document)
        f.document()
    many = [_queries(viewer_client, url) for url in urls]
    assert few == many == [9 + 1, 9 + 1]  # + the data version, for the ETag
