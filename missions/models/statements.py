"""What one document says about one contribution."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from missions.dates import Bound, PreciseDate, Precision
from missions.models.base import COUNT_VALIDATORS, TrackedModel, non_negative
from missions.models.choices import Qualifier, StatementKind, Status
from missions.models.directory import Contribution
from missions.models.documents import SourceDocument
from missions.reading.querysets import StatementQuerySet, effective_total
from missions.reading.supersession import refresh_supersession

# The known categories added up, unknown counting as nothing: a stated total cannot be below it.
KNOWN_CATEGORIES_SUM = (
    Coalesce("military", Value(0)) + Coalesce("civilian", Value(0)) + Coalesce("police", Value(0))
)


class Statement(TrackedModel):
    """What one document says about one contribution: a full snapshot, never an edit in place."""

    Kind = StatementKind
    Status = Status
    Qualifier = Qualifier

    # Statuses that are no commitment (yet, or any more): not active on any day, nothing to
    # expire. "Intended" is announced but not decided; "declined" was turned down.
    NOT_COMMITTED = (Status.INTENDED, Status.EXPLORED, Status.NOT_FEASIBLE, Status.DECLINED)

    contribution = models.ForeignKey(
        Contribution, models.PROTECT, related_name="statements", verbose_name=_("contribution")
    )
    document = models.ForeignKey(
        SourceDocument, models.PROTECT, related_name="statements", verbose_name=_("document")
    )
    document_date = models.DateField(
        _("document date"), editable=False, help_text=_("Copied from the document.")
    )
    # The second end of the statement's line of time: the date of the next statement about the
    # same contribution (empty while it is the latest). "As of D" is then the range filter
    # document_date <= D < superseded_on. Kept by missions.reading.supersession on every write.
    superseded_on = models.DateField(
        _("superseded on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the next statement about this contribution; empty while latest."),
    )
    corrects = models.ForeignKey(
        "self",
        # Like PROTECT, but a delete that takes the correction along (a flush) may go ahead.
        models.RESTRICT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
        help_text=_("For a correction: the earlier statement it says was wrong ('per abuis')."),
    )
    # Derived from ``corrects``: the last correction in the chain, so that "as we know it now"
    # replaces a statement with one join. Kept by missions.reading.supersession.
    corrected_by = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("corrected by"),
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
    start_inferred = models.BooleanField(
        _("start inferred"),
        default=False,
        help_text=_("The start is not in the text; it was derived (say how in the note)."),
    )
    end_inferred = models.BooleanField(
        _("end inferred"),
        default=False,
        help_text=_("The end is not in the text; it was derived (say how in the note)."),
    )
    inference_note = models.CharField(
        _("how it was inferred"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 'derived: all national frameworks run to end of June 2028'."),
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

    # The contribution the row had when read (``from_db``); None for a row not read yet.
    _stored_contribution_id: int | None = None

    # ``as_of(corrected=True)`` sets this on a correction shown in place of the statement that
    # was in force on the day asked about; every other row reads False.
    shown_in_place = False

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
            # "As of D": document_date <= D and (superseded_on > D or still the latest).
            # Covering for the counts every table page makes (facets, totals): the rows in force
            # and what they are grouped by are read from the index alone.
            models.Index(
                fields=["superseded_on", "document_date", "contribution", "status"],
                name="missions_statement_in_force",
            ),
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
                condition=Q(total__isnull=True) | Q(total__gte=KNOWN_CATEGORIES_SUM),
                name="missions_statement_total_covers_categories",
                violation_error_message=_(
                    "The total cannot be less than the military, civilian and police figures "
                    "added up."
                ),
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | Q(kind=StatementKind.CORRECTION),
                name="missions_statement_only_corrections_correct",
                violation_error_message=_("Only a statement of kind correction corrects another."),
            ),
            models.CheckConstraint(
                condition=(Q(start_inferred=False) & Q(end_inferred=False)) | ~Q(inference_note=""),
                name="missions_statement_inferred_has_note",
                violation_error_message=_("Say how an inferred date was derived."),
            ),
            models.CheckConstraint(
                condition=Q(open_ended=False) | Q(end_date__isnull=True),
                name="missions_statement_open_ended_has_no_end",
                violation_error_message=_("An open-ended contribution has no end date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.reference}: {self.contribution} ({self.get_status_display()})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Statement:
        instance = super().from_db(db, field_names, values, **kwargs)
        # Remembered so that moving a statement to another contribution refreshes both lines.
        instance._stored_contribution_id = instance.__dict__.get("contribution_id")
        return instance

    def save(self, *args, **kwargs) -> None:
        self.document_date = self.document.date
        super().save(*args, **kwargs)
        touched = {self.contribution_id, getattr(self, "_stored_contribution_id", None)}
        refresh_supersession(pk for pk in touched if pk is not None)
        self._stored_contribution_id = self.contribution_id
        # The stored columns may have moved with this save; read them back so that a second
        # save of this instance does not write stale values (refreshed again anyway).
        self.superseded_on, self.corrected_by_id = (
            type(self)
            ._default_manager.filter(pk=self.pk)
            .values_list("superseded_on", "corrected_by_id")
            .get()
        )

    def clean(self) -> None:
        super().clean()
        self._clean_correction()

    def _clean_correction(self) -> None:
        """A correction corrects an earlier statement about the same contribution."""
        if self.kind == StatementKind.CORRECTION and self.corrects_id is None:
            raise ValidationError({"corrects": _("Name the statement this correction corrects.")})
        if self.corrects_id is None or self.contribution_id is None:
            return
        corrected = self.corrects
        assert corrected is not None  # corrects_id is set
        if corrected.pk == self.pk:
            raise ValidationError({"corrects": _("A statement cannot correct itself.")})
        if corrected.contribution_id != self.contribution_id:
            raise ValidationError(
                {"corrects": _("A correction corrects a statement about the same contribution.")}
            )
        if self.document_id is not None and (
            corrected.document.date,
            corrected.document_id,
        ) >= (self.document.date, self.document_id):
            raise ValidationError(
                {"corrects": _("A correction comes from a later document than what it corrects.")}
            )

    @property
    def cited_statement(self) -> Statement:
        """The statement a row cites as its source: the one in force on the day asked about.

        When a correction stands in for it (``as_of(corrected=True)``), that is the statement it
        corrects; the correction is then ``correction``."""
        if self.shown_in_place and self.corrects is not None:
            return self.corrects
        return self

    @property
    def correction(self) -> Statement | None:
        """The correction of what this row cites: standing in for it, or made later."""
        return self if self.shown_in_place else self.corrected_by

    @property
    def citation(self) -> str:
        """``29521-497, answer 11``: the document and where in it."""
        reference = self.document.reference
        return f"{reference}, {self.location}" if self.location else reference

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


@receiver(post_delete, sender=Statement)
def _refresh_after_delete(sender: type[Statement], instance: Statement, **kwargs: object) -> None:
    # Runs for queryset deletes too (the admin's bulk delete): the line of time closes the gap.
    refresh_supersession([instance.contribution_id])
