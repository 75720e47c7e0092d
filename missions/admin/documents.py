"""Source documents: register a letter and transcribe its statements on one page."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from missions.admin import display
from missions.admin.base import TrackedAdmin, TrackedInlineMixin
from missions.admin.letters import LetterIntakeMixin
from missions.admin.statements import StatementInline
from missions.models import MissionStatement, SourceDocument
from missions.reading.querysets import SourceDocumentQuerySet
from missions.web.forms import DocumentForm

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _StatementCount(TypedDict):
    statement_count: int


class MissionStatementInline(TrackedInlineMixin, admin.TabularInline):
    """On a document's page: what it says about a mission itself ("EMASoH has ended"), with no
    Dutch contribution to invent."""

    model = MissionStatement
    fields = ("mission", "status", "location", "quote", "loaded_version")
    autocomplete_fields = ("mission",)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


@admin.register(MissionStatement)
class MissionStatementAdmin(TrackedAdmin):
    list_display = ("mission", "document", "status", "location")
    list_select_related = ("mission", "document")
    list_filter = ("status",)
    search_fields = ("mission__name", "mission__acronym", "quote", "location")
    autocomplete_fields = ("mission", "document")
    ordering = ("-document__date", "mission__name")


@admin.register(SourceDocument)
class SourceDocumentAdmin(LetterIntakeMixin, TrackedAdmin):
    form = DocumentForm
    list_display = ("reference", "dated", "kind", "title", "statement_count", "publication")
    list_filter = ("kind", "dossier")
    search_fields = ("dossier", "number", "title")
    date_hierarchy = "date"
    ordering = ("-date", "dossier", "number")
    fields = (
        "kind",
        ("dossier", "number"),
        "date",
        ("date_inferred", "number_inferred"),
        "inference_note",
        "title",
        "url",
        "notes",
    )
    inlines = [StatementInline, MissionStatementInline]
    # Official publications are served over HTTPS; a URL typed without a scheme is too.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name in ("title", "url"):
            # Titles of Kamerstukken run long; show them whole.
            kwargs["widget"] = forms.TextInput(attrs={"size": 90})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return cast(SourceDocumentQuerySet, super().get_queryset(request)).with_statement_count()

    @admin.display(description=_("document"), ordering="number")
    def reference(self, obj: SourceDocument) -> str:
        return obj.reference

    # As far as the source gives it, marked when inferred: "January 2024 (inferred)", not the
    # first of a month the letter never named.
    @admin.display(description=_("date"), ordering="date")
    def dated(self, obj: SourceDocument) -> str:
        return obj.date_display

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, obj: WithAnnotations[SourceDocument, _StatementCount]) -> int:
        return obj.statement_count

    @admin.display(description=_("publication"))
    def publication(self, obj: SourceDocument) -> str:
        if not obj.url:
            return display.EMPTY
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, _("officielebekendmakingen")
        )
