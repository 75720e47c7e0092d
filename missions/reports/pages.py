"""The report pages' forms and contents, without HTTP: the HTML pages
(``missions.reports.views``), the read API (``missions.api.views``) and the ``report`` command
read the same parameters and build the same rows here, so a report says the same in a browser,
in JSON and on the command line.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.dates import add_months, validate_date_in_range
from missions.exports.files import FORMAT_LABELS, ExportFormat
from missions.models import Statement
from missions.reading import reports
from missions.reading.querysets import StatementQuerySet
from missions.web.filters import DateInput

# Reports show statements, so reading statements is what they need (a Viewer has it).
# Beyond a century ahead, a number of months is a typo.
MAX_MONTHS = 1200
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


def _date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        validators=[validate_date_in_range],
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Download format"),
        required=False,
        choices=[(fmt.value, label) for fmt, label in FORMAT_LABELS.items()],
    )

    def export_format(self) -> ExportFormat | None:
        value = self.cleaned_data.get("format")
        return ExportFormat(value) if value else None


def _corrected_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("As corrected since"),
        required=False,
        help_text=_(
            "On that day as we know it now: a statement corrected later reads as corrected."
        ),
    )


class SummaryForm(ExportForm):
    as_of = _date_field(_("As of"))
    corrected = _corrected_field()
    by = forms.MultipleChoiceField(
        label=_("Group by"),
        required=False,
        choices=list(reports.SUMMARY_BY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class PagedForm(ExportForm):
    """A report whose page shows its rows a page at a time; the download keeps them all."""

    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


# Rows a report page shows at once: a page a reader can take in, HTML that stays small.
ROWS_PER_PAGE = 100


def page_of(rows: Any, params: dict[str, Any]) -> Page:
    """The page asked for (the last one when past the end) of ``rows``."""
    return Paginator(rows, ROWS_PER_PAGE).get_page(params.get("page") or 1)


class ExpiringForm(PagedForm):
    months = forms.IntegerField(
        label=_("Ending within (months)"), required=False, min_value=1, max_value=MAX_MONTHS
    )
    as_of = _date_field(_("As of"))
    corrected = _corrected_field()


class ChangesForm(PagedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields are named here rather than declared.
        self.fields["from"] = _date_field(_("From"))
        self.fields["to"] = _date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and first > last:
            raise forms.ValidationError(_("The period must start on or before its end."))
        return cleaned


# --- What each report shows, from its form's cleaned values ---------------------------------


def summary_tables(params: dict[str, Any], today: date) -> list[reports.Summary]:
    """The summary's tables: as of the day asked (today when none), grouped as asked."""
    return reports.summaries(
        params.get("as_of") or today,
        params.get("by") or reports.SUMMARY_BY,
        corrected=bool(params.get("corrected")),
    )


def summary_page(params: dict[str, Any], today: date) -> dict[str, Any]:
    summaries = summary_tables(params, today)
    return {
        "as_of": params.get("as_of"),
        "day": params.get("as_of") or today,
        "summaries": summaries,
        "apart": summaries[0].apart if summaries else [],
    }


# The expiring report's horizon when none is asked for.
EXPIRING_DEFAULT_MONTHS = 12


def expiring_statements(params: dict[str, Any], today: date) -> tuple[int, date, StatementQuerySet]:
    """(months, the day counted from, the statements ending within months of that day)."""
    months = params.get("months") or EXPIRING_DEFAULT_MONTHS
    day = params.get("as_of") or today
    corrected = bool(params.get("corrected"))
    return (
        months,
        day,
        reports.expiring(Statement.objects.all(), months, day, corrected=corrected),
    )


def expiring_page(params: dict[str, Any], today: date) -> dict[str, Any]:
    months, day, statements = expiring_statements(params, today)
    page = page_of(statements, params)
    return {
        "months": months,
        "day": day,
        "as_of": params.get("as_of"),
        "until": add_months(day, months),
        "page": page,
        # A page of the queryset is a slice of it.
        "rows": reports.expiring_rows(cast(StatementQuerySet, page.object_list), day),
    }


def changes_period(params: dict[str, Any], today: date) -> tuple[date, date]:
    """The period asked for; without one, the last three months ("since the last letter")."""
    last = params.get("to") or today
    first = params.get("from") or add_months(last, -3)
    return first, last


def changes_page(
    params: dict[str, Any], today: date, *, whole_rows: bool = False
) -> dict[str, Any]:
    """The page's entries (``whole_rows``: each statement and the one before it in full, as the
    API gives them), the paginator, and the transcription fixes of the period."""
    first, last = changes_period(params, today)
    page = page_of(reports.changes_in_period(first, last).values_list("pk", flat=True), params)
    entries = reports.changes(first, last, only=list(page.object_list), whole_rows=whole_rows)
    fixes = reports.transcription_fixes(first, last)
    return {"first": first, "last": last, "page": page, "entries": entries, "fixes": fixes}


def filter_errors(errors: dict[str, list[str]]) -> str:
    """The form's errors as plain lines, "status: Select a valid choice.", for a 400 body."""
    lines = [gettext("The export was not made; correct the filters:")]
    lines += [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return "\n".join(lines)
