"""Who may read the API: tokens (hashed, revocable, logged, throttled), sessions, permissions."""

from __future__ import annotations

import hashlib
import logging

import pytest
from django.core.cache import cache
from django.test import Client

from missions.api.models import ApiToken, hash_key
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/missions/"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def with_token(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_it_lets_a_viewers_token_read_and_logs_the_use_with_the_user(viewer, caplog):
    caplog.set_level(logging.INFO, logger="missions.api")
    factories.mission(name="UNTSO")
    token, key = factories.api_token(viewer, "weekly note")

    response = with_token(key).get(URL)

    assert response.status_code == 200
    assert [m["name"] for m in response.json()["results"]] == ["UNTSO"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert [r.getMessage() for r in caplog.records if r.name == "missions.api"] == [
        f"API token {key[:8]} (weekly note) used by viewer: GET {URL}"
    ]


def test_it_stores_only_the_hash_of_a_key(viewer):
    token, key = factories.api_token(viewer)

    stored = ApiToken.objects.values_list("prefix", "key_hash").get(pk=token.pk)

    # The key's first 8 characters (to recognise it in a list) and its plain SHA-256.
    assert stored == (key[:8], hashlib.sha256(key.encode()).hexdigest())
    assert key not in str(ApiToken.objects.values().get(pk=token.pk))


def test_it_refuses_a_revoked_token_with_401(viewer):
    token, key = factories.api_token(viewer)
    token.revoke()

    response = with_token(key).get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", [None, "Token", "Token a b", "Token not-a-key", "Basic eA=="])
def test_it_refuses_anonymous_and_bad_credentials_with_401(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()

    response = client.get(URL)

    assert response.status_code == 401
    assert "detail" in response.json()


def test_it_refuses_a_token_of_an_inactive_user_with_401(viewer):
    _token, key = factories.api_token(viewer)
    viewer.is_active = False
    viewer.save()

    assert with_token(key).get(URL).status_code == 401


def test_it_refuses_a_user_without_the_view_permission_with_403(outsider, caplog):
    _token, key = factories.api_token(outsider)

    response = with_token(key).get(URL)
    session = Client()
    session.force_login(outsider)

    assert response.status_code == 403
    assert session.get("/api/v1/contributions/").status_code == 403
    assert any(r.name == "django.request" and "Forbidden" in r.getMessage() for r in caplog.records)


def test_it_throttles_per_token_with_429_and_retry_after(viewer, analyst, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    _token, key = factories.api_token(viewer)
    _other, other_key = factories.api_token(analyst)
    client = with_token(key)

    statuses = [client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another token has its own allowance.
    assert with_token(other_key).get(URL).status_code == 200


def test_it_has_no_write_endpoints(viewer):
    _token, key = factories.api_token(viewer)
    mission = factories.mission(name="UNTSO")
    client = with_token(key)

    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/missions/{mission.pk}/", {"name": "X"}, content_type="application/json"
        )
        assert response.status_code == 405, method
    mission.refresh_from_db()
    assert mission.name == "UNTSO"


# --- /account/tokens/ --------------------------------------------------------------------------


def test_it_creates_a_token_and_shows_its_key_once(viewer_client, viewer):
    response = viewer_client.post("/account/tokens/", {"name": "  weekly note "})

    assert response.status_code == 302
    token = ApiToken.objects.get(user=viewer)
    assert token.name == "weekly note"
    page = viewer_client.get("/account/tokens/").content.decode()
    key = page.split('<code class="token-key">')[1].split("</code>")[0]
    assert hash_key(key) == token.key_hash
    assert with_token(key).get(URL).status_code == 200
    again = viewer_client.get("/account/tokens/").content.decode()
    assert key not in again
    assert token.prefix in again


def test_it_refuses_a_token_without_a_name(viewer_client, viewer):
    response = viewer_client.post("/account/tokens/", {"name": "   "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_lists_only_the_users_own_tokens(viewer_client, viewer, analyst):
    factories.api_token(viewer, "mine")
    factories.api_token(analyst, "not mine")

    page = viewer_client.get("/account/tokens/").content.decode()

    assert "mine" in page
    assert "not mine" not in page


def test_it_revokes_a_token_of_the_user_but_not_of_another(viewer_client, viewer, analyst):
    mine, key = factories.api_token(viewer)
    theirs, _ = factories.api_token(analyst)

    assert viewer_client.post(f"/account/tokens/{mine.pk}/revoke/").status_code == 302
    assert viewer_client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert viewer_client.get(f"/account/tokens/{mine.pk}/revoke/").status_code == 405

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_revoked and not theirs.is_revoked
    assert with_token(key).get(URL).status_code == 401


def test_it_lets_a_superuser_revoke_any_token_in_the_admin(admin_client, viewer):
    token, key = factories.api_token(viewer)

    response = admin_client.post(
        "/admin/missions/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    assert with_token(key).get(URL).status_code == 401
