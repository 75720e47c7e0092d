"""Staff pages: thin views that parse input, call a queryset or report, and render.

"Today" is read here, once per request, and handed down; nothing below reads the clock.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from missions.dashboard.lists import dashboard_day, ending_lists, timeline_rows, timeline_total
from missions.dashboard.timeline import build_timeline
from missions.models import Mission, SourceDocument, Statement
from missions.reading import reports
from missions.reading.current import current_of
from missions.reading.diffs import timeline
from missions.roles import VIEW_PERMISSION
from missions.web.counting import table_counts
from missions.web.filters import ContributionFilter, applied_filters, facets, filter_contributions
from missions.web.tables import build_table, column_choices

DOCUMENTS_PER_PAGE = 50


@permission_required(VIEW_PERMISSION, raise_exception=True)
def contributions(request: HttpRequest) -> HttpResponse:
    """The home page: the filtered table, its facets, the column choice and the downloads."""
    today = timezone.localdate()
    filterset, rows = filter_contributions(request.GET, today)
    as_of = getattr(filterset.form, "cleaned_data", {}).get("as_of")
    # The row count comes with the facets' counts (stored per data version): no COUNT of its own.
    counted = table_counts(filterset)
    table, notices = build_table(rows, request.GET, today, as_of, row_count=counted.rows)
    notices = filterset.left_out() + notices
    choices = column_choices()
    corrected_later, corrected_url = corrections_since(filterset, counted.corrected_later, request)
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
            # Keep the column chooser open only when the reader has picked the columns.
            "columns_narrowed": bool(request.GET.getlist("columns")),
            "notices": notices,
            "applied_filters": applied_filters(filterset),
            "corrected_later": corrected_later,
            "corrected_url": corrected_url,
            "today": today,
        },
    )


def corrections_since(
    filterset: ContributionFilter, count: int, request: HttpRequest
) -> tuple[int, str]:
    """On an as-of view as the documents stood: how many rows a later correction changed
    (``count``, counted with the table's counts), and the same view as corrected since.
    (0, "") on other views."""
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    if not cleaned.get("as_of") or cleaned.get("corrected"):
        return 0, ""
    if not count:
        return 0, ""
    params = request.GET.copy()
    params["corrected"] = "1"
    params.pop("page", None)
    return count, f"?{params.urlencode()}"


@permission_required(VIEW_PERMISSION, raise_exception=True)
def mission(request: HttpRequest, pk: int) -> HttpResponse:
    """A mission's facts, what documents said of the mission itself, each Dutch contribution's
    current state, and every statement, each marked where a later correction replaced it."""
    found = get_object_or_404(
        Mission.objects.select_related("organization", "region", "source"), pk=pk
    )
    history = list(
        Statement.objects.filter(contribution__mission=found).select_related(
            # The correction of a statement and what a correction corrects, with their
            # documents, for the "corrected by" and "corrects" marks: joins, not a query per row.
            "document",
            "contribution",
            "corrected_by__document",
            "corrects__document",
        )
    )
    entries = timeline(history)
    today = timezone.localdate()
    # Each contribution's state today by the table's rule (as_of), taken from the history
    # already loaded: the same statement the table shows, no query more.
    contributions = found.contributions.with_current(today).order_by("name", "pk")
    return render(
        request,
        "missions/mission_detail.html",
        {
            "mission": found,
            "about_mission": found.mission_statements.select_related("document"),
            "contributions": current_of(list(contributions), history),
            "entries": list(reversed(entries)),
            "today": today,
        },
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def documents(request: HttpRequest) -> HttpResponse:
    """Every source document, newest first, with how many statements it made."""
    listing = SourceDocument.objects.with_statement_count().order_by(
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
    """One document: what of it is inferred, every statement it made about a contribution (with
    what corrects it or what it corrects) and about a mission itself."""
    found = get_object_or_404(SourceDocument, pk=pk)
    statements = found.statements.select_related(
        "contribution__mission__organization",
        "contribution__mission__region",
        "corrected_by__document",
        "corrects__document",
    ).order_by("contribution__mission__name", "contribution__name")
    about_missions = found.mission_statements.select_related("mission").order_by(
        "mission__name", "pk"
    )
    return render(
        request,
        "missions/document_detail.html",
        {"document": found, "statements": statements, "about_missions": about_missions},
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Personnel deployed, the mandates that end soon, and the timeline picture, on a day."""
    today = timezone.localdate()
    form, day = dashboard_day(request.GET, today)
    summaries = reports.summaries(day)
    rows = timeline_rows(timeline_total(summaries[0]), day)
    return render(
        request,
        "missions/dashboard.html",
        {
            "form": form,
            "summaries": summaries,
            "deployed": summaries[0].total,
            "apart": summaries[0].apart,
            "expiring": ending_lists(day),
            "timeline": build_timeline(rows.statements, day, today=today),
            "timeline_rows": rows,
            "day": day,
            "as_of": day if day != today else None,
            "today": today,
        },
    )
