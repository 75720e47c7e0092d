"""Which missions the alerts page lists to tick: all of a small directory; of a large one, those
followed and those a search finds (every mission of 40,129 as a checkbox took 6.6 s)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.alerts import views
from missions.alerts.digest import next_digest
from missions.alerts.models import AlertSettings, Follow
from missions.models import Mission
from tests import factories

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    """The labels of the mission checkboxes on the page, in their order."""
    html = response.content.decode()
    return re.findall(
        r'<input type="checkbox" name="missions" value="\d+"[^>]*>\s*([^<]+?)\s*<', html
    )


@pytest.fixture
def directory(db) -> dict[str, Mission]:
    names = ["EUFOR Althea", "EUNAVFOR Aspides", "EUNAVFOR Atalanta", "UNTSO", "UNIFIL"]
    return {name: factories.mission(name=name, acronym="") for name in names}


@pytest.fixture
def large(monkeypatch, directory):
    """The same five missions count as a large directory."""
    monkeypatch.setattr(views, "LISTED_MISSIONS", 4)
    return directory


def test_a_small_directory_lists_every_mission_and_no_search(viewer_client, directory):
    response = viewer_client.get("/account/alerts/")

    assert response.status_code == 200
    assert listed(response) == sorted(directory)
    assert 'name="q"' not in response.content.decode()


def test_on_the_bound_every_mission_is_still_listed(viewer_client, monkeypatch, directory):
    monkeypatch.setattr(views, "LISTED_MISSIONS", 5)
    assert len(listed(viewer_client.get("/account/alerts/"))) == 5
    monkeypatch.setattr(views, "LISTED_MISSIONS", 4)
    assert listed(viewer_client.get("/account/alerts/")) == []


def test_a_large_directory_lists_the_followed_missions_and_those_found(
    viewer_client, viewer, large
):
    Follow.objects.create(user=viewer, mission=large["UNTSO"])

    page = viewer_client.get("/account/alerts/")
    assert listed(page) == ["UNTSO"]
    assert "The list below holds the missions you follow." in page.content.decode()

    found = viewer_client.get("/account/alerts/", {"q": "eunavfor"})
    assert listed(found) == ["EUNAVFOR Aspides", "EUNAVFOR Atalanta", "UNTSO"]
    assert "and the 2 missions found for “eunavfor”" in found.content.decode()
    # Every word must match.
    assert listed(viewer_client.get("/account/alerts/", {"q": "eunavfor asp"})) == [
        "EUNAVFOR Aspides",
        "UNTSO",
    ]
    nothing = viewer_client.get("/account/alerts/", {"q": "minusma"})
    assert listed(nothing) == ["UNTSO"]
    assert "No mission's name or acronym holds “minusma”." in nothing.content.decode()


def test_it_says_when_a_search_finds_more_than_it_lists(viewer_client, monkeypatch, large):
    monkeypatch.setattr(views, "FOUND_MISSIONS", 2)

    response = viewer_client.get("/account/alerts/", {"q": "eu"})

    assert listed(response) == ["EUFOR Althea", "EUNAVFOR Aspides"]
    assert "the first 2 missions found for “eu”: narrow the search" in response.content.decode()


def test_ticking_a_found_mission_follows_it_and_unticking_a_followed_one_stops(
    viewer_client, viewer, large
):
    Follow.objects.create(user=viewer, mission=large["UNTSO"])
    aspides = large["EUNAVFOR Aspides"]

    response = viewer_client.post(
        "/account/alerts/?q=aspides", {"horizon_months": "3", "missions": [aspides.pk]}
    )

    assert response.status_code == 302
    followed = Follow.objects.filter(user=viewer).values_list("mission__name", flat=True)
    assert list(followed) == ["EUNAVFOR Aspides"]
    assert listed(viewer_client.get("/account/alerts/")) == ["EUNAVFOR Aspides"]


def test_a_mission_that_does_not_exist_is_refused_and_nothing_changes(viewer_client, viewer, large):
    Follow.objects.create(user=viewer, mission=large["UNTSO"])

    response = viewer_client.post("/account/alerts/", {"horizon_months": "3", "missions": [0]})

    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert list(Follow.objects.filter(user=viewer).values_list("mission__name", flat=True)) == [
        "UNTSO"
    ]


def test_a_search_too_long_is_refused(viewer_client, large):
    response = viewer_client.get("/account/alerts/", {"q": "x" * 201})

    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()


def test_the_page_runs_as_many_queries_for_a_large_directory_as_for_a_small_one(
    viewer_client, viewer, monkeypatch, directory
):
    monkeypatch.setattr(views, "LISTED_MISSIONS", 10)
    Follow.objects.create(user=viewer, mission=directory["UNTSO"])
    viewer_client.get("/account/alerts/", {"q": "eu"})  # the session's first save

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/account/alerts/", {"q": "eu"}).status_code == 200
        return len(captured.captured_queries)

    small = queries()
    for number in range(300):
        factories.mission(name=f"EU mission {number:03}", acronym="")
    large = queries()
    # Beyond the bound: the count, the followed and found missions, and the search's ids (the
    # small directory reads its missions in one query instead).
    assert large == small + 1
    assert len(listed(viewer_client.get("/account/alerts/", {"q": "eu"}))) == 1 + 50


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_digest_reads_the_followed_missions_statements_not_every_statement(viewer):
    """From the user's follows to their missions' contributions and statements: an EXISTS per
    statement read every statement of the tracker (196 ms of the alerts page at 100,000)."""
    for _ in range(40):
        factories.portfolio(3)
    mission = factories.mission(name="Followed")
    followed = factories.statement(
        contribution=factories.contribution(mission=mission), end_date=date(2026, 12, 31)
    )
    AlertSettings.objects.create(user=viewer, horizon_months=3)
    Follow.objects.create(user=viewer, mission=mission)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as captured:
        digest = next_digest(viewer, date(2026, 12, 1))
    assert [s.pk for s in digest.ending] == [followed.pk]
    plans = []
    for query in captured.captured_queries:
        if "missions_statement" in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
                plans.append([str(row[-1]) for row in cursor.fetchall()])
    assert len(plans) == 2  # the mandates ending, the new statements
    for plan in plans:
        assert not any(step.startswith("SCAN missions_statement") for step in plan), plan
