"""The admin page "Register a letter from its text": paste or upload a letter, see the proposed
document and statements beside the text, correct them, untick what is wrong, confirm.

Thin: reading lives in missions.letters, the forms in missions.letters.forms, writing in
missions.letters.register. Reading writes nothing; only the confirm step writes, in one
transaction, and only for users who may add documents and statements (analysts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from missions.letters.files import LetterFileError, check_text
from missions.letters.forms import DocumentForm, LetterForm, ProposalForm
from missions.letters.highlight import marked_paragraphs
from missions.letters.proposals import read_letter
from missions.letters.register import document_initial, initial_rows, register
from missions.letters.store import known_missions
from missions.models.locking import StaleEditError

PERMISSIONS = ("missions.add_sourcedocument", "missions.add_statement")
URL_NAME = "missions_sourcedocument_register_letter"
TEMPLATE = "admin/letters/register.html"


if TYPE_CHECKING:
    # What the mixin is mixed into, so that the type checker knows its attributes and super().
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class LetterIntakeMixin(_AdminBase):
    """For the source documents' admin: the page, and a link to it on the list."""

    change_list_template = "admin/letters/change_list.html"

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.register_letter_view)
        return [path("register-letter/", view, name=URL_NAME), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = extra_context or {}
        if request.user.has_perms(PERMISSIONS):
            extra_context["register_letter_url"] = reverse(f"{self.admin_site.name}:{URL_NAME}")
        return super().changelist_view(request, extra_context)

    def register_letter_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perms(PERMISSIONS):
            raise PermissionDenied
        if request.method == "POST" and "letter_text" in request.POST:
            return self._review(request)
        if request.method == "POST":
            form = LetterForm(request.POST, request.FILES)
            if form.is_valid():
                return self._proposals(request, form.cleaned_data["letter"])
            return self._render(request, {"letter_form": form}, status=400)
        return self._render(request, {"letter_form": LetterForm()})

    # -- the steps -----------------------------------------------------------------------

    def _proposals(self, request: HttpRequest, text: str) -> HttpResponse:
        """Step 2: what the letter says, as forms filled in from it (nothing written)."""
        reading = read_letter(text, known_missions())
        rows = [
            ProposalForm(prefix=f"p{i}", initial=initial, user=request.user)
            for i, initial in enumerate(initial_rows(reading))
        ]
        document = DocumentForm(prefix="document", initial=document_initial(reading))
        return self._render_review(request, reading, text, document, rows)

    def _review(self, request: HttpRequest) -> HttpResponse:
        """Step 3: the analyst's corrections; all valid -> one transaction, else the errors."""
        text = request.POST.get("letter_text", "")
        try:
            check_text(text)
        except LetterFileError:
            # Sent back altered: read it again as if pasted, which names the problem.
            form = LetterForm({"text": text})
            form.is_valid()
            return self._render(request, {"letter_form": form}, status=400)
        reading = read_letter(text, known_missions())
        count = _row_count(request.POST.get("rows"), len(reading.proposals))
        rows = [ProposalForm(request.POST, prefix=f"p{i}", user=request.user) for i in range(count)]
        document = DocumentForm(request.POST, prefix="document")
        ticked = [row for row in rows if row.included]
        valid = document.is_valid() & all([row.is_valid() for row in ticked])
        if valid and _unique_contributions(ticked):
            try:
                saved = register(document, ticked)
            except (IntegrityError, StaleEditError) as error:
                messages.error(
                    request, gettext("Nothing was registered: %(error)s") % {"error": error}
                )
            else:
                return self._done(request, saved, len(ticked))
        return self._render_review(request, reading, text, document, rows, status=400)

    def _done(self, request: HttpRequest, document, count: int) -> HttpResponse:
        url = reverse(f"{self.admin_site.name}:missions_sourcedocument_change", args=[document.pk])
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                ngettext(
                    "Registered %(count)s statement from the letter:",
                    "Registered %(count)s statements from the letter:",
                    count,
                )
                % {"count": count},
                url,
                document.reference,
            ),
        )
        return HttpResponseRedirect(url)

    # -- rendering -----------------------------------------------------------------------

    def _render_review(self, request, reading, text, document, rows, status: int = 200):
        proposals = reading.proposals + [None] * (len(rows) - len(reading.proposals))
        context = {
            "document_form": document,
            "rows": list(zip(rows, proposals, strict=True)),
            "paragraphs": marked_paragraphs(reading),
            "letter_text": text,
            "header": reading.header,
            "media": sum((row.media for row in rows), document.media),
            "rows_have_errors": any(row.is_bound and row.errors for row in rows if row.included),
        }
        return self._render(request, context, status=status)

    def _render(self, request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Register a letter from its text"),
            "changelist_url": reverse(f"{self.admin_site.name}:missions_sourcedocument_changelist"),
            **context,
        }
        return TemplateResponse(request, TEMPLATE, context, status=status)


def _row_count(value: str | None, proposed: int) -> int:
    # The rows are those the reading proposed; a tampered count cannot add rows.
    try:
        return max(0, min(int(value or proposed), proposed))
    except ValueError:
        return proposed


def _unique_contributions(rows: list[ProposalForm]) -> bool:
    seen: set[tuple] = set()
    unique = True
    for row in rows:
        key = row.contribution_key()
        if key in seen:
            row.add_error(None, gettext("Another ticked statement is about the same contribution."))
            unique = False
        seen.add(key)
    return unique
