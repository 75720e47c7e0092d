"""What a backup holds, shared by the ``backup`` and ``restore`` commands (a command imports
from a module, never from another command)."""

from __future__ import annotations

from django.apps import apps
from django.core import serializers
from django.db import models

# Everything a restore needs to give the desk back its record: the tracker's models and their
# history tables (all in the missions app), the accounts and roles the history refers to, and the
# admin's log. Sessions, login attempts, content types and permissions are not data: migrate
# recreates the last two, and the dump refers to them by natural key, never by id.
EXTRA_MODELS = ("auth.Group", "auth.User", "admin.LogEntry")
# Not data: a counter the database's triggers raise on every write (missions.models.data_version).
NOT_DATA = ("missions.dataversion", "missions.tablecounts")


def backed_up_models() -> list[type[models.Model]]:
    """In an order that lets loaddata resolve natural keys (groups before users)."""
    by_app: dict = {}
    for model in apps.get_app_config("missions").get_models():
        if model._meta.label_lower not in NOT_DATA:
            by_app.setdefault(model._meta.app_config, []).append(model)
    for label in EXTRA_MODELS:
        model = apps.get_model(label)
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def counts() -> dict[str, int]:
    """Rows per backed-up model, for the commands' summaries."""
    return {m._meta.label: m._base_manager.count() for m in backed_up_models()}
