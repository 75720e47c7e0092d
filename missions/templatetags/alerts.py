"""The dashboard's preview of the reader's next alert digest."""

from __future__ import annotations

from django import template
from django.utils import timezone

from missions.alerts.digest import next_digest

register = template.Library()

# The dashboard lists this many of each kind; the alerts page links to the rest.
PREVIEW_ITEMS = 10


@register.inclusion_tag("alerts/_next_digest.html", takes_context=True)
def next_digest_preview(context) -> dict:
    request = context["request"]
    today = context.get("today") or timezone.localdate()
    return {"digest": next_digest(request.user, today, limit=PREVIEW_ITEMS), "today": today}
