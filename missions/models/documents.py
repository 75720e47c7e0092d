"""Numbered government documents: the source of every figure."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.dates import EARLIEST_DATE, LATEST_DATE, Bound, PreciseDate, Precision
from missions.models.base import TrackedModel
from missions.models.choices import DocumentKind
from missions.reading.querysets import SourceDocumentQuerySet, document_reference
from missions.reading.supersession import refresh_supersession


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
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("How much of the date the source gives: a day, only a month, only a year."),
    )
    date_inferred = models.BooleanField(
        _("date inferred"),
        default=False,
        help_text=_(
            "The date (or its year) is not in the text itself, e.g. '12 januari jl.' or "
            "'bij brief van ...'; say how in the note."
        ),
    )
    number_inferred = models.BooleanField(
        _("number inferred"),
        default=False,
        help_text=_("The dossier and number come from outside the text (e.g. its publication)."),
    )
    inference_note = models.CharField(
        _("how it was inferred"),
        max_length=500,
        blank=True,
        help_text=_("Where the inferred date or number comes from."),
    )
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(
        _("publication URL"),
        blank=True,
        max_length=500,
        help_text=_("Filled in from dossier and number when left empty; may be edited."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "dossier", "number"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        indexes = [
            # The changes report walks the documents of a period in date order and reads their
            # statements by document, stopping after a page: 150 ms -> 1.5 ms for its first page
            # at 100,000 contributions on SQLite (the statements' own document_date would need
            # an index the as-of reads would then pick over ``missions_statement_in_force``).
            models.Index(fields=["date"], name="missions_sourcedocument_date"),
        ]
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
                condition=Q(date_precision__in=Precision.values),
                name="missions_sourcedocument_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=(Q(date_inferred=False) & Q(number_inferred=False))
                | ~Q(inference_note=""),
                name="missions_sourcedocument_inferred_has_note",
                violation_error_message=_("Say where an inferred date or number comes from."),
            ),
            models.CheckConstraint(
                condition=Q(date__gte=EARLIEST_DATE) & Q(date__lte=LATEST_DATE),
                name="missions_sourcedocument_date_in_range",
                violation_error_message=_("A document date must lie between 1900 and 2200."),
            ),
            models.CheckConstraint(
                condition=Q(number="") | ~Q(dossier=""),
                name="missions_sourcedocument_number_needs_dossier",
                violation_error_message=_("A number needs the dossier it belongs to."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.date:%Y-%m-%d})"

    def clean(self) -> None:
        super().clean()
        self.refuse_future_date(timezone.localdate())

    def refuse_future_date(self, today: datetime.date) -> None:
        """A document bears a date that has come: "current" means as of today, so a document
        dated later would quietly take effect on that day. Refused where people type dates."""
        if self.date is not None and self.date > today:
            raise ValidationError(
                {
                    "date": _(
                        "%(date)s is after today (%(today)s): register a document once it is dated."
                    )
                    % {"date": self.date.isoformat(), "today": today.isoformat()}
                }
            )

    def save(self, *args, **kwargs) -> None:
        if not self.url:
            self.url = self.derived_url()
        super().save(*args, **kwargs)
        # Statements carry the document date for fast as-of queries; keep it (and their line of
        # time, which the date orders) in step.
        moved = self.statements.exclude(document_date=self.date)
        contributions = list(moved.values_list("contribution_id", flat=True))
        if contributions:
            moved.update(document_date=self.date)
            refresh_supersession(contributions)

    @property
    def date_display(self) -> str:
        """The date in the precision the source gives, marked when it is inferred."""
        shown = PreciseDate(self.date, Precision(self.date_precision)).display(Bound.START)
        return f"{shown} ({_('inferred')})" if self.date_inferred else shown

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
