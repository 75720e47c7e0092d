"""What every tracker admin shares: the audit trail, no lost updates, and recovering deletions.

- Every change page carries the version it was loaded with and an optional reason
  (``missions.web.forms.TrackedModelForm``); the reason is kept on the history row.
- A save based on an old version is refused, on the form when it can be seen in advance, and by
  ``TrackedModel.save`` (``StaleEditError``) when two saves race; the page is then shown again
  with the form's error, and nothing of the losing save is kept.
- The history page (django-simple-history) lists who changed which fields, and reverts a record
  to an earlier version; "Recover deleted" lists deleted records and re-creates one from its
  last history row.
- The only bulk action is Django's delete, which PROTECT foreign keys refuse with the reason and
  which the history can undo; no bulk action changes records around the version check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models, router, transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from missions.models import TrackedModel
from missions.models.locking import StaleEditError
from missions.web.forms import CHANGE_FIELDS, REASON_MAX_LENGTH, TrackedModelForm, is_historical

# Columns every save touches; listing them as "changes" on the history page is noise.
BOOKKEEPING_FIELDS = ("version", "updated_at", "created_at")
# Shown read-only in the "This change" section of every change page.
RECORD_FIELDS = ("version", "updated_at")
RECOVER_PER_PAGE = 50


def _reason(form: Any) -> str | None:
    return (getattr(form, "cleaned_data", None) or {}).get("change_reason") or None


class TrackedInlineMixin:
    """Inline rows carry their loaded version too; list ``loaded_version`` in ``fields``."""

    # Typed as the inline admin types it, so that the mixin combines with TabularInline.
    form: type[forms.ModelForm[Any]] = TrackedModelForm
    extra = 0


class TrackedAdmin(SimpleHistoryAdmin):
    form = TrackedModelForm
    change_list_template = "admin/missions/change_list.html"
    recover_template = "admin/missions/recover_deleted.html"
    # simple_history's own table sets an inline style, which the Content-Security-Policy blocks.
    object_history_list_template = "admin/missions/object_history_list.html"
    list_per_page = 100

    # -- the form: a section with the reason and the version --------------------------------

    def get_fieldsets(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> Sequence[tuple[Any, Mapping[str, Any]]]:
        moved = (*CHANGE_FIELDS, *RECORD_FIELDS)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [field for field in options["fields"] if field not in moved]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        this_change = [*CHANGE_FIELDS, *(RECORD_FIELDS if obj is not None else ())]
        fieldsets.append((_("This change"), {"fields": this_change}))
        return fieldsets

    def get_readonly_fields(
        self, request: HttpRequest, obj: models.Model | None = None
    ) -> Sequence[str]:
        own = super().get_readonly_fields(request, obj)
        return (*RECORD_FIELDS, *(field for field in own if field not in RECORD_FIELDS))

    # -- saving: reason, no empty saves, no lost updates ------------------------------------

    def save_model(self, request: HttpRequest, obj: TrackedModel, form: Any, change: bool) -> None:
        if change and isinstance(form, TrackedModelForm) and not form.needs_saving():
            # Nothing of the record changed (e.g. only an inline row did): saving it would add
            # an empty history entry and a version that makes colleagues' open pages stale.
            return
        reason = _reason(form)
        if reason is None and is_historical(obj):
            when = localize(localtime(obj._history.history_date))
            reason = gettext("Restored the version of %(date)s") % {"date": when}
        obj._change_reason = reason[:REASON_MAX_LENGTH] if reason else None
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The reason given on the page applies to every row the page saves or deletes.
        reason = _reason(form)
        for row in formset.forms:
            row.instance._change_reason = reason
        formset.save()

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        return self._retry_stale(
            request,
            lambda: super(TrackedAdmin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        def revert() -> HttpResponse:
            # simple_history saves without a transaction of its own; make the revert one unit.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super(TrackedAdmin, self).history_form_view(
                    request, object_id, version_id, extra_context
                )

        return self._retry_stale(request, revert)

    def _retry_stale(self, request: HttpRequest, view: Any) -> HttpResponse:
        """Run a saving view; if it lost a race, run it again to show the form's stale error.

        The losing save was rolled back as a whole. By then the winner is committed, so the
        second run's form check sees the newer version and explains it with their values.
        """
        try:
            return view()
        except StaleEditError:
            pass
        try:
            return view()
        except StaleEditError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    # -- the history page -------------------------------------------------------------------

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        """As simple_history does, without the columns that change on every save."""
        previous = None
        for record in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    record,
                    excluded_fields=BOOKKEEPING_FIELDS,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = record

    # -- recovering deleted records ---------------------------------------------------------

    def get_urls(self) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("recover/", view(self.recover_list_view), name=f"{prefix}_recover_list"),
            path("recover/<int:entry_id>/", view(self.recover_view), name=f"{prefix}_recover"),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args: Any) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["recover_deleted_url"] = self._url("recover_list")
        return super().changelist_view(request, extra_context)

    def deleted_records(self) -> models.QuerySet:
        """History rows that are the last entry of their record and say it was deleted."""
        history = self.model.history.model._default_manager
        pk_name = self.opts.pk.attname
        last_entry = (
            history.filter(**{pk_name: OuterRef(pk_name)})
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        live = self.model._default_manager.values("pk")
        return (
            history.filter(history_type="-", history_id=Subquery(last_entry))
            .exclude(**{f"{pk_name}__in": live})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )

    def recover_list_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        page = Paginator(self.deleted_records(), RECOVER_PER_PAGE).get_page(request.GET.get("p"))
        rows = [
            (record, _label(record), self._url("recover", record.history_id)) for record in page
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Recover deleted %(name)s") % {"name": self.opts.verbose_name_plural},
            "opts": self.opts,
            "page_obj": page,
            "rows": rows,
            "changelist_url": self._url("changelist"),
        }
        return TemplateResponse(request, self.recover_template, context)

    def recover_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.deleted_records(), history_id=entry_id)
        obj = record.instance
        # Re-created as a new row with its old key; a page opened before the deletion
        # (at the old version) stays stale.
        obj._state.adding = True
        obj.version = record.version + 1
        try:
            _require_parents(obj)
            obj.full_clean()
            obj._change_reason = gettext("Recovered after deletion")
            obj._history_user = request.user
            with transaction.atomic(using=router.db_for_write(self.model)):
                obj.save(force_insert=True)
        except (ValidationError, IntegrityError) as error:
            problems = "; ".join(getattr(error, "messages", None) or [str(error)])
            self.message_user(
                request,
                gettext("%(record)s cannot be recovered: %(problems)s")
                % {"record": _label(record), "problems": problems},
                messages.ERROR,
            )
            return HttpResponseRedirect(self._url("recover_list"))
        self.log_addition(request, obj, [{"added": {}}])
        self.message_user(
            request,
            format_html(
                gettext("{} was recovered from its history."),
                format_html('<a href="{}">{}</a>', self._url("change", obj.pk), obj),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("change", obj.pk))


def _require_parents(obj: models.Model) -> None:
    """Refuse, with a reason an analyst can act on, when a record it points to is gone too."""
    for field in obj._meta.concrete_fields:
        target = getattr(obj, field.attname)
        parent = field.related_model
        if not field.many_to_one or parent is None or target is None:
            continue
        if not parent._default_manager.filter(pk=target).exists():
            raise ValidationError(
                gettext("its %(name)s #%(pk)s was deleted too; recover that first")
                % {"name": parent._meta.verbose_name, "pk": target}
            )


def _label(record: Any) -> str:
    """A deleted record's name; its related records may be gone too, so fall back to its key."""
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        opts = record.instance_type._meta
        return f"{opts.verbose_name} #{getattr(record, opts.pk.attname)}"
