"""OpenAPI details the views cannot tell drf-spectacular by themselves.

The reports' query parameters come from the report pages' forms (the same fields validate both),
and every operation documents the errors it can answer, so that a schema-driven client or fuzzer
knows a 400 or 429 is part of the contract.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from missions.reports import pages as report_pages

_FORMS = {
    "summary": report_pages.SummaryForm,
    "expiring": report_pages.ExpiringForm,
    "changes": report_pages.ChangesForm,
}


def report_parameters(report: str) -> list[OpenApiParameter]:
    """The page form's fields as query parameters (the download's ``format`` aside)."""
    form = _FORMS[report]()
    parameters = []
    for name, field in form.fields.items():
        if name == "format":
            continue
        enum, many = None, False
        kind: OpenApiTypes | dict[str, object] = OpenApiTypes.STR
        if isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.BooleanField):
            kind = OpenApiTypes.BOOL
        elif isinstance(field, forms.IntegerField):
            integer: dict[str, object] = {"type": "integer"}
            if field.min_value is not None:
                integer["minimum"] = field.min_value
            if field.max_value is not None:
                integer["maximum"] = field.max_value
            kind = integer
        elif isinstance(field, forms.MultipleChoiceField):
            # Django normalises the choices to a list of pairs; the stubs type the getter as
            # everything the setter accepts (callables, Choices classes).
            choices = cast(list[tuple[object, object]], field.choices)
            many, enum = True, [value for value, _label in choices]
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=str(field.label or _("Page of rows (100 a page)")),
                many=many,
                enum=enum,
                explode=True if many else None,
            )
        )
    return parameters


_ERROR = {
    "type": "object",
    "additionalProperties": True,
    "description": "`detail` with the reason, or each invalid parameter with its messages.",
}
ERRORS = {
    "400": "A parameter is invalid; nothing is returned.",
    "401": "No credentials, or an invalid or revoked token.",
    "403": "Signed in, but without permission to read the tracker.",
    "404": "No such object or page.",
    "429": "Too many requests for this token; see Retry-After.",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the error answers of every operation."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                )
            responses["200"].setdefault("headers", {})["ETag"] = {
                "schema": {"type": "string"},
                "description": "Send it back as If-None-Match: 304 while the data is unchanged.",
            }
            responses.setdefault("304", {"description": "Not modified since the ETag sent."})
    return result
