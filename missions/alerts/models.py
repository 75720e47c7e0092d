"""What each user wants to hear about, and what they have been told."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_HORIZON_MONTHS = 3
# Beyond ten years ahead an alert is no alert.
MAX_HORIZON_MONTHS = 120


class AlertSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="alert_settings",
        verbose_name=_("user"),
    )
    horizon_months = models.PositiveSmallIntegerField(
        _("months before an end"),
        default=DEFAULT_HORIZON_MONTHS,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_HORIZON_MONTHS)],
        help_text=_("Tell me this many months before a mandate ends; 0 turns these alerts off."),
    )
    all_missions = models.BooleanField(
        _("ends of all missions"),
        default=False,
        help_text=_("Tell me about the ends of every mission's mandates, not only those I follow."),
    )
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon_months__lte=MAX_HORIZON_MONTHS),
                name="missions_alertsettings_horizon_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.horizon_months}"


class Follow(models.Model):
    """A user follows a mission: its new statements and the ends of its mandates."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="follows", verbose_name=_("user")
    )
    mission = models.ForeignKey(
        "missions.Mission", models.CASCADE, related_name="follows", verbose_name=_("mission")
    )
    # New statements count from here: following a mission does not mail its whole history.
    since = models.DateTimeField(_("following since"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed mission")
        verbose_name_plural = _("followed missions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "mission"], name="missions_follow_unique_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.mission}"


class AlertNotice(models.Model):
    """One statement a user was told about in a digest, and why: never told twice."""

    class Reason(models.TextChoices):
        ENDING = "ending", _("mandate ending")
        NEW = "new", _("new statement")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="alert_notices",
        verbose_name=_("user"),
    )
    statement = models.ForeignKey(
        "missions.Statement",
        models.CASCADE,
        related_name="alert_notices",
        verbose_name=_("statement"),
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("alert sent")
        verbose_name_plural = _("alerts sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "statement", "reason"], name="missions_alertnotice_once"
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=["ending", "new"]),
                name="missions_alertnotice_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.statement_id} ({self.reason})"
