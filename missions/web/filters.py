"""The contributions table's filters, shared by the page and its exports.

``filter_contributions`` is the one entry point: the table view and the CSV/XLSX export both call
it with the request's query string, so an export holds exactly the rows of the filtered view.
A filter whose input does not validate is left out (its error is shown on the page); the other
filters still apply, so a typo in one field never turns into a 500 or an empty table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from missions.columns import REGISTRY
from missions.dates import validate_date_in_range
from missions.models import Organization, Region, SourceDocument, Statement, Status
from missions.reading.querysets import StatementQuerySet
from missions.reading.sorting import default_order
from missions.web.counting import FACET_GROUPS, table_counts

# Longest horizon for "expires within N months"; beyond a century it is a typo.
MAX_MONTHS = 1200
# A search is a few words; a page of text would only make a huge query (each word is six LIKEs).
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 10

PERSONNEL_CATEGORIES = (
    ("military", _("military")),
    ("civilian", _("civilian experts")),
    ("police", _("police")),
)

# The filters on the end date: a row that states no end is never among their rows.
END_FILTERS = ("end_after", "end_before", "expires_within")

# The order a table or export lists rows in unless the user sorts (the registry's).
DEFAULT_ORDER = default_order()


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, which every language accepts."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


# Largest id a database column holds; a bigger "id" in a URL would overflow the query itself.
MAX_ID = 2**63 - 1


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A choice by id that refuses what is no id (letters, huge numbers) as an invalid choice,
    before it reaches the database."""

    def to_python(self, value: Any) -> Any:
        reference = _REFERENCE.fullmatch(str(value).strip())
        if reference:
            # "29521-497" (or "29 521-497"), as a reader cites it: typed, not picked from a list.
            dossier, number = reference.group(1).replace(" ", ""), reference.group(2)
            found = self.queryset.filter(dossier=dossier, number=number).first()
            if found is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return found
        text = str(value).strip()
        if value not in self.empty_values and not (
            text.isascii() and text.isdigit() and int(text) <= MAX_ID
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class DocumentFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


# A Kamerstuk reference: dossier (digits, maybe spaced, maybe with a sub-number), dash, number.
_REFERENCE = re.compile(r"(\d[\d ]*(?:-\d+)?)-(\d+)", re.ASCII)


class ContributionFilter(django_filters.FilterSet):
    """Filters over statements; the rows are each contribution's latest statement (``as_of``)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=MAX_SEARCH_LENGTH,
        help_text=_("Mission name or acronym, contribution, notes."),
    )
    organization = django_filters.ModelMultipleChoiceFilter(
        label=_("Organization"),
        field_name="contribution__mission__organization__acronym",
        to_field_name="acronym",
        queryset=Organization.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    region = django_filters.ModelMultipleChoiceFilter(
        label=_("Region"),
        field_name="contribution__mission__region__name",
        to_field_name="name",
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    present = django_filters.MultipleChoiceFilter(
        label=_("Personnel present"),
        choices=PERSONNEL_CATEGORIES,
        method="filter_present",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only rows that give a figure for each category ticked."),
        distinct=False,
    )
    end_after = django_filters.DateFilter(
        label=_("Ends on or after"),
        field_name="end_date",
        lookup_expr="gte",
        widget=DateInput,
        validators=[validate_date_in_range],
    )
    end_before = django_filters.DateFilter(
        label=_("Ends on or before"),
        field_name="end_date",
        lookup_expr="lte",
        widget=DateInput,
        validators=[validate_date_in_range],
    )
    expires_within = django_filters.NumberFilter(
        label=_("Expires within (months)"),
        method="filter_expires_within",
        min_value=0,
        max_value=MAX_MONTHS,
        decimal_places=0,
    )
    as_of = django_filters.DateFilter(
        label=_("As of"),
        method="filter_nothing",
        widget=DateInput,
        validators=[validate_date_in_range],
        help_text=_("The table as the documents stood on that day."),
    )
    corrected = django_filters.BooleanFilter(
        label=_("As corrected since"),
        method="filter_nothing",
        widget=forms.CheckboxInput,
        help_text=_(
            "On that day as we know it now: a statement corrected later reads as corrected."
        ),
    )
    document = DocumentFilter(
        label=_("Source document"),
        queryset=SourceDocument.objects.all(),
        # A reference box, not a list: at scale a list of every document is most of the page.
        widget=forms.TextInput(attrs={"placeholder": "29521-497", "size": 12}),
        help_text=_("Its reference, e.g. 29521-497."),
    )

    class Meta:
        model = Statement
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, today: date, **kwargs: Any):
        # "Today" comes from the caller (the view reads the clock), never from deep in here.
        self.today = today
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset: StatementQuerySet) -> StatementQuerySet:
        # The rows are the latest statements as of the chosen day (or now); every other filter
        # narrows those rows and never changes which statement is the latest.
        queryset = self.in_force(queryset)
        return super().filter_queryset(queryset)

    def in_force(self, queryset: StatementQuerySet) -> StatementQuerySet:
        """The rows before any other filter: in force on the as-of day, corrected if asked."""
        cleaned = self.form.cleaned_data
        return queryset.as_of(cleaned.get("as_of"), corrected=bool(cleaned.get("corrected")))

    def filter_without(self, *names: str) -> StatementQuerySet:
        """The rows with every filter but ``names`` applied: the base of a field's facet."""
        self.errors  # noqa: B018 - validates the form, so cleaned_data exists
        queryset = self.in_force(self.queryset.all())
        for field, value in self.form.cleaned_data.items():
            if field not in names:
                queryset = self.filters[field].filter(queryset, value)
        return queryset

    def left_out(self) -> list[str]:
        """What the filters leave out without the reader asking: an end filter cannot keep a
        row that states no end (open-ended, or not given), so say how many the other filters
        would have shown. One COUNT query, only when an end filter is used."""
        self.errors  # noqa: B018 - validates the form, so cleaned_data exists
        used = [name for name in END_FILTERS if self.form.cleaned_data.get(name) is not None]
        if not used:
            return []
        count = self.filter_without(*END_FILTERS).filter(end_date__isnull=True).count()
        if not count:
            return []
        return [
            ngettext(
                "%(count)s row without a stated end (open-ended or not given) is not shown: "
                "an end filter cannot place it.",
                "%(count)s rows without a stated end (open-ended or not given) are not shown: "
                "an end filter cannot place them.",
                count,
            )
            % {"count": count}
        ]

    def filter_text(self, queryset: StatementQuerySet, name: str, value: str) -> StatementQuerySet:
        condition = Q()
        for word in value.split()[:MAX_SEARCH_WORDS]:
            condition &= (
                Q(contribution__mission__name__icontains=word)
                | Q(contribution__mission__acronym__icontains=word)
                | Q(contribution__name__icontains=word)
                | Q(contribution__capability__icontains=word)
                | Q(contribution__notes__icontains=word)
                | Q(notes__icontains=word)
            )
        return queryset.filter(condition)

    def filter_present(
        self, queryset: StatementQuerySet, name: str, value: list[str]
    ) -> StatementQuerySet:
        # A category is present when the source gives a figure for it, even 0; unknown is absent.
        return queryset.filter(**{f"{category}__isnull": False for category in value})

    def filter_expires_within(
        self, queryset: StatementQuerySet, name: str, value: Any
    ) -> StatementQuerySet:
        if value is None:
            return queryset
        # The expiring report's rule (commitments only, both days included), from the day the
        # rows stand on.
        day = self.form.cleaned_data.get("as_of") or self.today
        return queryset.expiring_within(months=int(value), today=day)

    def filter_nothing(self, queryset: StatementQuerySet, name: str, value: Any):
        # as_of and corrected pick the rows in filter_queryset; they are fields only for the
        # form and its errors.
        return queryset


def applied_filters(filterset: ContributionFilter) -> list[tuple[str, str]]:
    """(label, value in words) for every filter in use, in the form's order: what a printed
    page or a shared screenshot must say it holds."""
    if not filterset.is_valid():
        return []
    labels = dict(Status.choices) | {key: str(label) for key, label in PERSONNEL_CATEGORIES}
    applied = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value == "" or value is False:
            continue
        if isinstance(value, date):
            shown = date_format(value)
        elif isinstance(value, str):
            shown = value
        elif isinstance(value, SourceDocument):
            shown = value.reference
        elif isinstance(value, Decimal | int):
            shown = str(int(value))
        else:
            # Several choices: the values sent (acronyms, region names, status keys) say it,
            # without reading the chosen rows again.
            sent = [labels.get(item, item) for item in filterset.data.getlist(name)]
            if not sent:
                continue
            shown = ", ".join(str(item) for item in sent)
        applied.append((str(filterset.filters[name].label), shown))
    return applied


def filter_contributions(
    params: QueryDict, today: date
) -> tuple[ContributionFilter, StatementQuerySet]:
    """The filterset (for the form and its errors) and the rows of the contributions table.

    The rows are all of them, not one page, with everything a row shows selected in the same
    query, ordered by mission and contribution unless the caller orders them otherwise.
    """
    base = Statement.objects.with_related().order_by(*DEFAULT_ORDER)
    filterset = ContributionFilter(params, queryset=base, today=today)
    return filterset, filterset.qs


def chosen_columns(params: QueryDict) -> list[str]:
    """The export columns picked in ``columns`` (repeated or comma-separated), canonical order.

    Unknown keys (and the table-only ``time_left``) are ignored; nothing valid picked means all.
    """
    exported = REGISTRY.exported()
    picked = requested_keys(params)
    keys = [key for key in exported if key in picked]
    return keys or list(exported)


def requested_keys(params: QueryDict) -> set[str]:
    """Every key named in the ``columns`` parameter, valid or not."""
    return {
        key.strip()
        for value in params.getlist("columns")
        for key in value.split(",")
        if key.strip()
    }


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    title: str = ""


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]


def facets(filterset: ContributionFilter) -> list[Facet]:
    """Counts per organization, region and status, each given all the *other* filters.

    As in Datasette: ticking an option shows what the others would add. Counted once per view
    and data version (``missions.web.counting``)."""
    counted = table_counts(filterset)
    choices = counted.choices | {
        "status": [(value, str(label), "") for value, label in Status.choices]
    }
    return [
        Facet(
            name,
            str(filterset.filters[name].label),
            [
                FacetOption(
                    value,
                    label,
                    counted.facets[name].get(value, 0),
                    value in filterset.data.getlist(name),
                    title,
                )
                for value, label, title in choices[name]
            ],
        )
        for name in FACET_GROUPS
    ]
