"""Report pages and downloads: thin views that parse input, call ``missions.reading.reports``,
render.

Each page takes its parameters from the query string, so a report can be linked; adding
``format=csv|excel-csv|xlsx`` returns the download of the same rows. Bad input gives the page
back with the error and status 400, never a 500.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_GET

from missions.exports.files import (
    FORMAT_LABELS,
    Export,
    ExportFormat,
    export_response,
    parse_format,
)
from missions.reports import files as report_exports
from missions.reports import pages
from missions.reports.pages import (
    ChangesForm,
    ExpiringForm,
    ExportForm,
    SummaryForm,
    filter_errors,
)
from missions.roles import VIEW_PERMISSION


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

    def export(self, params: dict[str, Any], today: date) -> Export:
        return report_exports.summary_export(pages.summary_tables(params, today))

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        return pages.summary_page(params, today)


class ExpiringView(ReportView):
    form_class = ExpiringForm
    template_name = "reports/expiring.html"

    def initial(self, today: date) -> dict[str, Any]:
        return {"months": pages.EXPIRING_DEFAULT_MONTHS}

    def export(self, params: dict[str, Any], today: date) -> Export:
        _months, day, statements = pages.expiring_statements(params, today)
        return report_exports.expiring_export(statements, day)

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        return pages.expiring_page(params, today)


class ChangesView(ReportView):
    form_class = ChangesForm
    template_name = "reports/changes.html"

    def initial(self, today: date) -> dict[str, Any]:
        first, last = pages.changes_period({}, today)
        return {"from": first, "to": last}

    def export(self, params: dict[str, Any], today: date) -> Export:
        first, last = pages.changes_period(params, today)
        return report_exports.changes_export(first, last)

    def page_context(self, params: dict[str, Any], today: date) -> dict[str, Any]:
        return pages.changes_page(params, today)


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
