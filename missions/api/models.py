"""Personal API tokens: only a hash is stored, so a leaked database leaks no usable key."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The part of a key shown in lists, so a user can tell their tokens apart.
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    # A key is 256 random bits: a plain SHA-256 suffices (no password stretching needed).
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'weekly note'.")
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="missions_apitoken_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """A new token and its key; the key is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key)
        )
        return token, key

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
