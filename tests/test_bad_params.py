"""Garbage in the query string gives the page with a clear message, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missions.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db

FILTER_PARAMS = (
    "q",
    "organization",
    "region",
    "status",
    "present",
    "end_after",
    "end_before",
    "expires_within",
    "as_of",
    "document",
    "columns",
    "sort",
    "page",
)


@pytest.fixture
def data(db):
    f.statement(contribution=f.contribution(name="kept row"), status=Status.NEW)


def _names(response) -> list[str]:
    return [row.record.contribution.name for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("end_after=notadate", "Ends on or after: Enter a valid date."),
        ("end_before=31-31-2025", "Ends on or before: Enter a valid date."),
        ("as_of=2025-13-45", "As of: Enter a valid date."),
        ("expires_within=-3", "Ensure this value is greater than or equal to 0."),
        ("expires_within=abc", "Enter a number."),
        ("status=nope", "Select a valid choice. nope is not one of the available choices."),
        ("organization=abc", "Select a valid choice. abc is not one of the available choices."),
        ("region=Atlantis", "Select a valid choice. Atlantis is not one of the available"),
        ("document=99999999999999999999", "Select a valid choice. That choice is not one of"),
        ("document=abc", "Select a valid choice. That choice is not one of the available"),
        ("present=legs", "Select a valid choice. legs is not one of the available choices."),
    ],
)
def test_it_ignores_a_bad_filter_and_says_why(viewer_client, data, query, message):
    response = viewer_client.get(f"/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used and were not applied" in html
    assert message in html
    # The bad filter is left out, so the table is not emptied by it.
    assert _names(response) == ["kept row"]


def test_it_keeps_the_good_filters_when_one_is_bad(viewer_client, data):
    f.statement(contribution=f.contribution(name="other row"), status=Status.ENDED)
    response = viewer_client.get("/?status=new&end_after=notadate")
    assert _names(response) == ["kept row"]


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("page=99999", "There is no page 99999; showing page 1 of 1."),
        ("page=-2", "There is no page -2; showing page 1 of 1."),
        ("page=abc", "“abc” is not a page number; showing page 1."),
        ("sort=nonsense", "Cannot sort by nonsense; the default order is used."),
        ("columns=bogus", "Unknown columns ignored: bogus."),
    ],
)
def test_it_explains_a_state_it_cannot_show(viewer_client, data, query, notice):
    response = viewer_client.get(f"/?{query}")
    assert response.status_code == 200
    assert notice in response.content.decode()
    assert _names(response) == ["kept row"]


def test_it_shows_the_last_page_for_a_page_past_the_end(viewer_client):
    f.portfolio(60)
    response = viewer_client.get("/?page=99999")
    assert response.context["table"].page.number == 2
    assert len(_names(response)) == 10
    assert "There is no page 99999; showing page 2 of 2." in response.content.decode()


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=99999", "page=-1"])
def test_it_pages_the_documents_list_whatever_the_page(viewer_client, query):
    f.document(title="Only document")
    response = viewer_client.get(f"/documents/?{query}")
    assert response.status_code == 200
    assert "Only document" in response.content.decode()


@pytest.mark.parametrize("url", ["/missions/999999/", "/documents/999999/"])
def test_it_answers_404_for_an_unknown_mission_or_document(viewer_client, url):
    assert viewer_client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/dashboard/?x=%00", "/documents/?page=%00", "/?q=%00"])
def test_it_survives_nul_bytes(viewer_client, data, url):
    assert viewer_client.get(url).status_code < 500


text = st.text(max_size=40) | st.sampled_from(["-1", "0", "99999999999999999999", "2025-02-30"])


@settings(
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=st.dictionaries(st.sampled_from(FILTER_PARAMS), text, max_size=4))
def test_it_never_fails_on_arbitrary_filter_values(viewer_client, data, params):
    response = viewer_client.get("/", params)
    assert response.status_code < 500


def test_it_refuses_a_search_too_long_to_be_one(viewer_client, data):
    response = viewer_client.get("/", {"q": "word " * 100})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 499)." in response.content.decode()
    assert _names(response) == ["kept row"]
    # Many short words stay within the limit; only the first ten are searched.
    response = viewer_client.get("/", {"q": "kept " * 39 + "nothing-like-this"})
    assert _names(response) == ["kept row"]
