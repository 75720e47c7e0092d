"""Conditional GET: ETags from the data's version; 304 with a fixed, small number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from missions.models import Mission, Organization, Statement
from missions.models.data_version import current_version
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?status=extended&as_of=2025-05-01",
    "/dashboard/",
    "/documents/",
    "/reports/summary/",
    "/reports/expiring/?months=60",
    "/reports/changes/?from=2025-01-01&to=2025-12-31",
    "/reports/contributions/?format=csv",
    "/reports/summary/?format=xlsx",
]
API = [
    "/api/v1/contributions/?as_of=2025-05-01",
    "/api/v1/missions/",
    "/api/v1/documents/",
    "/api/v1/statements/",
    "/api/v1/reports/summary/",
    "/api/v1/reports/expiring/",
    "/api/v1/reports/changes/",
]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


@pytest.mark.parametrize("url", PAGES)
def test_it_answers_a_page_or_download_with_304_in_a_fixed_number_of_queries(
    viewer_client, real_data, url, django_assert_num_queries
):
    first = viewer_client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]

    # Session, user, two for the permission, the data version; three to save the session.
    with django_assert_num_queries(8):
        second = viewer_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert second.status_code == 304
    assert second["ETag"] == etag
    assert second.content == b""


def _mission(pk: int) -> str:
    return f"/api/v1/missions/{pk}/"


@pytest.mark.parametrize("url", API)
def test_it_answers_an_api_call_with_a_token_with_304_in_five_queries(
    viewer, real_data, url, django_assert_num_queries
):
    _token, key = factories.api_token(viewer)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    etag = client.get(url)["ETag"]

    # The token and its user, its use stamped, two for the permission, the data version.
    with django_assert_num_queries(5):
        second = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert second.status_code == 304


def test_it_answers_200_with_the_new_data_after_a_new_statement(viewer_client, real_data):
    url = "/api/v1/contributions/?q=Aspides"
    first = viewer_client.get(url)
    page = viewer_client.get("/?q=Aspides")
    aspides = Statement.objects.get(
        contribution__mission__acronym="Aspides", document__number="497"
    )
    letter = factories.document(dossier="29521", number="510", date=date(2026, 1, 15))
    factories.statement(
        contribution=aspides.contribution,
        document=letter,
        status="ended",
        end_date=date(2026, 1, 31),
    )

    after = viewer_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    page_after = viewer_client.get("/?q=Aspides", HTTP_IF_NONE_MATCH=page["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    (row,) = after.json()["results"]
    assert (row["source"], row["status"], row["end"]) == ("29521-510", "ended", "2026-01-31")
    assert page_after.status_code == 200
    assert "29521-510" in page_after.content.decode()


def test_it_changes_the_etag_per_reader_language_and_day(
    viewer_client, analyst_client, real_data, settings
):
    url = "/api/v1/missions/"
    etag = viewer_client.get(url)["ETag"]

    assert viewer_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert analyst_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    dutch = viewer_client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.status_code == 200
    assert viewer_client.get(url + "?page=1", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_it_gives_no_304_to_a_user_who_lost_the_permission(viewer_client, viewer, real_data):
    etag = viewer_client.get("/")["ETag"]
    viewer.groups.clear()

    assert viewer_client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 403


def test_it_raises_the_version_on_bulk_updates_deletes_and_creates(db):
    org = factories.organization(acronym="EU")
    start = current_version()

    Organization.objects.filter(pk=org.pk).update(name="European Union")
    after_update = current_version()
    m = factories.mission(organization=org)
    after_create = current_version()
    Mission.objects.bulk_create(
        [Mission(name=f"M{i}", organization=org, region=m.region) for i in range(3)]
    )
    after_bulk = current_version()
    Mission.objects.filter(name__startswith="M").delete()
    after_delete = current_version()

    assert start < after_update < after_create < after_bulk < after_delete


def test_it_keeps_the_version_when_nothing_is_written(viewer_client, real_data):
    before = current_version()

    for url in PAGES + API:
        viewer_client.get(url)

    assert current_version() == before
