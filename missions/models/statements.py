"""What one document says about one contribution."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from missions.dates import Bound, PreciseDate, Precision
from missions.models.base import COUNT_VALIDATORS, TrackedModel, non_negative
from missions.models.choices import Qualifier, StatementKind, Status
from missions.models.directory import Contribution
from missions.models.documents import SourceDocument
from missions.querysets import StatementQuerySet, effective_total


class Statement(TrackedModel):
    """What one document says about one contribution: a full snapshot, never an edit in place."""

    Kind = StatementKind
    Status = Status
    Qualifier = Qualifier

    # Statuses that are no commitment (yet): such a contribution is not active on any day.
    NOT_COMMITTED = (Status.EXPLORED, Status.NOT_FEASIBLE)

    contribution = models.ForeignKey(
        Contribution, models.PROTECT, related_name="statements", verbose_name=_("contribution")
    )
    document = models.ForeignKey(
        SourceDocument, models.PROTECT, related_name="statements", verbose_name=_("document")
    )
    document_date = models.DateField(
        _("document date"), editable=False, help_text=_("Copied from the document.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=StatementKind.choices, default=StatementKind.DECISION
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    military = models.IntegerField(
        _("military"),
        null=True,
        blank=True,
        validators=COUNT_VALIDATORS,
        help_text=_("Empty when unknown; 0 only when the source says none."),
    )
    civilian = models.IntegerField(
        _("civilian experts"), null=True, blank=True, validators=COUNT_VALIDATORS
    )
    police = models.IntegerField(_("police"), null=True, blank=True, validators=COUNT_VALIDATORS)
    total = models.IntegerField(
        _("total"),
        null=True,
        blank=True,
        validators=COUNT_VALIDATORS,
        help_text=_("Total personnel; fill in when the source gives only a total."),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=20,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("'approximately' for 'circa 10', 'at most' for 'maximaal 10'."),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(
        _("start precision"), max_length=10, choices=Precision.choices, blank=True
    )
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("The last day covered.")
    )
    end_precision = models.CharField(
        _("end precision"), max_length=10, choices=Precision.choices, blank=True
    )
    open_ended = models.BooleanField(
        _("open-ended"), default=False, help_text=_("No end date: the mandate runs until ended.")
    )
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("e.g. 'provided the operation keeps meeting the legal basis'."),
    )
    location = models.CharField(
        _("where in the document"), max_length=100, blank=True, help_text=_("e.g. 'answer 11'.")
    )
    quote = models.TextField(_("quote"), blank=True, help_text=_("The sentence, verbatim."))
    notes = models.TextField(_("notes"), blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-document_date", "-document_id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [
            models.Index(
                fields=["contribution", "document_date", "document"],
                name="missions_statement_latest",
            ),
            models.Index(fields=["end_date"], name="missions_statement_end"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "document"],
                name="missions_statement_one_per_document",
                violation_error_message=_(
                    "This document already has a statement about this contribution."
                ),
            ),
            models.CheckConstraint(
                condition=non_negative("military", "civilian", "police", "total"),
                name="missions_statement_counts_non_negative",
                violation_error_message=_("A personnel count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="missions_statement_end_not_before_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="missions_statement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StatementKind.values), name="missions_statement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values),
                name="missions_statement_qualifier_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True, start_precision="")
                | Q(start_date__isnull=False, start_precision__in=Precision.values),
                name="missions_statement_start_precision_valid",
                violation_error_message=_("A start date needs a precision, and only then."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_precision="")
                | Q(end_date__isnull=False, end_precision__in=Precision.values),
                name="missions_statement_end_precision_valid",
                violation_error_message=_("An end date needs a precision, and only then."),
            ),
            models.CheckConstraint(
                condition=Q(open_ended=False) | Q(end_date__isnull=True),
                name="missions_statement_open_ended_has_no_end",
                violation_error_message=_("An open-ended contribution has no end date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.reference}: {self.contribution} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        self.document_date = self.document.date
        super().save(*args, **kwargs)

    @property
    def start(self) -> PreciseDate | None:
        if self.start_date is None:
            return None
        return PreciseDate(self.start_date, Precision(self.start_precision))

    @property
    def end(self) -> PreciseDate | None:
        if self.end_date is None:
            return None
        return PreciseDate(self.end_date, Precision(self.end_precision))

    @property
    def start_display(self) -> str:
        return self.start.display(Bound.START) if self.start else ""

    @property
    def end_display(self) -> str:
        if self.open_ended:
            return str(_("open-ended"))
        return self.end.display(Bound.END) if self.end else ""

    @property
    def effective_total(self) -> int | None:
        """The total as stated, else the sum of the categories that are known; None if none is."""
        return effective_total(self.total, self.military, self.civilian, self.police)

    @property
    def is_approximate(self) -> bool:
        return self.qualifier != self.Qualifier.EXACT

    def is_active_on(self, day: date) -> bool:
        """Python twin of ``StatementQuerySet.active_on``, for one statement already loaded."""
        if self.status in self.NOT_COMMITTED:
            return False
        if self.status == self.Status.ENDED and self.end_date is None:
            return False
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or self.end_date >= day)
