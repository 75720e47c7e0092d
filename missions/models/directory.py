"""Who runs missions, where, the missions themselves, and the Dutch contributions to them."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from missions.models.base import COUNT_VALIDATORS, TrackedModel, non_negative
from missions.models.choices import Qualifier
from missions.reading.current import ContributionQuerySet


class Organization(TrackedModel):
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. European Union"))
    acronym = models.CharField(_("acronym"), max_length=40, help_text=_("e.g. EU, NATO, UN"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["acronym"], name="missions_organization_unique_acronym"
            ),
        ]

    def __str__(self) -> str:
        return self.acronym


class Region(TrackedModel):
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Red Sea, Western Balkans"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="missions_region_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Mission(TrackedModel):
    name = models.CharField(_("name"), max_length=300, help_text=_("The mission's full name."))
    acronym = models.CharField(_("acronym"), max_length=60, blank=True, help_text=_("e.g. UNTSO"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="missions", verbose_name=_("organization")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="missions", verbose_name=_("region")
    )
    total_strength = models.IntegerField(
        _("total strength"),
        null=True,
        blank=True,
        validators=COUNT_VALIDATORS,
        help_text=_("All staff of the mission, every nation. Empty when the source gives none."),
    )
    total_strength_qualifier = models.CharField(
        _("total strength qualifier"),
        max_length=20,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("'approximately' for 'ongeveer 70'."),
    )
    military_strength = models.IntegerField(
        _("of which military"),
        null=True,
        blank=True,
        validators=COUNT_VALIDATORS,
        help_text=_("The mission's military staff, where the source says (UNTSO: 159 of 388)."),
    )
    participating_countries = models.TextField(
        _("participating countries"), blank=True, help_text=_("Comma-separated, as the source.")
    )
    mandate = models.TextField(
        _("mandate or legal basis"), blank=True, help_text=_("What the mission is mandated to do.")
    )
    mandate_since = models.PositiveSmallIntegerField(
        _("mandate since (year)"), null=True, blank=True, help_text=_("UNTSO: 1948.")
    )
    mandate_open_ended = models.BooleanField(
        _("open-ended mandate"), default=False, help_text=_("The mandate has no end date.")
    )
    source = models.ForeignKey(
        "SourceDocument",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source of the mission facts"),
    )
    source_location = models.CharField(_("where in the source"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="missions_mission_unique_name"),
            models.CheckConstraint(
                condition=non_negative("total_strength", "military_strength"),
                name="missions_mission_strength_non_negative",
                violation_error_message=_("A strength cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(total_strength__isnull=True)
                | Q(military_strength__isnull=True)
                | Q(military_strength__lte=F("total_strength")),
                name="missions_mission_military_within_total",
                violation_error_message=_("The military staff cannot exceed the total strength."),
            ),
            models.CheckConstraint(
                condition=Q(total_strength_qualifier__in=Qualifier.values),
                name="missions_mission_qualifier_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acronym} ({self.name})" if self.acronym else self.name

    @property
    def label(self) -> str:
        return self.acronym or self.name


class Contribution(TrackedModel):
    mission = models.ForeignKey(
        Mission, models.PROTECT, related_name="contributions", verbose_name=_("mission")
    )
    name = models.CharField(
        _("contribution"),
        max_length=300,
        help_text=_("One line of Dutch effort, e.g. 'national staff', 'infantry company'."),
    )
    capability = models.CharField(
        _("capability"),
        max_length=300,
        blank=True,
        help_text=_("What is contributed besides people: an MRTT tanker aircraft, a navy ship."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["mission__name", "name"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "name"], name="missions_contribution_unique_name_per_mission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission.label}: {self.name}"
