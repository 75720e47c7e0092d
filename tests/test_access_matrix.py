"""Who may do what, for EVERY URL of the project: the access matrix of issue 4.

The URLs are not listed here: they are read from the URL resolver (admin included), and path
parameters are filled with ids of objects made below, so that a page added later is checked
without touching this file. For each URL, four personas (anonymous, viewer, analyst, superuser)
and two methods (GET, POST):

- anonymous is sent to the login page, except on the few PUBLIC URLs;
- a viewer gets 403 on every admin page and on the import; an analyst on deleting, on the
  account admin and the login records; each refusal is logged;
- a refused request changes nothing in the database. Refused POSTs carry a body that would
  change or delete data if it were accepted (confirm-delete, bulk delete of every row, new names).

The enumeration and the filling of parameters live in tests/url_matrix.py. When a new URL needs a
parameter it cannot fill, test_it_fills_every_url fails and says which: add to PARAM_HINTS there.
"""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.shortcuts import resolve_url
from django.test import Client, RequestFactory

from missions.roles import ensure_roles
from tests import factories
from tests.conftest import PASSWORD
from tests.url_matrix import Route, all_routes, ids_of, query_for, url_for

# URLs anyone may open without logging in (by "namespace:name").
PUBLIC = {"login", "admin:login", "set_language"}
# What a logged-in user without any role may still do: leave, and look after their own
# account (password, second factor).
FOR_ANY_ACCOUNT = {
    "logout",
    "account:password_change",
    "account:password_change_done",
    "account:two_factor_enrol",
    "account:two_factor_verify",
}
# Refused with 403 for viewers, besides the whole admin: any URL whose name mentions "import".
IMPORT_WORD = "import"
# Admin URLs that answer 404 by design even for a superuser: the catch-all for unknown admin
# paths, and "view on site" for models without a public page.
NOT_FOUND_BY_DESIGN = {"admin:view_on_site", "<admin catch-all>"}
# Apps whose admin is for superusers only (accounts, login records).
SUPERUSER_APPS = {"auth", "axes"}
# Tables that a request may legitimately change even when refused: sessions and login records.
VOLATILE = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}

# "outsider": logged in, in no group. Every page that forgets its permission check lets such a
# user in, which the other personas cannot show (each has a role that grants the page).
PERSONAS = ("anonymous", "outsider", "viewer", "analyst", "superuser")
METHODS = ("get", "post")

LOGIN, FORBIDDEN, ALLOWED, PUBLIC_PAGE = "login", "forbidden", "allowed", "public"
# The read API answers anonymous requests with 401 (scripts cannot follow a login page).
UNAUTHORIZED = "unauthorized"
# Admin pages of these missions models are for superusers only (every user's API tokens).
SUPERUSER_MODELS = {"missions.apitoken"}


def expected(route: Route, persona: str) -> str:
    if persona == "anonymous":
        if "api" in route.namespaces:
            return UNAUTHORIZED
        return PUBLIC_PAGE if route.name in PUBLIC else LOGIN
    if persona == "outsider":
        if route.is_admin:
            return FORBIDDEN  # the admin's own login page too: this account is no staff
        return ALLOWED if route.name in PUBLIC | FOR_ANY_ACCOUNT else FORBIDDEN
    is_import = IMPORT_WORD in route.url_name
    if persona == "viewer":
        return FORBIDDEN if route.is_admin or is_import else ALLOWED
    if persona == "analyst" and route.is_admin:
        model = route.admin_model
        if model is not None and (
            model._meta.app_label in SUPERUSER_APPS or model._meta.label_lower in SUPERUSER_MODELS
        ):
            return FORBIDDEN
        if route.url_name.endswith("_delete"):
            return FORBIDDEN
    return ALLOWED


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table a request could damage (sessions and login records aside)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in VOLATILE:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        state[label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return state


def destructive_body() -> dict[str, object]:
    """What a refused POST sends: it would delete, rename or create if it got through."""
    every_pk = [
        pk for model in apps.get_app_config("missions").get_models() for pk in ids_of(model)
    ]
    return {
        "post": "yes",  # confirms a delete page
        "action": "delete_selected",
        "_selected_action": every_pk,
        "select_across": "1",
        "index": "0",
        "name": "Changed by a refused request",
        "acronym": "CHANGED",
        "title": "Changed",
        "username": "intruder",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "_save": "Save",
        "confirm": "yes",
    }


@pytest.fixture
def world(db, outsider, viewer, analyst, superuser) -> dict[str, User | None]:
    """Objects for every URL parameter: tracker records with history, and login records."""
    statements = factories.portfolio(3)
    statement = statements[0]
    statement.notes = "Edited once, so that it has a change in its history."
    statement.save()
    factories.statement(contribution=statement.contribution, document=factories.document())
    factories.mission_statement(mission=statement.contribution.mission)
    # One deleted record of each tracker model, for the pages that list and recover deletions.
    doomed = factories.statement()
    contribution, document = doomed.contribution, doomed.document
    mission = contribution.mission
    said = factories.mission_statement(mission=mission, document=document)
    for record in (
        said,
        doomed,
        contribution,
        document,
        mission,
        mission.organization,
        mission.region,
    ):
        record.delete()
    # An API token, for its admin pages (superusers only).
    factories.api_token(viewer, "matrix")
    # A failed and a successful login (of another user, which keeps the failure), so that the
    # login-record admin pages have rows.
    Client().post(resolve_url("login"), {"username": "viewer", "password": "wrong"})
    Client().post(resolve_url("login"), {"username": "analyst", "password": PASSWORD})
    # The roles exactly as the migration makes them, even after another module's test emptied
    # the tables (the persona fixtures then fall back to approximate groups).
    ensure_roles()
    assert Group.objects.filter(name__in=["Analyst", "Viewer"]).count() == 2
    return {
        "anonymous": None,
        "outsider": outsider,
        "viewer": viewer,
        "analyst": analyst,
        "superuser": superuser,
    }


def request(client: Client, route: Route, url: str, persona: str, method: str, destructive: dict):
    if method == "get":
        return client.get(url + query_for(route))
    body = destructive if expected(route, persona) in (LOGIN, FORBIDDEN) else {}
    return client.post(url, body)


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    target = response["Location"].split("?")[0]
    return target in {resolve_url(settings.LOGIN_URL), resolve_url("admin:login")} and (
        "next=" in response["Location"]
    )


def refusal_logged(records: list[logging.LogRecord]) -> bool:
    return any(
        r.levelno >= logging.WARNING
        and r.name.startswith(("django.request", "django.security", "missions"))
        for r in records
    )


def denied_by_design(route: Route, user: User | None) -> bool:
    """An admin page its ModelAdmin denies to everybody, superusers too (the read-only login
    records: nobody adds a login attempt by hand)."""
    model = route.admin_model
    if model is None or user is None or model not in admin.site._registry:
        return False
    model_admin = admin.site._registry[model]
    fake = RequestFactory().get("/")
    fake.user = user
    for suffix, allowed in (
        ("_add", model_admin.has_add_permission),
        ("_delete", model_admin.has_delete_permission),
    ):
        if route.url_name.endswith(suffix) and not allowed(fake):
            return True
    return False


def followed(response, client: Client):
    """The admin answers some old URLs (``<id>/``) with a redirect to the real page before it
    checks permissions; judge the page it redirects to."""
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    if location.startswith("/") and not is_login_redirect(response):
        return client.get(location)
    return response


def check(route: Route, persona: str, method: str, response, records, changed: bool) -> str | None:
    """The problem with one request, or None."""
    outcome = expected(route, persona)
    if outcome == FORBIDDEN:
        response = followed(response, response.client)
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if outcome == LOGIN:
        if not is_login_redirect(response):
            return f"expected a redirect to the login page, got {status}"
    elif outcome == UNAUTHORIZED:
        if status != 401:
            return f"expected 401, got {status}"
    elif outcome == FORBIDDEN:
        if status == 405 and method == "post":
            pass  # a GET-only view refuses the method before it asks who is there
        elif status != 403:
            return f"expected 403, got {status}"
        elif not refusal_logged(records):
            return "403 without a log record"
    else:
        if is_login_redirect(response):
            return "sent to the login page"
        if status == 403 and not (
            denied_by_design(route, response.wsgi_request.user)
            or (persona == "superuser" and route.name == "admin:autocomplete")
        ):
            return "refused with 403"
        if status == 404 and method == "get" and route.label not in NOT_FOUND_BY_DESIGN:
            return "404: the URL parameters name no existing object (add a PARAM_HINTS entry?)"
    refused = outcome in (LOGIN, FORBIDDEN, UNAUTHORIZED) or status >= 400
    if refused and changed:
        return f"refused ({status}) but the database changed"
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_every_persona_exactly_its_rights_on_every_url(world, persona, caplog):
    caplog.set_level(logging.INFO)
    user = world[persona]
    client = Client(raise_request_exception=False)
    destructive = destructive_body()
    problems = []
    for route in all_routes():
        url = url_for(route)
        assert url, f"cannot build a URL for {route.label}"
        for method in METHODS:
            if user is not None and SESSION_KEY not in client.session:
                client.force_login(user)  # again after a logout URL
            # A GET that is let through cannot change data worth a snapshot; the rest can.
            watched = method == "post" or expected(route, persona) in (
                LOGIN,
                FORBIDDEN,
                UNAUTHORIZED,
            )
            before = snapshot() if watched else None
            caplog.clear()
            response = request(client, route, url, persona, method, destructive)
            changed = watched and snapshot() != before
            problem = check(route, persona, method, response, caplog.records, changed)
            if problem:
                problems.append(f"{method.upper()} {route.label} ({url}): {problem}")
    assert not problems, f"{persona}:\n" + "\n".join(problems)


def test_it_fills_every_url(world):
    unfilled = [route.label for route in all_routes() if url_for(route) is None]
    assert not unfilled, f"no URL could be built for: {unfilled}"


def test_it_covers_the_admin_pages_of_every_registered_model(world):
    names = {route.name for route in all_routes()}
    for model in admin.site._registry:
        opts = model._meta
        for page in ("changelist", "add", "change", "delete", "history"):
            assert f"admin:{opts.app_label}_{opts.model_name}_{page}" in names
    assert {"login", "logout", "admin:index", "missions:contributions"} <= names


def test_it_refuses_a_viewer_a_valid_admin_add_and_logs_it(world, viewer, caplog):
    client = Client()
    client.force_login(viewer)
    before = snapshot()

    response = client.post(
        "/admin/missions/organization/add/",
        {"name": "Western European Union", "acronym": "WEU", "notes": ""},
    )

    assert response.status_code == 403
    assert "Access refused" in response.content.decode()
    assert snapshot() == before
    refused = [r for r in caplog.records if r.name == "missions.security"]
    assert [r.getMessage() for r in refused] == [
        "Refused admin access for non-staff user 'viewer': POST /admin/missions/organization/add/"
    ]


def test_it_shows_a_viewer_a_403_page_instead_of_the_admin_login(world, viewer):
    client = Client()
    client.force_login(viewer)

    for path in ("/admin/", "/admin/login/", "/admin/missions/mission/"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Access refused" in response.content.decode()


def test_it_refuses_an_analyst_the_delete_confirmation(world, analyst, caplog):
    region = factories.region(name="Sahel")
    client = Client()
    client.force_login(analyst)

    response = client.post(f"/admin/missions/region/{region.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert factories.Region.objects.filter(pk=region.pk, name="Sahel").exists()
    assert any("Forbidden" in r.getMessage() for r in caplog.records if r.name == "django.request")


def test_it_refuses_an_analyst_the_account_admin(world, analyst):
    client = Client()
    client.force_login(analyst)

    response = client.post(
        "/admin/auth/user/add/",
        {"username": "intruder", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_it_sends_anonymous_users_to_the_login_page_with_the_way_back(db):
    response = Client().get("/admin/missions/mission/?o=1")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/missions/mission/%3Fo%3D1"


def test_it_keeps_the_matrix_rules_explicit():
    """The rules above in one table, so that a change to them is a visible decision.

    Columns: anonymous, outsider (no role), viewer, analyst, superuser."""
    route = Route(
        "admin:missions_region_delete",
        "admin/missions/region/(?P<object_id>.+)/delete/",
        print,
        ("admin",),
    )
    assert [expected(route, p) for p in PERSONAS] == [
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        ALLOWED,
    ]
    page = Route("missions:contributions", "", print, ("missions",))
    assert [expected(page, p) for p in PERSONAS] == [LOGIN, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED]
    importer = Route("missions:import_preview", "", print, ("missions",))
    assert [expected(importer, p) for p in PERSONAS] == [
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        ALLOWED,
        ALLOWED,
    ]
    login = Route("login", "", print, ())
    assert [expected(login, p) for p in PERSONAS] == [
        PUBLIC_PAGE,
        ALLOWED,
        ALLOWED,
        ALLOWED,
        ALLOWED,
    ]
    own_password = Route("account:password_change", "", print, ("account",))
    assert [expected(own_password, p) for p in PERSONAS] == [
        LOGIN,
        ALLOWED,
        ALLOWED,
        ALLOWED,
        ALLOWED,
    ]
    admin_login = Route("admin:login", "", print, ("admin",))
    assert [expected(admin_login, p) for p in PERSONAS] == [
        PUBLIC_PAGE,
        FORBIDDEN,
        FORBIDDEN,
        ALLOWED,
        ALLOWED,
    ]
    api = Route("api:contributions", "api/v1/contributions/", print, ("api",))
    assert [expected(api, p) for p in PERSONAS] == [
        UNAUTHORIZED,
        FORBIDDEN,
        ALLOWED,
        ALLOWED,
        ALLOWED,
    ]
    users = Route("admin:auth_user_changelist", "", print, ("admin",))
    assert [expected(users, p) for p in PERSONAS] == [
        LOGIN,
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        ALLOWED,
    ]


def test_it_catches_a_page_that_forgets_its_permission_check_for_a_user_with_no_role(
    world, outsider, caplog
):
    """A view with only a login check lets every account in: the viewer, analyst and superuser
    rows cannot show it (their roles grant the page), the outsider row does."""
    route = next(r for r in all_routes() if r.name == "missions:dashboard")
    client = Client(raise_request_exception=False)
    client.force_login(outsider)

    refused = client.get(url_for(route))
    protected = check(route, "outsider", "get", refused, caplog.records, changed=False)
    # The same page without its permission check: only logged in, it answers 200.
    let_in = client.get("/login/")
    unprotected = check(route, "outsider", "get", let_in, caplog.records, changed=False)

    assert (refused.status_code, protected) == (403, None)
    assert (let_in.status_code, unprotected) == (200, "expected 403, got 200")
    assert check(route, "viewer", "get", let_in, caplog.records, changed=False) is None
