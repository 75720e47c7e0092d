"""The five nouns of the tracker: who runs missions, the missions, the Dutch contributions to them,
the government documents, and what each document states about each contribution.

Statements are only ever added: a contribution's current state is its latest statement by
document date, its state on a past day the latest statement from a document dated on or before it
(see querysets.py). Every rule that the database can hold is a named constraint, so that a bad row
is refused by the database itself and, through ``Model.validate_constraints``, shown as a clear
form error in the admin.
"""

from __future__ import annotations

from datetime import date

from django.core.validators import MinValueValidator
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from missions.dates import Bound, PreciseDate, Precision
from missions.locking import claim_next_version
from missions.querysets import StatementQuerySet

COUNT_VALIDATORS = [MinValueValidator(0)]


class Qualifier(models.TextChoices):
    """How a figure is meant: 'circa 10' stays approximate, 'maximaal 10' is an upper bound."""

    EXACT = "exact", _("exact")
    APPROXIMATELY = "approximately", _("approximately")
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class DocumentKind(models.TextChoices):
    ARTICLE_100 = "article_100", _("article 100 letter")
    KAMERBRIEF = "kamerbrief", _("Kamerbrief")
    WRITTEN_CONSULTATION = "written_consultation", _("report of a written consultation")
    COUNCIL_REPORT = "council_report", _("Council report")
    OTHER = "other", _("other")


class StatementKind(models.TextChoices):
    DECISION = "decision", _("decision")
    CORRECTION = "correction", _("correction")
    INFORMATION = "information", _("information")


class Status(models.TextChoices):
    CONTINUED = "continued", _("continued")
    EXTENDED = "extended", _("extended")
    SCALED_UP = "scaled_up", _("scaled up")
    SCALED_DOWN = "scaled_down", _("scaled down")
    NEW = "new", _("new")
    EXPLORED = "explored", _("explored")
    NOT_FEASIBLE = "not_feasible", _("not feasible")
    ENDED = "ended", _("ended")


def non_negative(*fields: str) -> Q:
    """Each field empty (unknown) or zero and up."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})
    return condition


class TrackedModel(models.Model):
    """Common columns: timestamps, an edit version for conflict detection, and the audit trail."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save, so that a stale edit is refused instead of lost."),
    )
    # One history row per save: who, when, which fields, and the reason given in the admin.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        """Save; an existing row only if it still has the version this instance was loaded with.

        Raises ``missions.locking.StaleEditError`` (and writes nothing) when someone else saved
        the row in the meantime, so that their update is not lost. New rows are inserted as usual.
        """
        if self.pk is None or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        loaded = self.version
        try:
            # One transaction: the version claim is undone if writing the values fails.
            with transaction.atomic(using=using):
                # A new instance with a given key inserts if the row is absent, but must not
                # blindly overwrite a row that exists.
                claim_next_version(self, using, absent_ok=self._state.adding)
                super().save(*args, **kwargs)
        except BaseException:
            self.version = loaded
            raise


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
        if self.dossier and self.number:
            return f"{self.dossier}-{self.number}"
        return self.title

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
        if self.total is not None:
            return self.total
        known = [n for n in (self.military, self.civilian, self.police) if n is not None]
        return sum(known) if known else None

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
