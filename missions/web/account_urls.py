"""The signed-in user's own account pages (/account/...)."""

from django.urls import path

from missions.web import account

app_name = "account"
urlpatterns = [
    path("password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", account.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("two-factor/", account.TwoFactorEnrolView.as_view(), name="two_factor_enrol"),
    path("two-factor/verify/", account.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
]
