"""The current rule once: ``Contribution.objects.with_current()``, built on
``Statement.objects.as_of()``, gives the admin list, the mission page and the API the statement
the table shows; their query counts are pinned."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from missions.models import Contribution, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

# Session and user, the organization and region filters' options, the two counts, the page of
# contributions (the current statement's status and end by subqueries in the same query), the
# session save (3); the same as main's four hand-written subqueries.
ADMIN_CONTRIBUTIONS_QUERIES = 10
# As tests/test_mission_page.py: the mission, its mission statements, its statements, its
# contributions with their current statement's id (one query), session, ETag.
MISSION_PAGE_QUERIES = 12


@pytest.fixture
def contribution() -> Contribution:
    """Three statements: an older one, one from the same day with a higher document id (it
    wins the tie), and one from a document dated after today (not in force yet)."""
    today = timezone.localdate()
    mission = f.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    staff = f.contribution(mission=mission, name="national staff")
    first = f.document(date=today - timedelta(days=10))
    same_day = f.document(date=today - timedelta(days=10))
    future = f.document(date=today + timedelta(days=5))
    f.statement(contribution=staff, document=first, status=Status.NEW)
    f.statement(contribution=staff, document=same_day, status=Status.EXTENDED)
    f.statement(contribution=staff, document=future, status=Status.ENDED)
    f.contribution(mission=mission, name="planners")  # no statement yet
    return staff


def test_with_current_takes_the_statement_in_force_today(contribution):
    rows = {
        c.name: c
        for c in Contribution.objects.with_current(fields=("status", "end_date")).filter(
            mission=contribution.mission
        )
    }
    assert rows["national staff"].current_status == Status.EXTENDED
    assert rows["planners"].current_status is None
    assert rows["planners"].current_statement_id is None


def test_with_current_on_a_past_day_takes_what_was_in_force_then(contribution):
    before = timezone.localdate() - timedelta(days=11)
    row = Contribution.objects.with_current(before, fields=("status",)).get(pk=contribution.pk)
    assert row.current_status is None
    later = timezone.localdate() + timedelta(days=5)
    row = Contribution.objects.with_current(later, fields=("status",)).get(pk=contribution.pk)
    assert row.current_status == Status.ENDED


def test_the_admin_the_mission_page_the_api_and_the_table_agree(
    admin_client, viewer_client, contribution
):
    extended = '<span class="badge status-extended">extended</span>'
    admin = admin_client.get(reverse("admin:missions_contribution_changelist")).content.decode()
    assert extended in _row(admin, "national staff")
    page = viewer_client.get(f"/missions/{contribution.mission_id}/")
    current = dict(page.context["contributions"])
    assert current[contribution].status == Status.EXTENDED
    assert extended in _row(page.content.decode(), "national staff")
    table = viewer_client.get("/").content.decode()
    assert extended in _row(table, "national staff")
    api = viewer_client.get(f"/api/v1/missions/{contribution.mission_id}/").json()
    shown = {c["name"]: c["current"] for c in api["contributions"]}
    assert shown["national staff"]["status"] == Status.EXTENDED
    assert shown["planners"] is None


def test_the_admin_contribution_list_runs_a_fixed_number_of_queries(
    admin_client, contribution, django_assert_num_queries
):
    url = reverse("admin:missions_contribution_changelist")
    admin_client.get(url)  # warm up: the session's first save differs
    for extra in (0, 30):
        for _ in range(extra):
            f.statement(contribution=f.contribution(), end_date=date(2027, 1, 1))
        with django_assert_num_queries(ADMIN_CONTRIBUTIONS_QUERIES):
            assert admin_client.get(url).status_code == 200


def test_the_mission_page_runs_a_fixed_number_of_queries(
    viewer_client, contribution, django_assert_num_queries
):
    url = f"/missions/{contribution.mission_id}/"
    viewer_client.get(url)
    for extra in (0, 20):
        for n in range(extra):
            other = f.contribution(mission=contribution.mission, name=f"extra {n}")
            f.statement(contribution=other, document=f.document(date=date(2025, 1, 1)))
        with django_assert_num_queries(MISSION_PAGE_QUERIES):
            assert viewer_client.get(url).status_code == 200


def _row(html: str, text: str) -> str:
    return next(row for row in re.findall(r"<tr.*?</tr>", html, re.DOTALL) if text in row)
