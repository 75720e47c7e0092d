"""Top-level URLs: the staff pages, the analysts' admin, login, and the language switcher."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("missions.report_urls")),
    path("import/", include("missions.imports.urls")),
    path("", include("missions.urls")),
]
