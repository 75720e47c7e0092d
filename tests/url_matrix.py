"""Every URL pattern of the project, with a URL that reaches it: for the access matrix.

The patterns come from the URL resolver, recursively (admin included), so a page added later is
enumerated without a change here. Path parameters are filled with ids of existing objects of the
URL's model (from its ModelAdmin, its view's model, or its name), then checked by resolving the
URL back to the same view. A parameter nothing here can fill makes ``url_for`` return None; add
an entry to PARAM_HINTS then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from missions.models import Mission


@dataclass(frozen=True)
class Route:
    name: str  # "admin:missions_mission_change", "" when unnamed
    regex: str  # the full regex, from the root
    callback: Callable
    namespaces: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return self.name.rsplit(":", 1)[-1]

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if getattr(self.callback, "__name__", "") == "catch_all_view" or (
            "admin" in self.namespaces and self.regex.endswith("(?P<url>.*)$")
        ):
            return "<admin catch-all>"
        return f"<unnamed {self.regex}>"

    @property
    def admin_model(self) -> type[models.Model] | None:
        """The model of an admin URL: from its ModelAdmin, or from its name (app_model_page)."""
        model_admin = getattr(self.callback, "model_admin", None)
        if model_admin is not None:
            return model_admin.model
        if self.is_admin:
            for model in admin.site._registry:
                if self.url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
                    return model
        return None

    @property
    def model(self) -> type[models.Model] | None:
        if self.admin_model is not None:
            return self.admin_model
        view_class = getattr(self.callback, "view_class", None)
        model = getattr(view_class, "model", None)
        if model is None and getattr(view_class, "queryset", None) is not None:
            model = view_class.queryset.model
        return model or model_from_name(self.url_name)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.namespaces


def model_from_name(url_name: str) -> type[models.Model] | None:
    """'mission_detail' -> Mission: the longest missions model name inside the URL name."""
    names = {m._meta.model_name: m for m in apps.get_app_config("missions").get_models()}
    names.setdefault("document", apps.get_model("missions", "SourceDocument"))
    for name in sorted(names, key=len, reverse=True):
        if not name.startswith("historical") and name in url_name.replace("_", ""):
            return names[name]
    return None


def routes(patterns=None, prefix: str = "", namespaces: tuple[str, ...] = ()) -> Iterator[Route]:
    """Every URL pattern of the project, recursively, with the full regex from the root."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            extra = (pattern.namespace,) if pattern.namespace else ()
            yield from routes(pattern.url_patterns, regex, namespaces + extra)
        elif isinstance(pattern, URLPattern):
            name = ":".join([*namespaces, pattern.name]) if pattern.name else ""
            yield Route(name, regex, pattern.callback, namespaces)


# Extra candidates per parameter name, tried before the generic ones.
PARAM_HINTS: dict[str, Callable[[Route], list[str]]] = {
    "app_label": lambda route: [
        "missions",
        *sorted({m._meta.app_label for m in admin.site._registry}),
    ],
    "url": lambda route: ["no-such-admin-page/"],
    "content_type_id": lambda route: [str(ContentType.objects.get_for_model(Mission).pk)],
    # The admin's "recover a deleted record": the history entry of a deletion.
    "entry_id": lambda route: deleted_history_ids_of(route.model),
}


def admin_apps() -> list[str]:
    return sorted({model._meta.app_label for model in admin.site._registry})


def ids_of(model: type[models.Model] | None) -> list[str]:
    if model is None:
        return []
    return [str(pk) for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)]


def deleted_history_ids_of(model: type[models.Model] | None) -> list[str]:
    history = getattr(model, "history", None) if model else None
    if history is None:
        return []
    rows = model.history.model.objects.filter(history_type="-").order_by("pk")
    return [str(pk) for pk in rows.values_list("pk", flat=True)]


def history_ids_of(model: type[models.Model] | None, object_id: str) -> list[str]:
    history = getattr(model, "history", None) if model else None
    if history is None:
        return []
    rows = model.history.model.objects.filter(**{model._meta.pk.attname: object_id})
    return [str(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)]


def candidates(route: Route, param: str, filled: dict[str, str]) -> list[str]:
    model = route.model
    if param in PARAM_HINTS:
        return PARAM_HINTS[param](route)
    # simple_history's revert page: (object id, history id), as positional groups.
    if param == "_1" or param in {"history_id", "version_id"}:
        return history_ids_of(model, filled.get("_0") or filled.get("object_id", ""))
    if param in {"object_id", "pk", "id", "_0"}:
        # Only ids of the URL's own model: an id of another table would test a missing object.
        return ids_of(model) if model is not None else ids_of(Mission)
    if param.endswith(("_id", "_pk")):
        return ids_of(model_from_name(param[:-3]) or model)
    return ids_of(model) or ["1"]


def url_for(route: Route) -> str | None:
    """A URL that resolves to ``route``, with parameters naming existing objects."""
    for template, params in normalize(route.regex):
        filled: dict[str, str] = {}
        for param in params:
            options = candidates(route, param, filled)
            if not options:
                break
            filled[param] = options[0]
        else:
            url = "/" + template % filled
            try:
                match = resolve(url)
            except Resolver404:
                continue
            if match.func is route.callback:
                return url
    return None


def query_for(route: Route) -> str:
    """Query strings some admin URLs need to mean anything (autocomplete: which field)."""
    if route.name == "admin:autocomplete":
        for model, model_admin in admin.site._registry.items():
            for field in model_admin.autocomplete_fields:
                opts = model._meta
                return (
                    f"?app_label={opts.app_label}&model_name={opts.model_name}&field_name={field}"
                )
    return ""


def all_routes() -> list[Route]:
    return sorted(routes(), key=lambda r: r.regex)
