"""A signed-in user's own account: changing the password, and a TOTP second factor.

The admin's password page is for staff only, so a viewer had no way to change their password;
this one is for every signed-in user. The second factor is django-otp's TOTP device (RFC 6238,
the codes of any authenticator app): set up by scanning the QR code or typing the secret, and
confirmed with one code, then asked for after each login.
"""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from missions.security.session_security import HAS_SECOND_FACTOR

# The secret proposed on the set-up page, kept in the session until a code confirms it.
PROPOSED_KEY = "tracker_totp_proposed_key"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "account/password_change.html"
    success_url = reverse_lazy("account:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "account/password_change_done.html"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url("missions:contributions")


def _wrong_code(form: CodeForm) -> None:
    form.add_error("code", _("That code is not right, or it was used already. Try the next one."))


class TwoFactorEnrolView(View):
    """Shows a new secret (QR code, text and otpauth URI) and turns it on with one code."""

    template_name = "account/two_factor_enrol.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        key = request.session.get(PROPOSED_KEY)
        if form.is_valid() and key:
            totp = TOTP(bytes.fromhex(key))
            if totp.verify(int(form.cleaned_data["code"]), tolerance=1):
                device = TOTPDevice.objects.create(
                    user=request.user,
                    name=_("Authenticator app"),
                    key=key,
                    confirmed=True,
                    last_t=totp.t(),  # this code cannot be used again
                )
                del request.session[PROPOSED_KEY]
                request.session[HAS_SECOND_FACTOR] = True
                django_otp.login(request, device)
                messages.success(request, _("Two-step login is on for your account."))
                return HttpResponseRedirect(_next_url(request))
            _wrong_code(form)
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        devices = TOTPDevice.objects.devices_for_user(request.user, confirmed=True)
        key = request.session.get(PROPOSED_KEY)
        if not key:
            key = request.session[PROPOSED_KEY] = random_hex(20)
        device = TOTPDevice(user=request.user, key=key)
        uri = device.config_url  # with settings.OTP_TOTP_ISSUER, as apps list it
        secret = base64.b32encode(bytes.fromhex(key)).decode()
        context: dict[str, Any] = {
            "form": form,
            "enrolled": devices.exists(),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": uri,
            "qr_code": segno.make(uri, error="m").svg_data_uri(scale=4),
            "next": _next_url(request),
        }
        return render(request, self.template_name, context, status=status)


class TwoFactorVerifyView(View):
    """After the password: the code of the account's device, then on to where the user was
    going. Wrong codes are throttled by django-otp (each failure doubles the wait)."""

    template_name = "account/two_factor_verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, CodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CodeForm(request.POST)
        if form.is_valid():
            for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
                if device.verify_token(form.cleaned_data["code"]):
                    django_otp.login(request, device)
                    return HttpResponseRedirect(_next_url(request))
            _wrong_code(form)
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "next": _next_url(request)}
        return render(request, self.template_name, context, status=status)
