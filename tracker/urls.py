"""Top-level URLs: the staff pages, the analysts' admin, login and the own account, and the
language switcher."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("missions.web.account_urls")),
    # Public, so that the login page can switch language too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("reports/", include("missions.reports.urls")),
    path("import/", include("missions.imports.urls")),
    path("api/", include("missions.api.urls")),
    path("account/tokens/", include("missions.api.token_urls")),
    path("account/alerts/", include("missions.alerts.urls")),
    path("", include("missions.web.urls")),
]

# The API answers an unknown address in JSON, like its other errors; pages get the 404 page.
handler404 = "missions.api.errors.not_found"
