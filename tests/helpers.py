"""Helpers shared by the test modules (fixtures live in conftest.py, test data in factories.py).

Test modules import from here, never from each other: a test module is free to change its own
helpers without breaking another's tests.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.urls import reverse

from missions.models import Contribution, Mission, Organization, Region, SourceDocument, Statement

# The tracker's own records, parents first.
TRACKER_MODELS = (Organization, Region, Mission, Contribution, SourceDocument, Statement)


# --- the admin ------------------------------------------------------------------------------


def admin_url(model: type, page: str, *args: Any) -> str:
    return reverse(f"admin:missions_{model._meta.model_name}_{page}", args=args)


def admin_form_data(response) -> dict[str, Any]:
    """What a browser sends back for an admin form page left as it was rendered.

    Tests change a few keys of this and post it, as an analyst edits a few fields.
    """
    context = response.context
    form_list = [context["adminform"].form]
    data: dict[str, Any] = {}
    for inline in context.get("inline_admin_formsets") or []:
        management = inline.formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        form_list.extend(inline.formset.forms)
    for form in form_list:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = value
    return data


def inline_prefix(response, model: type) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise AssertionError(f"no inline of {model.__name__}")


# --- pages ----------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    """What a reader sees: the tags dropped, the whitespace squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- the database ---------------------------------------------------------------------------


def record_counts() -> dict[str, int]:
    """How many records and history rows of each tracker model there are."""
    return {m.__name__: m.objects.count() for m in TRACKER_MODELS} | {
        f"history {m.__name__}": m.history.count() for m in TRACKER_MODELS
    }
