"""The read API's endpoints: thin views over the pages' querysets, filters and reports (the
report pages' forms and contents from ``missions.reports.pages``, as the HTML pages).

Every endpoint is GET only, needs a token or session with the view permission, is throttled per
token, and answers a matching ``If-None-Match`` with 304 after authentication, permission and
throttling but before any query for the data (``ConditionalMixin``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from missions.api import report_serializers as rs
from missions.api import serializers as s
from missions.api.filters import StatementFilter, contribution_parameters, contribution_rows
from missions.api.models import ApiToken
from missions.api.pagination import StatementPages
from missions.api.schema import report_parameters
from missions.models import Mission, SourceDocument, Statement
from missions.reading.current import current_of
from missions.reading.querysets import NEWEST_DOCUMENTS_FIRST
from missions.reports import pages
from missions.web.conditional import data_etag, not_modified_or_none, session_credential


class NotModified(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


if TYPE_CHECKING:
    # What the mixin extends, for the type checker: every endpoint here is an APIView.
    _ViewBase = APIView
else:
    _ViewBase = object


class ConditionalMixin(_ViewBase):
    """ETag on every 200; 304 for a matching ``If-None-Match`` before the data is read."""

    etag: str | None = None
    today: date

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.today = timezone.localdate()
        super().initial(request, *args, **kwargs)  # authentication, permission, throttling
        if request.method in ("GET", "HEAD"):
            if isinstance(request.auth, ApiToken):
                credential = f"token-{request.auth.pk}"
            else:
                credential = session_credential(request._request)
            self.etag = data_etag(request._request, self.today, credential)
            response = not_modified_or_none(request._request, self.etag)
            if response is not None:
                raise NotModified(response)

    def handle_exception(self, exc: Exception):
        if isinstance(exc, NotModified):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.etag and response.status_code == 200:
            response["ETag"] = self.etag
        return response


class ContributionList(ConditionalMixin, generics.ListAPIView):
    """The contributions table: each contribution's latest statement, as on the page at /."""

    serializer_class = s.StatementSerializer
    pagination_class = StatementPages

    @extend_schema(parameters=contribution_parameters())
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return contribution_rows(self.request.query_params, self.today)


class MissionList(ConditionalMixin, generics.ListAPIView):
    serializer_class = s.MissionSerializer
    queryset = Mission.objects.select_related("organization", "region", "source").order_by(
        "name", "pk"
    )


class MissionDetail(ConditionalMixin, APIView):
    """A mission, each contribution with its latest statement, and every statement."""

    @extend_schema(responses=s.MissionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        mission = get_object_or_404(
            Mission.objects.select_related("organization", "region", "source"), pk=pk
        )
        history = list(Statement.objects.filter(contribution__mission=mission).with_related())
        # As on the mission page: each contribution's statement in force today (as_of).
        contributions = mission.contributions.with_current(self.today).order_by("name", "pk")
        # What the serializer reads beside the mission's own fields.
        shown: Any = mission
        shown.contributions_shown = [
            {
                "id": c.pk,
                "name": c.name,
                "capability": c.capability,
                "notes": c.notes,
                "current": current,
            }
            for c, current in current_of(list(contributions), history)
        ]
        shown.mission_statements_shown = mission.mission_statements.select_related(
            "document"
        ).order_by("-document__date", "-document_id")
        shown.statements_shown = sorted(
            history, key=lambda st: (st.document_date, st.document_id, st.pk), reverse=True
        )
        data = s.MissionDetailSerializer(mission).data
        return Response(data)


class DocumentList(ConditionalMixin, generics.ListAPIView):
    serializer_class = s.DocumentSerializer
    # The order of the documents page.
    queryset = SourceDocument.objects.with_statement_count().order_by(
        "-date", "-dossier", "-number", "-pk"
    )


class DocumentDetail(ConditionalMixin, generics.RetrieveAPIView):
    serializer_class = s.DocumentDetailSerializer
    queryset = SourceDocument.objects.with_statement_count()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        # The order of the document page.
        document.statements_shown = (
            Statement.objects.filter(document=document)
            .with_related()
            .order_by("contribution__mission__name", "contribution__name", "pk")
        )
        return Response(self.get_serializer(document).data)


class StatementList(ConditionalMixin, generics.ListAPIView):
    """Every statement, newest first; by contribution, mission, document or document date."""

    serializer_class = s.StatementSerializer
    queryset = Statement.objects.with_related().order_by(*NEWEST_DOCUMENTS_FIRST, "pk")
    pagination_class = StatementPages
    filter_backends = [DjangoFilterBackend]
    filterset_class = StatementFilter


def _paging(request: Request, page) -> dict[str, Any]:
    """The page of a report page (``page_of``) as counts and links, like the API's lists."""
    url = request.build_absolute_uri()
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": replace_query_param(url, "page", page.next_page_number())
        if page.has_next()
        else None,
        "previous": replace_query_param(url, "page", page.previous_page_number())
        if page.has_previous()
        else None,
    }


def _valid(form_class, request: Request) -> dict[str, Any]:
    """The report form's cleaned values (as the page reads them), or a 400 with its errors."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return form.cleaned_data


class SummaryReport(ConditionalMixin, APIView):
    """Personnel by organization, region and status, as of a day: the summary page's tables."""

    @extend_schema(parameters=report_parameters("summary"), responses=rs.SummarySerializer)
    def get(self, request: Request) -> Response:
        params = _valid(pages.SummaryForm, request)
        context = pages.summary_page(params, self.today)
        return Response(rs.SummarySerializer(context).data)


class ExpiringReport(ConditionalMixin, APIView):
    """Current mandates ending within ``months`` months of today, soonest first."""

    @extend_schema(parameters=report_parameters("expiring"), responses=rs.ExpiringSerializer)
    def get(self, request: Request) -> Response:
        params = _valid(pages.ExpiringForm, request)
        context = pages.expiring_page(params, self.today)
        data = {**context, **_paging(request, context["page"]), "today": self.today}
        return Response(rs.ExpiringSerializer(data).data)


class ChangesReport(ConditionalMixin, APIView):
    """Every statement from documents dated in a period, with what it changed."""

    @extend_schema(parameters=report_parameters("changes"), responses=rs.ChangesSerializer)
    def get(self, request: Request) -> Response:
        params = _valid(pages.ChangesForm, request)
        # The API gives each statement and the one before it whole (StatementSerializer).
        context = pages.changes_page(params, self.today, whole_rows=True)
        data = {
            "first": context["first"],
            "to": context["last"],
            "entries": context["entries"],
            **_paging(request, context["page"]),
        }
        return Response(rs.ChangesSerializer(data).data)
