"""An uploaded spreadsheet between its preview and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    """The cells read from one upload, kept for the analyst who uploaded it until confirmed.

    In the database, not in a file on the server that previewed it, so that any app server can
    confirm it. Only the cells are kept, never the uploaded file. Rows older than a day are
    removed whenever a new upload is stored (``missions.imports.pending``).
    """

    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file name"), max_length=100)
    table = models.JSONField(_("cells"), help_text=_("The header and the rows, as text cells."))
    fingerprint = models.CharField(
        _("fingerprint of the preview"),
        max_length=64,
        blank=True,
        help_text=_("Of the preview last shown; a confirmation applies only that preview."),
    )
    preview = models.JSONField(
        _("preview last shown"),
        default=dict,
        blank=True,
        help_text=_(
            "Each row's verdict as last previewed, and the data version, language and day it "
            "was planned for: the preview's other pages show it while those stay the same."
        ),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
