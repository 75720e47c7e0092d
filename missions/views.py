"""Staff pages: thin views that parse input, call a queryset or report, and render.

"Today" is read here, once per request, and handed down; nothing below reads the clock.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from missions import reports
from missions.dashboard import ending_lists, timeline_rows
from missions.diffs import timeline
from missions.filters import ContributionFilter, facets, filter_contributions
from missions.models import Mission, SourceDocument, Statement
from missions.querysets import StatementQuerySet
from missions.roles import VIEW_PERMISSION
from missions.tables import build_table, column_choices
from missions.timeline import build_timeline

DOCUMENTS_PER_PAGE = 50


@permission_required(VIEW_PERMISSION, raise_exception=True)
def contributions(request: HttpRequest) -> HttpResponse:
    """The home page: the filtered table, its facets, the column choice and the downloads."""
    today = timezone.localdate()
    filterset, rows = filter_contributions(request.GET, today)
    table, notices = build_table(rows, request.GET, today)
    choices = column_choices()
    corrected_later, corrected_url = corrections_since(filterset, rows, request)
    shown = [column.name for column in table.columns]
    return render(
        request,
        "missions/contribution_list.html",
        {
            "filter": filterset,
            "table": table,
            "facets": facets(filterset),
            "columns": choices,
            "shown_columns": shown,
            # Keep the column chooser open only when the reader has narrowed the columns.
            "columns_narrowed": len(shown) < len(choices),
            "notices": notices,
            "corrected_later": corrected_later,
            "corrected_url": corrected_url,
            "today": today,
        },
    )


def corrections_since(
    filterset: ContributionFilter, rows: StatementQuerySet, request: HttpRequest
) -> tuple[int, str]:
    """On an as-of view as the documents stood: how many rows a later correction changed, and
    the same view as corrected since. (0, "") on other views."""
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    if not cleaned.get("as_of") or cleaned.get("corrected"):
        return 0, ""
    count = rows.corrected_later().count()
    if not count:
        return 0, ""
    params = request.GET.copy()
    params["corrected"] = "1"
    params.pop("page", None)
    return count, f"?{params.urlencode()}"


@permission_required(VIEW_PERMISSION, raise_exception=True)
def mission(request: HttpRequest, pk: int) -> HttpResponse:
    """A mission's facts, each Dutch contribution's current state, and every statement."""
    found = get_object_or_404(
        Mission.objects.select_related("organization", "region", "source"), pk=pk
    )
    history = list(
        Statement.objects.filter(contribution__mission=found).select_related(
            "document", "contribution"
        )
    )
    entries = timeline(history)
    # The last entry per contribution is its current state (timeline is oldest first).
    current = {entry.statement.contribution_id: entry.statement for entry in entries}
    contributions = found.contributions.order_by("name")
    return render(
        request,
        "missions/mission_detail.html",
        {
            "mission": found,
            "contributions": [(c, current.get(c.pk)) for c in contributions],
            "entries": list(reversed(entries)),
            "today": timezone.localdate(),
        },
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def documents(request: HttpRequest) -> HttpResponse:
    """Every source document, newest first, with how many statements it made."""
    listing = SourceDocument.objects.annotate(statement_count=Count("statements")).order_by(
        "-date", "-dossier", "-number", "-pk"
    )
    paginator = Paginator(listing, DOCUMENTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return render(request, "missions/document_list.html", {"page": page})


@permission_required(VIEW_PERMISSION, raise_exception=True)
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """One document and every statement it made."""
    found = get_object_or_404(SourceDocument, pk=pk)
    statements = found.statements.select_related(
        "contribution__mission__organization", "contribution__mission__region"
    ).order_by("contribution__mission__name", "contribution__name")
    return render(
        request, "missions/document_detail.html", {"document": found, "statements": statements}
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Personnel totals, the mandates that end soon, and the timeline picture."""
    today = timezone.localdate()
    current = Statement.objects.current()
    summaries = [
        (by, reports.SUMMARY_BY_LABELS[by], summary, reports.summary_total(summary))
        for by in reports.SUMMARY_BY
        for summary in [reports.summary(current, by)]
    ]
    # Every summary counts every current contribution once; the timeline needs that number.
    all_rows = {by: total_row for by, _label, _rows, total_row in summaries}["status"]
    rows = timeline_rows(all_rows.contributions, today)
    return render(
        request,
        "missions/dashboard.html",
        {
            "summaries": summaries,
            "expiring": ending_lists(today),
            "timeline": build_timeline(rows.statements, today),
            "timeline_rows": rows,
            "today": today,
        },
    )
