"""The import pages: upload, preview (a dry run), confirm (all rows or none), done.

Thin: reading, planning and applying live in the package's other modules. Only analysts import
(``missions.roles.IMPORT_PERMISSIONS``); anyone else logged in gets 403.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from missions.columns import REGISTRY
from missions.imports import pending as uploads
from missions.imports.applying import ImportRefused, confirm_import, preview_import
from missions.imports.plan import Plan
from missions.imports.reading import (
    FIRST_DATA_ROW,
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    check_size,
    read_upload,
)
from missions.roles import IMPORT_PERMISSIONS

DONE_KEY = "imports_done"
ROWS_PER_PAGE = 100
# The errors listed above the table; each also stands on its row in the table.
MAX_LISTED_ERRORS = 20


def _analyst(request: HttpRequest) -> AbstractBaseUser:
    """The analyst importing: these views are only reached logged in (``ImportAccess``)."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user


def _user_id(request: HttpRequest) -> int:
    return int(_analyst(request).pk)


class ImportAccess(PermissionRequiredMixin):
    # The roles module owns who may import (analysts and superusers).
    permission_required = IMPORT_PERMISSIONS
    # Logged in without the permission: 403 (anonymous users never get here, the login
    # middleware sends them to the login page first).
    raise_exception = True


def _render_upload(
    request: HttpRequest, form: UploadForm | None = None, notice: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form or UploadForm(),
        "notice": notice,
        "columns": list(REGISTRY.imported()),
        "required": REGISTRY.required(),
        "first_data_row": FIRST_DATA_ROW,
        "max_megabytes": MAX_BYTES // 1024 // 1024,
        "max_rows": MAX_ROWS,
    }
    return render(request, "imports/upload.html", context, status=status)


def _render_preview(
    request: HttpRequest,
    plan: Plan,
    notice: str = "",
    status: int = 200,
    *,
    planned: bool = True,
    planned_for: str | None = None,
) -> HttpResponse:
    """The preview of ``plan``. One just ``planned`` is kept with the upload: its fingerprint
    for the confirmation and, when it is known what it was ``planned_for`` (``preview_key``,
    taken before planning), its rows for the other pages."""
    if planned:
        uploads.remember_preview(request.session, _user_id(request), plan, planned_for)
    # Only what needs the analyst's eye, unless all rows are asked for; one page at a time, so
    # that a 20,000-row file is a page of a hundred rows, not a 20,000-row table.
    show_all = request.GET.get("show") == "all"
    rows = plan.rows if show_all else plan.rows_to_check
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "page": page,
        "show_all": show_all,
        "first_errors": plan.errors[:MAX_LISTED_ERRORS],
        "notice": notice,
        "first_data_row": FIRST_DATA_ROW,
    }
    return render(request, "imports/preview.html", context, status=status)


def _nothing_pending(request: HttpRequest) -> HttpResponse:
    notice = _(
        "There is no import waiting for confirmation: it was applied or discarded already. "
        "Nothing was changed."
    )
    return _render_upload(request, notice=notice, status=409)


def _safe_filename(name: str) -> str:
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name[:80] or "upload"


class UploadView(ImportAccess, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _render_upload(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_upload(request, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            table = read_upload(upload.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return _render_upload(request, form, status=400)
        uploads.store(request.session, _user_id(request), _safe_filename(upload.name), table)
        return redirect("imports:import_preview")


class PreviewView(ImportAccess, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        # Planning a 20,000-row file takes seconds; the preview's other pages show the plan kept
        # with the upload, for as long as nothing it depends on has changed. The key is taken
        # before planning: a write while the file is planned raises the data version past it,
        # so that plan is never shown as if it had seen that write.
        key = uploads.preview_key()
        kept = uploads.kept_plan(request.session, _user_id(request), key)
        if kept is not None:
            return _render_preview(request, kept, planned=False)
        pending = uploads.load(request.session, _user_id(request))
        if pending is None:
            return redirect("imports:import_upload")
        plan = preview_import(pending.table, pending.filename)
        return _render_preview(request, plan, planned_for=key)


class ConfirmView(ImportAccess, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            with transaction.atomic():
                pending = uploads.claim(request.session, _user_id(request))
                if pending is None:
                    return _nothing_pending(request)
                plan, written = confirm_import(
                    pending.table, pending.filename, pending.fingerprint, _analyst(request)
                )
                uploads.finish(request.session, _user_id(request))
        except ImportRefused as refused:
            # Nothing was written and the upload is still there: show what stands in the way.
            if pending is None:  # only confirm_import refuses, and it had the upload
                return _nothing_pending(request)
            plan = refused.plan or preview_import(pending.table, pending.filename)
            status = 400 if plan.has_errors else 409
            return _render_preview(request, plan, notice=refused.message, status=status)
        request.session[DONE_KEY] = {
            "filename": pending.filename,
            "counts": plan.counts,
            "written": written,
        }
        return redirect("imports:import_done")


class DiscardView(ImportAccess, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        uploads.discard(request.session)
        return redirect("imports:import_upload")


class DoneView(ImportAccess, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        summary = request.session.get(DONE_KEY)
        if not isinstance(summary, dict):
            return redirect("imports:import_upload")
        return render(request, "imports/done.html", {"summary": summary})


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("CSV (comma or semicolon) or XLSX, at most 5 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
