"""Report pages and downloads: thin views that parse input, call ``missions.reading.reports``,
render.

Each page takes its parameters from the query string, so a report can be linked; adding
``format=csv|excel-csv|xlsx`` returns the download of the same rows. Bad input gives the page
back with the error and status 400, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_GET

from missions.dates import add_months, validate_date_in_range
from missions.exports.files import (
    FORMAT_LABELS,
    Export,
    ExportFormat,
    export_response,
    parse_format,
)
from missions.models import Statement
from missions.reading import reports
from missions.reports import files as report_exports
from missions.roles import VIEW_PERMISSION
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


def page_of(rows, params: dict[str, Any]):
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
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and first > last:
            raise forms.ValidationError(_("The period must start on or before its end."))
        return cleaned


class ReportView(PermissionRequiredMixin, View):
    """GET only: validate the form, then either render the page or send the download."""

    permission_required = VIEW_PERMISSION
    form_class: type[ExportForm]
    template_name: str

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = self.form_class(request.GET or None, initial=self.initial(today))
        if form.is_bound and not form.is_valid():
            context = {"form": form, "today": today, "formats": FORMAT_LABELS}
            return render(request, self.template_name, context, status=400)
        fmt = form.export_format() if form.is_bound else None
        params = form.cleaned_data if form.is_bound else {}
        if fmt is not None:
            return export_response(self.export(params, today), fmt, today)
        context = {"form": form, "today": today, "formats": FORMAT_LABELS}
        context.update(self.page_context(params, today))
        return render(request, self.template_name, context)

    def initial(self, today: date) -> dict[str, Any]:
        """What the form shows before it is sent: the values the page then uses."""
        return {}

    def export(self, params: dict[str, Any], today: date) -> Export:
        raise NotImplementedError

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        raise NotImplementedError


class SummaryView(ReportView):
    form_class = SummaryForm
    template_name = "reports/summary.html"

    def _summaries(self, params: dict[str, Any], today: date) -> list[reports.Summary]:
        return reports.summaries(
            params.get("as_of") or today,
            params.get("by") or reports.SUMMARY_BY,
            corrected=bool(params.get("corrected")),
        )

    def export(self, params: dict[str, Any], today: date) -> Export:
        return report_exports.summary_export(self._summaries(params, today))

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        summaries = self._summaries(params, today)
        return {
            "as_of": params.get("as_of"),
            "day": params.get("as_of") or today,
            "summaries": summaries,
            "apart": summaries[0].apart if summaries else [],
        }


class ExpiringView(ReportView):
    form_class = ExpiringForm
    template_name = "reports/expiring.html"
    default_months = 12

    def initial(self, today: date) -> dict[str, Any]:
        return {"months": self.default_months}

    def _statements(self, params: dict[str, Any], today: date):
        months = params.get("months") or self.default_months
        day = params.get("as_of") or today
        corrected = bool(params.get("corrected"))
        return (
            months,
            day,
            reports.expiring(Statement.objects.all(), months, day, corrected=corrected),
        )

    def export(self, params: dict[str, Any], today: date) -> Export:
        _months, day, statements = self._statements(params, today)
        return report_exports.expiring_export(statements, day)

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        months, day, statements = self._statements(params, today)
        page = page_of(statements, params)
        return {
            "months": months,
            "day": day,
            "as_of": params.get("as_of"),
            "until": add_months(day, months),
            "page": page,
            "rows": reports.expiring_rows(page.object_list, day),
        }


class ChangesView(ReportView):
    form_class = ChangesForm
    template_name = "reports/changes.html"

    def initial(self, today: date) -> dict[str, Any]:
        first, last = self._period({}, today)
        return {"from": first, "to": last}

    def _period(self, params: dict[str, Any], today: date) -> tuple[date, date]:
        # Without a period: the last three months, which covers "since the last letter".
        last = params.get("to") or today
        first = params.get("from") or add_months(last, -3)
        return first, last

    def export(self, params: dict[str, Any], today: date) -> Export:
        return report_exports.changes_export(reports.changes(*self._period(params, today)))

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        first, last = self._period(params, today)
        page = page_of(reports.changes_in_period(first, last).values_list("pk", flat=True), params)
        entries = reports.changes(first, last, only=list(page.object_list))
        fixes = reports.transcription_fixes(first, last)
        return {"first": first, "last": last, "page": page, "entries": entries, "fixes": fixes}


@require_GET
@permission_required(VIEW_PERMISSION, raise_exception=True)
def contributions_export(request: HttpRequest) -> HttpResponse:
    """The contributions table as a file: its query string, plus ``format`` (default csv)."""
    value = request.GET.get("format") or ExportFormat.CSV
    fmt = parse_format(value)
    if fmt is None:
        message = gettext('Unknown format "%(format)s"; use one of: %(formats)s.') % {
            "format": value,
            "formats": ", ".join(ExportFormat),
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    today = timezone.localdate()
    filterset, export = report_exports.contributions_export(request.GET, today)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            filter_errors(filterset.errors), content_type="text/plain; charset=utf-8"
        )
    return export_response(export, fmt, today)


def filter_errors(errors: dict[str, list[str]]) -> str:
    """The form's errors as plain lines, "status: Select a valid choice.", for a 400 body."""
    lines = [gettext("The export was not made; correct the filters:")]
    lines += [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]
    return "\n".join(lines)
