"""The analysts' back office: one ModelAdmin per tracker model, shared behaviour in base.py."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from missions.admin import directory, documents, statements, tokens  # noqa: F401  (registers)

# django-otp's device admin shows secrets and needs the qrcode package: users set up their own
# device under /account/two-factor/, and a lost one is removed with 'manage.py reset_2fa USER'.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
