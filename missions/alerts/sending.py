"""Sending the digests: one e-mail per user, each recipient on their own.

A digest and the record that it was sent are one transaction: if the mail server refuses it,
nothing is recorded and the next run tries again; if it is accepted, the next run does not repeat
it. A failure for one recipient is logged and the others still get theirs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from missions.alerts.digest import Digest, next_digest, settings_of
from missions.alerts.models import AlertNotice
from missions.roles import VIEW_PERMISSION

log = logging.getLogger("missions.alerts")


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    nothing_new: int = 0


def subject(digest: Digest) -> str:
    ending = ngettext("%(n)s mandate ending", "%(n)s mandates ending", len(digest.ending)) % {
        "n": len(digest.ending)
    }
    new = ngettext("%(n)s new statement", "%(n)s new statements", len(digest.new)) % {
        "n": len(digest.new)
    }
    return f"{translation.gettext('Mission tracker')}: {ending}, {new}"


def message_for(digest: Digest) -> EmailMessage:
    context = {
        "digest": digest,
        "site_url": settings.SITE_URL,
        "alerts_url": settings.SITE_URL + reverse("alerts:settings"),
    }
    body = render_to_string("alerts/digest.txt", context)
    return EmailMessage(subject(digest), body, to=[digest.user.email])


def recipients():
    """Active users with an address who follow a mission or chose every mission's ends."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    wanted = Q(follows__isnull=False) | Q(alert_settings__all_missions=True)
    return users.filter(wanted).distinct().order_by("pk")


def send_alerts(today: date) -> Outcome:
    outcome = Outcome()
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients():
            try:
                if not user.has_perm(VIEW_PERMISSION):
                    continue  # no mail of data the user may not read
                digest = next_digest(user, today)
                if digest.is_empty:
                    outcome.nothing_new += 1
                    continue
                with transaction.atomic():
                    AlertNotice.objects.bulk_create(digest.notices(), ignore_conflicts=True)
                    chosen = settings_of(user)
                    chosen.last_digest_at = timezone.now()
                    chosen.save()
                    message = message_for(digest)
                    message.connection = connection
                    message.send()
                outcome.sent += 1
            except Exception:
                log.exception("The alert digest for %s (%s) failed", user.get_username(), user.pk)
                outcome.failed += 1
    return outcome
