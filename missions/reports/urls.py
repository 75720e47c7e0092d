"""The reports, under /reports/: each a page with its form, and ``?format=`` for the download."""

from django.urls import path

from missions.reports import views as report_views

app_name = "reports"

urlpatterns = [
    path("contributions/", report_views.contributions_export, name="contributions"),
    path("summary/", report_views.SummaryView.as_view(), name="summary"),
    path("expiring/", report_views.ExpiringView.as_view(), name="expiring"),
    path("changes/", report_views.ChangesView.as_view(), name="changes"),
]
