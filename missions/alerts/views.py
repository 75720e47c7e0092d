"""/account/alerts/: which missions a user follows and how early to hear about an end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.alerts.digest import next_digest, settings_of
from missions.alerts.models import MAX_HORIZON_MONTHS, Follow
from missions.models import Mission
from missions.roles import VIEW_PERMISSION
from missions.web.filters import MAX_SEARCH_LENGTH, MAX_SEARCH_WORDS
from missions.web.requests import AuthenticatedRequest

# Up to this many missions the page lists every one to tick; beyond, it lists those the user
# follows and those a search finds (40,129 checkboxes, at 100,000 contributions, took 6.6 s and
# were most of the page).
LISTED_MISSIONS = 200
# A search lists at most this many; "narrow the search" beyond.
FOUND_MISSIONS = 50


class MissionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find missions to follow"),
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Part of a mission's name or acronym, e.g. Aspides."),
    )


@dataclass(frozen=True)
class MissionList:
    """The missions the alerts page lists to tick: every one of a small directory; else the
    followed ones and those ``search`` finds (``found`` of them listed; ``more_found``: the
    search found more than it lists)."""

    missions: list[Mission]
    every_mission: bool
    search: str = ""
    found: int = 0
    more_found: bool = False


def missions_to_list(user, search: str) -> MissionList:
    """Two queries on a small directory (the count, the missions), three with a search."""
    missions = Mission.objects.order_by("name", "pk")
    if missions.count() <= LISTED_MISSIONS:
        return MissionList(list(missions), every_mission=True)
    shown = Q(follows__user=user)
    found: list[int] = []
    if search:
        matching = Q()
        for word in search.split()[:MAX_SEARCH_WORDS]:
            matching &= Q(name__icontains=word) | Q(acronym__icontains=word)
        found = list(missions.filter(matching).values_list("pk", flat=True)[: FOUND_MISSIONS + 1])
        shown |= Q(pk__in=found[:FOUND_MISSIONS])
    return MissionList(
        list(missions.filter(shown).distinct()),
        every_mission=False,
        search=search,
        found=min(len(found), FOUND_MISSIONS),
        more_found=len(found) > FOUND_MISSIONS,
    )


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
        # What a ticked box may name (checked in one query on saving); which boxes are shown is
        # the page's list (``missions_to_list``).
        queryset=Mission.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their new statements, and the ends of their mandates."),
    )

    def __init__(self, *args: Any, listed: list[Mission], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every followed mission is among those listed, so the ticked boxes are the whole
        # choice: unticking one stops following it, a mission not listed stays as it was.
        self.fields["missions"].widget.choices = [(m.pk, str(m)) for m in listed]


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
    search_form = MissionSearchForm(request.GET)
    search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    listed = missions_to_list(request.user, search)
    initial = {
        "horizon_months": chosen.horizon_months,
        "all_missions": chosen.all_missions,
        "missions": list(
            Follow.objects.filter(user=request.user).values_list("mission", flat=True)
        ),
    }
    form = AlertSettingsForm(request.POST or None, initial=initial, listed=listed.missions)
    if request.method == "POST" and form.is_valid():
        save_settings(request.user, form.cleaned_data)
        return redirect(f"{request.path}?saved=1")
    today = timezone.localdate()
    context = {
        "form": form,
        "search_form": search_form,
        "listed": listed,
        "saved": request.GET.get("saved") == "1" and request.method == "GET",
        "digest": next_digest(request.user, today),
        "today": today,
        "has_email": bool(request.user.email),
    }
    status = 400 if form.errors or search_form.errors else 200
    return render(request, "account/alerts.html", context, status=status)
