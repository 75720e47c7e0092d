"""Numbered government documents: the source of every figure."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from missions.models.base import TrackedModel
from missions.models.choices import DocumentKind
from missions.querysets import document_reference


class SourceDocument(TrackedModel):
    Kind = DocumentKind

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    dossier = models.CharField(
        _("dossier"), max_length=20, blank=True, help_text=_("Kamerstuk dossier, e.g. 29521.")
    )
    number = models.CharField(
        _("number"), max_length=20, blank=True, help_text=_("Number in the dossier, e.g. 493.")
    )
    date = models.DateField(_("date"), help_text=_("The date the document bears."))
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(
        _("publication URL"),
        blank=True,
        max_length=500,
        help_text=_("Filled in from dossier and number when left empty; may be edited."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "dossier", "number"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "number"],
                condition=~Q(number=""),
                name="missions_sourcedocument_unique_dossier_number",
                violation_error_message=_("A document with this dossier and number exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="missions_sourcedocument_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(number="") | ~Q(dossier=""),
                name="missions_sourcedocument_number_needs_dossier",
                violation_error_message=_("A number needs the dossier it belongs to."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.date:%Y-%m-%d})"

    def save(self, *args, **kwargs) -> None:
        if not self.url:
            self.url = self.derived_url()
        super().save(*args, **kwargs)
        # Statements carry the document date for fast as-of queries; keep it in step.
        self.statements.exclude(document_date=self.date).update(document_date=self.date)

    @property
    def reference(self) -> str:
        """Short citation, ``29521-497``; the title when the document has no Kamerstuk number."""
        return document_reference(self.dossier, self.number, self.title)

    @property
    def citation(self) -> str:
        if self.dossier and self.number:
            return f"Kamerstuk {self.dossier}, nr. {self.number}"
        return self.title

    def derived_url(self) -> str:
        """Kamerstukken are published at officielebekendmakingen.nl under a fixed pattern."""
        if self.dossier and self.number:
            dossier = self.dossier.replace(" ", "")
            return f"https://zoek.officielebekendmakingen.nl/kst-{dossier}-{self.number}.html"
        return ""
