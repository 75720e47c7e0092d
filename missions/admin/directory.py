"""Organizations, regions, missions and contributions: the things statements are about."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.admin import display
from missions.admin.base import TrackedAdmin, TrackedInlineMixin
from missions.admin.statements import ContributionStatementInline
from missions.dates import Bound, format_precise
from missions.models import Contribution, Mission, Organization, Region, Statement, Status
from missions.reading.current import CURRENT_FIELDS
from missions.reading.querysets import related_count
from missions.web.formatting import status_label

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


# What the lists annotate on each row (get_queryset below), for the type checker.
class _MissionCount(TypedDict):
    mission_count: int


class _ContributionCount(TypedDict):
    contribution_count: int


class _Current(TypedDict):
    """``ContributionQuerySet.with_current(fields=CURRENT_FIELDS)``; None without a statement."""

    current_statement_id: int | None
    current_status: str | None
    current_end_date: date | None
    current_end_precision: str | None
    current_open_ended: bool | None


@admin.register(Organization)
class OrganizationAdmin(TrackedAdmin):
    list_display = ("acronym", "name", "mission_count")
    search_fields = ("acronym", "name")
    ordering = ("acronym",)
    fields = ("acronym", "name", "notes")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(mission_count=related_count(Mission, "organization"))
        )

    @admin.display(description=_("missions"), ordering="mission_count")
    def mission_count(self, obj: WithAnnotations[Organization, _MissionCount]) -> int:
        return obj.mission_count


@admin.register(Region)
class RegionAdmin(TrackedAdmin):
    list_display = ("name", "mission_count")
    search_fields = ("name",)
    ordering = ("name",)
    fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).annotate(mission_count=related_count(Mission, "region"))
        )

    @admin.display(description=_("missions"), ordering="mission_count")
    def mission_count(self, obj: WithAnnotations[Region, _MissionCount]) -> int:
        return obj.mission_count


class ContributionInline(TrackedInlineMixin, admin.TabularInline):
    """A mission's lines of Dutch effort, added and renamed on the mission's page."""

    model = Contribution
    fields = ("name", "capability", "loaded_version")
    show_change_link = True


@admin.register(Mission)
class MissionAdmin(TrackedAdmin):
    list_display = (
        "name",
        "acronym",
        "organization",
        "region",
        "strength",
        "mandate_open_ended",
        "contribution_count",
    )
    list_select_related = ("organization", "region")
    list_filter = ("organization", "region", "mandate_open_ended")
    search_fields = ("name", "acronym", "organization__acronym", "organization__name")
    autocomplete_fields = ("organization", "region", "source")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "acronym", "organization", "region")}),
        (
            _("Size"),
            {"fields": (("total_strength", "total_strength_qualifier"), "military_strength")},
        ),
        (
            _("Mandate"),
            {
                "fields": (
                    "mandate",
                    ("mandate_since", "mandate_open_ended"),
                    "participating_countries",
                    ("source", "source_location"),
                )
            },
        ),
    )
    inlines = [ContributionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        counted = related_count(Contribution, "mission")
        return super().get_queryset(request).annotate(contribution_count=counted)

    @admin.display(description=_("strength"), ordering="total_strength")
    def strength(self, obj: Mission) -> str:
        return display.strength(obj) or display.not_stated()

    @admin.display(description=_("contributions"), ordering="contribution_count")
    def contribution_count(self, obj: WithAnnotations[Mission, _ContributionCount]) -> int:
        return obj.contribution_count


class CurrentStatusFilter(admin.SimpleListFilter):
    title = _("current status")
    parameter_name = "current_status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return list(Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in Status.values:
            return queryset.filter(current_status=self.value())
        return queryset


@admin.register(Contribution)
class ContributionAdmin(TrackedAdmin):
    list_display = (
        "name",
        "mission_label",
        "organization",
        "region",
        "current_status",
        "current_end",
    )
    list_select_related = ("mission__organization", "mission__region")
    list_filter = (CurrentStatusFilter, "mission__organization", "mission__region")
    search_fields = ("name", "capability", "mission__name", "mission__acronym")
    autocomplete_fields = ("mission",)
    ordering = ("mission__name", "name")
    fields = ("mission", "name", "capability", "notes", "current_state")
    readonly_fields = ("current_state",)
    inlines = [ContributionStatementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The current statement's columns in the same query, by the table's rule (as_of).
        return super().get_queryset(request).with_current(fields=CURRENT_FIELDS)

    @admin.display(description=_("mission"), ordering="mission__name")
    def mission_label(self, obj: Contribution) -> str:
        return obj.mission.label

    @admin.display(description=_("organization"), ordering="mission__organization__acronym")
    def organization(self, obj: Contribution) -> str:
        return str(obj.mission.organization)

    @admin.display(description=_("region"), ordering="mission__region__name")
    def region(self, obj: Contribution) -> str:
        return str(obj.mission.region)

    @admin.display(description=_("current status"), ordering="current_status")
    def current_status(self, obj: WithAnnotations[Contribution, _Current]) -> str:
        return display.status(obj.current_status)

    @admin.display(description=_("current end"), ordering="current_end_date")
    def current_end(self, obj: WithAnnotations[Contribution, _Current]) -> str:
        if obj.current_open_ended:
            return gettext("open-ended")
        end = format_precise(obj.current_end_date, obj.current_end_precision, Bound.END)
        return end or display.not_stated()

    @admin.display(description=_("current state"))
    def current_state(self, obj: Contribution) -> str:
        if obj.pk is None:
            return display.not_stated()
        statement = (
            Statement.objects.current()
            .filter(contribution=obj)
            .select_related("document", "contribution__mission")
            .first()
        )
        if statement is None:
            return gettext("No statement yet.")
        facts = [
            capfirst(status_label(statement.status)),
            display.personnel(statement),
            display.period(statement),
            statement.conditions,
        ]
        source = ", ".join(
            part
            for part in (
                statement.document.reference,
                statement.location,
                statement.get_kind_display(),
            )
            if part
        )
        url = reverse("admin:missions_statement_change", args=[statement.pk])
        return format_html(
            '{} (<a href="{}">{}</a>)', "; ".join(fact for fact in facts if fact), url, source
        )
