"""What a document says about a mission itself, when it says nothing of a Dutch contribution.

"UNIFIL and UNDOF" named in passing, "EMASoH has recently ended": facts a reader needs, that
must not invent a Dutch contribution (with a status and figures) the source never mentions.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models.base import TrackedModel
from missions.models.choices import MissionStatus
from missions.models.directory import Mission
from missions.models.documents import SourceDocument


class MissionStatement(TrackedModel):
    Status = MissionStatus

    mission = models.ForeignKey(
        Mission, models.PROTECT, related_name="mission_statements", verbose_name=_("mission")
    )
    document = models.ForeignKey(
        SourceDocument,
        models.PROTECT,
        related_name="mission_statements",
        verbose_name=_("document"),
    )
    status = models.CharField(_("status"), max_length=20, choices=MissionStatus.choices)
    location = models.CharField(
        _("where in the document"), max_length=100, blank=True, help_text=_("e.g. 'answer 3'.")
    )
    quote = models.TextField(_("quote"), blank=True, help_text=_("The sentence, verbatim."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-document__date", "mission__name"]
        verbose_name = _("statement about a mission")
        verbose_name_plural = _("statements about missions")
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "document"],
                name="missions_missionstatement_one_per_document",
                violation_error_message=_(
                    "This document already has a statement about this mission."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MissionStatus.values),
                name="missions_missionstatement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.reference}: {self.mission.label} ({self.get_status_display()})"
