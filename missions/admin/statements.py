"""Statements: their own admin, the editable inline of a document, the history of a contribution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.paginator import Paginator
from django.db import models
from django.forms import BaseInlineFormSet, Textarea
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from missions.admin import display
from missions.admin.base import TrackedAdmin, TrackedInlineMixin
from missions.models import Contribution, SourceDocument, Statement
from missions.reading.paging import IdsFirst
from missions.reading.querysets import LATEST_FIRST, NEWEST_DOCUMENTS_FIRST
from missions.web.forms import StatementForm

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    # What the mixin is mixed into, so that the type checker knows its super() calls.
    _AdminBase = admin.options.BaseModelAdmin
else:
    _AdminBase = object


class ContributionLabelsMixin(_AdminBase):
    """Contribution choices are labelled "mission: contribution"; fetch the mission with them."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "contribution":
            kwargs["queryset"] = Contribution.objects.select_related("mission")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RecentDocumentFilter(admin.RelatedFieldListFilter):
    """The newest documents to filter by, and any chosen: every document as a link was most of
    the statements list at scale (5,000 documents at 100,000 contributions). An older document:
    its own page lists its statements, and the search finds them by its dossier or number."""

    SHOWN = 25

    def field_choices(
        self, field, request: HttpRequest, model_admin
    ) -> list[tuple[str, str | StrPromise]]:
        documents = SourceDocument.objects.order_by("-date", "-pk")
        shown = list(documents[: self.SHOWN])
        chosen = {int(value) for value in self.lookup_val or () if str(value).isdigit()}
        missing = chosen - {document.pk for document in shown}
        if missing:
            shown += list(documents.filter(pk__in=missing))
        return [(str(document.pk), str(document)) for document in shown]


@admin.register(Statement)
class StatementAdmin(ContributionLabelsMixin, TrackedAdmin):
    form = StatementForm
    list_display = (
        "contribution_label",
        "document_reference",
        "document_date",
        "kind",
        "status",
        "personnel",
        "end",
        "location",
    )
    list_select_related = ("contribution__mission", "document")
    list_filter = (
        "status",
        "kind",
        "qualifier",
        "contribution__mission__organization",
        ("document", RecentDocumentFilter),
    )
    search_fields = (
        "contribution__name",
        "contribution__mission__name",
        "contribution__mission__acronym",
        "document__dossier",
        "document__number",
        "document__title",
        "location",
        "conditions",
        "quote",
    )
    autocomplete_fields = ("contribution", "document", "corrects")
    # No date hierarchy: its list of years is a DISTINCT over every statement (0.56 s at
    # 300,000); the documents' list has one, and the document filter lists the newest.
    ordering = (*NEWEST_DOCUMENTS_FIRST, "contribution__mission__name", "contribution")
    fieldsets = (
        (None, {"fields": ("contribution", "document", "kind", "corrects", "status")}),
        (_("Personnel"), {"fields": (("military", "civilian", "police", "total"), "qualifier")}),
        (
            _("Period"),
            {
                "fields": (
                    "start",
                    "end",
                    "open_ended",
                    ("start_inferred", "end_inferred"),
                    "inference_note",
                )
            },
        ),
        (_("Conditions and source"), {"fields": ("conditions", "location", "quote", "notes")}),
    )

    def get_ordering(self, request: HttpRequest) -> Any:
        # Sorted by a column the user chose, ties go by id, in that column's direction, on the
        # statement table itself: the default order's tie-breakers (the document's date, the
        # mission's name) are other tables' columns, and behind a chosen column they made SQLite
        # sort all 300,000 statements for a page of 100 (1.5-2 s at 100,000 contributions).
        # An index on the column then serves the whole order (its entries are in id order).
        chosen = request.GET.get(ORDER_VAR)
        if chosen:
            return ("-pk",) if chosen.startswith("-") else ("pk",)
        return super().get_ordering(request)

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> Paginator:
        # Each page read ids first, as the table's: a sort by a column without an index then
        # sorts narrow rows (an id and the sort's columns), not whole rows of four tables.
        return Paginator(cast(Any, IdsFirst(queryset)), per_page, orphans, allow_empty_first_page)

    @admin.display(description=_("contribution"), ordering="contribution__mission__name")
    def contribution_label(self, obj: Statement) -> str:
        return str(obj.contribution)

    @admin.display(description=_("document"), ordering="document__number")
    def document_reference(self, obj: Statement) -> str:
        return obj.document.reference

    @admin.display(description=_("personnel"))
    def personnel(self, obj: Statement) -> str:
        return display.personnel(obj) or display.not_stated()

    @admin.display(description=_("end"), ordering="end_date")
    def end(self, obj: Statement) -> str:
        return obj.end_display or display.not_stated()


class KnownLabelAutocomplete(AutocompleteSelect):
    """Django's autocomplete box asks the database for the label of the option it shows
    selected: one query per box, so one per row of an inline (a letter of 54 statements: 54).
    This one shows a label it is given (``known``: value -> label) without asking."""

    known: dict[str, str]

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = getattr(self, "known", {})
        if not selected or not all(v in known for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for chosen in selected[:1]:  # one box, one value
            options.append(self.create_option(name, chosen, known[chosen], True, len(options)))
        return [(None, options, 0)]


class StatementInlineFormSet(BaseInlineFormSet):
    """Each row's statement already holds its document (the page's) and its contribution with
    the mission (``StatementInline.get_queryset``): the row's title and its contribution box use
    those instead of a query each."""

    def add_fields(self, form: Any, index: int | None) -> None:
        # Called for each row as it is made, its statement read.
        super().add_fields(form, index)
        statement = form.instance
        if statement.pk is not None:
            # The inline sets only the document's id on each row's statement.
            statement.document = self.instance
            box = form.fields["contribution"].widget
            box = getattr(box, "widget", box)  # inside the admin's add/change links
            if isinstance(box, KnownLabelAutocomplete):
                label = form.fields["contribution"].label_from_instance(statement.contribution)
                box.known = {str(statement.contribution_id): label}


class StatementInline(ContributionLabelsMixin, TrackedInlineMixin, admin.TabularInline):
    """On a document's page: transcribe what the document says about each contribution."""

    model = Statement
    form = StatementForm
    formset = StatementInlineFormSet
    fields = (
        "contribution",
        "kind",
        "corrects",
        "status",
        "military",
        "civilian",
        "police",
        "total",
        "qualifier",
        "start",
        "end",
        "open_ended",
        "location",
        "conditions",
        "loaded_version",
    )
    autocomplete_fields = ("contribution", "corrects")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 24})}}
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("contribution__mission")
            .order_by("contribution__mission__name", "contribution__name")
        )

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "contribution":
            kwargs["widget"] = KnownLabelAutocomplete(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ContributionStatementInline(admin.TabularInline):
    """On a contribution's page: what each document said about it, newest first (read-only)."""

    model = Statement
    verbose_name_plural = _("statements, newest first")
    fields = ("document_link", "document_date", "kind", "status", "personnel", "period", "location")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Statements are edited on their own page or their document's, never here.
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("document", "contribution__mission")
            .order_by(*LATEST_FIRST)
        )

    @admin.display(description=_("document"))
    def document_link(self, obj: Statement) -> str:
        url = reverse("admin:missions_sourcedocument_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document.reference)

    @admin.display(description=_("personnel"))
    def personnel(self, obj: Statement) -> str:
        return display.personnel(obj) or display.not_stated()

    @admin.display(description=_("period"))
    def period(self, obj: Statement) -> str:
        return display.period(obj) or display.not_stated()
