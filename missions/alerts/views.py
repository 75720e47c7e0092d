"""/account/alerts/: which missions a user follows and how early to hear about an end."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.alerts.digest import next_digest, settings_of
from missions.alerts.models import MAX_HORIZON_MONTHS, Follow
from missions.models import Mission
from missions.roles import VIEW_PERMISSION
from missions.web.requests import AuthenticatedRequest


class AlertSettingsForm(forms.Form):
    horizon_months = forms.IntegerField(
        label=_("Tell me this many months before a mandate ends"),
        min_value=0,
        max_value=MAX_HORIZON_MONTHS,
        help_text=_("0 turns the end-of-mandate alerts off."),
    )
    all_missions = forms.BooleanField(
        label=_("About the ends of all missions, not only those I follow"), required=False
    )
    missions = forms.ModelMultipleChoiceField(
        label=_("Missions I follow"),
        queryset=Mission.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their new statements, and the ends of their mandates."),
    )


@transaction.atomic
def save_settings(user, data: dict) -> None:
    chosen = settings_of(user)
    chosen.horizon_months = data["horizon_months"]
    chosen.all_missions = data["all_missions"]
    chosen.save()
    wanted = {mission.pk for mission in data["missions"]}
    Follow.objects.filter(user=user).exclude(mission__in=wanted).delete()
    # Missions followed before keep their "since": their history is not mailed again.
    kept = set(Follow.objects.filter(user=user).values_list("mission_id", flat=True))
    Follow.objects.bulk_create(
        [Follow(user=user, mission_id=pk) for pk in sorted(wanted - kept)], ignore_conflicts=True
    )


@permission_required(VIEW_PERMISSION, raise_exception=True)
def alert_settings(request: AuthenticatedRequest) -> HttpResponse:
    chosen = settings_of(request.user)
    initial = {
        "horizon_months": chosen.horizon_months,
        "all_missions": chosen.all_missions,
        "missions": list(
            Follow.objects.filter(user=request.user).values_list("mission", flat=True)
        ),
    }
    form = AlertSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_settings(request.user, form.cleaned_data)
        return redirect(f"{request.path}?saved=1")
    today = timezone.localdate()
    context = {
        "form": form,
        "saved": request.GET.get("saved") == "1" and request.method == "GET",
        "digest": next_digest(request.user, today),
        "today": today,
        "has_email": bool(request.user.email),
    }
    return render(request, "account/alerts.html", context, status=400 if form.errors else 200)
