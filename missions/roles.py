"""The two roles of the tracker, as Django groups, and how a user gets one.

*Analyst* keeps the record in the admin: add, change and view every tracker record, see the
audit trail, import spreadsheets. Deleting is left to superusers, who also manage the accounts:
a deletion is the one edit an analyst cannot simply correct with a new save.
*Viewer* reads the staff pages and downloads reports; viewers are not staff, so the admin is
closed to them.

The permissions are derived from the models of the ``missions`` app rather than listed by name,
so that a model added later is covered as soon as the roles are refreshed (the ``grant``
command does that on every run; a data migration can call ``ensure_roles`` too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

if TYPE_CHECKING:
    # With a migration's registry the groups are its historical Group, which reads the same.
    from django.contrib.auth.models import Group as AuthGroup

ANALYST = "Analyst"
VIEWER = "Viewer"
# Command-line name -> group name.
ROLES = {"analyst": ANALYST, "viewer": VIEWER}
# Roles that work in the admin, which Django opens only to staff accounts.
STAFF_ROLES = {ANALYST}

# Importing is bulk adding and changing of contributions and statements, so it needs exactly
# the permissions to do the same by hand. No separate permission row: a custom row outside
# Meta.permissions would vanish whenever the permission table is rebuilt (a test flush).
IMPORT_PERMISSIONS = (
    "missions.add_contribution",
    "missions.change_contribution",
    "missions.add_statement",
    "missions.change_statement",
)

APP_LABEL = "missions"
# Reading the staff pages and downloading reports: what every role has.
VIEW_PERMISSION = "missions.view_statement"
# simple_history names its audit-trail models Historical<Model>.
HISTORY_PREFIX = "historical"


def grants(role: str, codename: str, model_name: str) -> bool:
    """Whether ``role`` holds the permission ``codename`` on the missions model ``model_name``."""
    action = codename.split("_", 1)[0]
    if role == VIEWER:
        return action == "view"
    if role == ANALYST:
        if model_name.startswith(HISTORY_PREFIX):
            # The audit trail is written by the application only; analysts read it.
            return action == "view"
        return action in {"add", "change", "view"}
    raise ValueError(f"Unknown role {role!r}")


def can_import(user) -> bool:
    """The gate for the spreadsheet import (analysts and superusers)."""
    return user.is_active and user.has_perms(IMPORT_PERMISSIONS)


def ensure_roles(apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> dict[str, AuthGroup]:
    """Create the groups, or bring their permissions up to date; safe to run any number of times.

    Works with the real app registry and with a migration's historical one (``apps``).
    """
    _ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.using(using)
        .filter(content_type__app_label=APP_LABEL)
        .values_list("pk", "codename", "content_type__model")
    )
    groups = {}
    for role in (ANALYST, VIEWER):
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(
            [pk for pk, codename, model in permissions if grants(role, codename, model)]
        )
        groups[role] = group
    return groups


def remove_roles(apps: Apps = global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    apps.get_model("auth", "Group").objects.using(using).filter(name__in=ROLES.values()).delete()


def _ensure_permissions(apps: Apps, using: str) -> None:
    """Permissions are normally made after the last migration (post_migrate); a data migration
    runs before that on a fresh database, so make the missions app's permissions now."""
    app_config = apps.get_app_config(APP_LABEL)
    # A migration's app configs carry no models module, which create_permissions requires.
    had_module = getattr(app_config, "models_module", None)
    # create_permissions only checks that it is set; the stubs allow a module or None.
    app_config.models_module = had_module or True  # type: ignore[assignment]
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = had_module
