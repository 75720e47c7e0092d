"""The Analyst and Viewer roles: exact permissions, safe to create again, and the grant command."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command

from missions.roles import ANALYST, VIEWER, can_import, ensure_roles
from tests.conftest import PASSWORD

TRACKER_MODELS = [
    "contribution",
    "mission",
    "missionstatement",
    "organization",
    "region",
    "sourcedocument",
    "statement",
]


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def all_missions_models() -> list[str]:
    return sorted(m._meta.model_name for m in apps.get_app_config("missions").get_models())


def test_it_gives_analysts_add_change_view_and_the_history_but_no_delete(db):
    expected = {
        f"missions.{action}_{m}" for m in TRACKER_MODELS for action in ("add", "change", "view")
    }
    expected |= {f"missions.view_historical{m}" for m in TRACKER_MODELS}
    # Models added to the app later join the role the same way.
    expected |= {
        f"missions.{action}_{m}"
        for m in all_missions_models()
        if m not in TRACKER_MODELS and not m.startswith("historical")
        for action in ("add", "change", "view")
    }

    assert codenames(ANALYST) == expected


def test_it_gives_viewers_view_permissions_only(db):
    assert codenames(VIEWER) == {f"missions.view_{m}" for m in all_missions_models()}


def test_it_creates_the_roles_again_without_duplicates(db):
    before = {name: codenames(name) for name in (ANALYST, VIEWER)}
    Group.objects.get(name=VIEWER).permissions.clear()

    ensure_roles()
    ensure_roles()

    assert Group.objects.filter(name__in=[ANALYST, VIEWER]).count() == 2
    assert {name: codenames(name) for name in (ANALYST, VIEWER)} == before


def test_it_lets_only_analysts_and_superusers_import(analyst, viewer, superuser, outsider):
    assert [can_import(u) for u in (analyst, viewer, superuser, outsider)] == [
        True,
        False,
        True,
        False,
    ]


def test_it_answers_permission_checks_per_role(analyst, viewer):
    assert analyst.has_perms(["missions.add_statement", "missions.change_mission"])
    assert not analyst.has_perm("missions.delete_statement")
    assert not analyst.has_perm("auth.add_user")
    assert viewer.has_perm("missions.view_statement")
    assert not viewer.has_perm("missions.change_statement")


def grant(*args: str) -> str:
    out = StringIO()
    call_command("grant", *args, stdout=out)
    return out.getvalue()


def test_it_grants_the_analyst_role_and_opens_the_admin(db):
    user = User.objects.create_user("anna", password=PASSWORD)

    output = grant("anna", "analyst")

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [ANALYST]
    assert user.is_staff
    assert output == "anna is now analyst.\n"


def test_it_switches_an_analyst_to_viewer_and_closes_the_admin(db):
    user = User.objects.create_user("anna", password=PASSWORD)
    grant("anna", "analyst")

    grant("anna", "Viewer")

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [VIEWER]
    assert not user.is_staff
    assert not user.has_perm("missions.change_statement")


def test_it_recreates_missing_roles_when_granting(db):
    Group.objects.filter(name__in=[ANALYST, VIEWER]).delete()
    User.objects.create_user("anna", password=PASSWORD)

    grant("anna", "viewer")

    assert codenames(VIEWER) == {f"missions.view_{m}" for m in all_missions_models()}
    assert Group.objects.filter(name=ANALYST).exists()


def test_it_refuses_an_unknown_user_and_changes_nothing(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        grant("nobody", "analyst")
    assert not User.objects.exists()


def test_it_refuses_an_unknown_role_and_changes_nothing(db):
    user = User.objects.create_user("anna", password=PASSWORD)

    with pytest.raises(CommandError) as refused:
        grant("anna", "admin")

    assert str(refused.value) == "Unknown role 'admin'. Choose one of: analyst, viewer."
    user.refresh_from_db()
    assert not user.groups.exists()
    assert not user.is_staff


def test_it_warns_that_a_superuser_keeps_every_permission(superuser):
    output = grant("admin", "viewer")

    superuser.refresh_from_db()
    assert superuser.is_staff and superuser.is_superuser
    assert "keeps every permission" in output
