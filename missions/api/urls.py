"""The read API under /api/: version 1, its OpenAPI schema and the browsable docs."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from missions.api import views

app_name = "api"


def _api(view):
    # DRF answers for itself (401 or 403 as JSON); the site's login redirect must not.
    return login_not_required(view.as_view())


urlpatterns = [
    path("v1/contributions/", _api(views.ContributionList), name="contributions"),
    path("v1/missions/", _api(views.MissionList), name="missions"),
    path("v1/missions/<int:pk>/", _api(views.MissionDetail), name="mission"),
    path("v1/documents/", _api(views.DocumentList), name="documents"),
    path("v1/documents/<int:pk>/", _api(views.DocumentDetail), name="document"),
    path("v1/statements/", _api(views.StatementList), name="statements"),
    path("v1/reports/summary/", _api(views.SummaryReport), name="summary"),
    path("v1/reports/expiring/", _api(views.ExpiringReport), name="expiring"),
    path("v1/reports/changes/", _api(views.ChangesReport), name="changes"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path(
        "docs/",
        login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
