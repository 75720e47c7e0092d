"""Admin forms: optimistic locking, a reason per change, constraint messages, date phrases.

``TrackedModelForm`` is the base of every admin form of a tracker record. It carries the version
the record was loaded with (a hidden field) and refuses a save based on a version someone else
has moved past, pointing at each field where their value differs. The model layer
(``TrackedModel.save``) makes the same check atomically; this form check is what turns the usual
case into a readable form error instead of an exception.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.dates import (
    Bound,
    DatePhraseError,
    PreciseDate,
    format_precise,
    parse_date_phrase,
    parse_duration,
)
from missions.models import COUNT_VALIDATORS, SourceDocument, Statement, TrackedModel

# Form fields that describe the edit, not the record.
CHANGE_FIELDS = ("change_reason", "loaded_version")
# history_change_reason is a CharField(max_length=100) on every historical model.
REASON_MAX_LENGTH = 100

STALE_MESSAGE = _(
    "Someone else changed this record while you were editing it (now version %(version)s). "
    "Their values are shown below; reload to edit them."
)
DELETED_MESSAGE = _(
    "Someone else deleted this record while you were editing it. "
    "It can be recovered from the list of deleted records."
)


def is_historical(instance: models.Model) -> bool:
    """True for an instance rebuilt from a history row (simple_history's revert page)."""
    return getattr(instance, "_history", None) is not None


def _non_negative_message(model: type[models.Model]) -> Any:
    """The message of the model's non-negative-count constraint, so form and database agree."""
    for constraint in model._meta.constraints:
        if constraint.name.endswith("_non_negative"):
            return constraint.violation_error_message
    return None


class TrackedModelForm(forms.ModelForm):
    instance: TrackedModel

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Optional; kept in the history, e.g. 'correction in 29521-497, answer 11'."),
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Inline rows that did not change are not saved, so they need no version check; the page's
    # main record is handled by the admin in the same way (see TrackedAdmin.save_model).
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None and not instance._state.adding:
            # A record rebuilt from history is at an old version; the edit starts from the
            # stored one, which is what a concurrent save would move on from.
            version = self._stored_version() if is_historical(instance) else instance.version
            self.initial["loaded_version"] = version
        message = _non_negative_message(self._meta.model)
        for name, field in self.fields.items():
            model_field = self._model_field(name)
            if message and model_field is not None and _has_count_validator(model_field):
                # Same words as the database constraint, on the field itself.
                field.validators.append(MinValueValidator(0, message=message))

    def _model_field(self, name: str) -> models.Field | None:
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def _stored_version(self) -> int | None:
        manager = type(self.instance)._default_manager
        return manager.filter(pk=self.instance.pk).values_list("version", flat=True).first()

    def has_record_changes(self) -> bool:
        """Whether the record's own fields changed (a reason alone changes nothing)."""
        return any(name not in CHANGE_FIELDS for name in self.changed_data)

    def needs_saving(self) -> bool:
        """A reverted record must be saved even though the form shows it unchanged."""
        return self.has_record_changes() or is_historical(self.instance)

    def clean(self) -> dict[str, Any]:
        super().clean()
        self._check_version()
        return self.cleaned_data

    def _check_version(self) -> None:
        instance = self.instance
        if instance.pk is None or instance._state.adding or not self.needs_saving():
            return
        current = type(instance)._default_manager.filter(pk=instance.pk).first()
        if current is None:
            raise ValidationError(DELETED_MESSAGE, code="deleted")
        loaded = self.cleaned_data.get("loaded_version")
        if loaded != current.version:
            self._refuse_stale(current)
            return
        # The model layer claims the next version from this one, atomically.
        instance.version = loaded

    def _refuse_stale(self, current: TrackedModel) -> None:
        self.add_error(
            None, ValidationError(STALE_MESSAGE, code="stale", params={"version": current.version})
        )
        # An unbound copy of this form shows the stored values as the form would show them.
        theirs = type(self)(instance=current, prefix=self.prefix)
        for name, field in self.fields.items():
            if name in CHANGE_FIELDS or name not in theirs.fields:
                continue
            their_value = theirs[name].initial
            if field.has_changed(their_value, self[name].data):
                shown = self._display(current, name, their_value)
                self.add_error(name, gettext("Now: %(value)s") % {"value": shown})

    def _display(self, current: models.Model, name: str, form_value: Any) -> str:
        model_field = self._model_field(name)
        value = form_value if model_field is None else getattr(current, name)
        if value is None or value == "":
            return gettext("(empty)")
        if model_field is not None and model_field.choices:
            return str(getattr(current, f"get_{name}_display")())
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return str(value)


def _has_count_validator(model_field: models.Field) -> bool:
    return any(validator in COUNT_VALIDATORS for validator in model_field.validators)


class DatePhraseField(forms.CharField):
    """A date typed as a letter words it; cleans to a ``PreciseDate`` (or None when empty).

    The same reader for every date of the admin, whatever the interface language: Dutch and
    English phrases, numeric dates always day-month-year ("02/12/2026" is 2 December).
    An end may be a duration ("voor de duur van één jaar"): the form reads it from the start
    (``StatementForm.clean_end``), so this field keeps a duration's text for it."""

    def __init__(self, *, bound: Bound, required: bool = False, **kwargs: Any) -> None:
        self.bound = bound
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 22}))
        super().__init__(required=required, **kwargs)

    # A form field's to_python returns its cleaned type (Django's own DateField returns a date);
    # the stubs type CharField's as text only.
    def to_python(self, value: Any) -> PreciseDate | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return read_phrase(text, self.bound)

    def has_changed(self, initial: Any, data: Any) -> bool:
        # "eind juni 2028" and "end of June 2028" are the same end: compare what they mean.
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


def read_phrase(text: str, bound: Bound, start: PreciseDate | None = None) -> PreciseDate:
    try:
        return parse_date_phrase(text, bound, start=start)
    except DatePhraseError as error:
        raise ValidationError(str(error), code="date_phrase") from error


class EndPhraseField(DatePhraseField):
    """An end: a date phrase, or a duration counted from the start field's value."""

    def to_python(self, value: Any) -> Any:
        text = forms.CharField.to_python(self, value)
        if text and parse_duration(text) is not None:
            return text  # read by StatementForm.clean_end, which knows the start
        return super().to_python(value)


def https_by_default(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A model form's field, a publication address typed without a scheme read as https (as
    government sites serve it; Django 6 will assume it, Django 5 warns until told)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class DocumentForm(TrackedModelForm):
    """A source document, its date typed as the letter prints it ("Den Haag, 25 april 2025"
    gives "25 april 2025"; "mei 2025" when only the month is known)."""

    instance: SourceDocument

    date = DatePhraseField(
        bound=Bound.START,
        required=True,
        label=_("Date"),
        help_text=_(
            "As the document prints it: '25 april 2025', '25-04-2025'; 'mei 2025' or '2025' "
            "when only the month or year is known."
        ),
    )

    class Meta:
        model = SourceDocument
        formfield_callback = https_by_default
        # The date's precision is read from the phrase typed; it is no field of its own here.
        fields = [
            "kind",
            "dossier",
            "number",
            "date",
            "date_inferred",
            "number_inferred",
            "inference_note",
            "title",
            "url",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.date is not None:
            self.initial["date"] = format_precise(
                instance.date, instance.date_precision, Bound.START
            )

    def clean_date(self) -> PreciseDate:
        value: PreciseDate = self.cleaned_data["date"]
        # The model's own checks (not after today, 1900-2200) see the date read here.
        self.instance.date, self.instance.date_precision = value.value, value.precision
        return value

    def _post_clean(self) -> None:
        if isinstance(self.cleaned_data.get("date"), PreciseDate):
            self.cleaned_data["date"] = self.cleaned_data["date"].value
        super()._post_clean()  # type: ignore[misc]  # a private ModelForm hook the stubs omit


class StatementForm(TrackedModelForm):
    """A statement, with its start and end typed as the letter words them."""

    instance: Statement

    start = DatePhraseField(
        bound=Bound.START,
        label=_("Start"),
        help_text=_("As the document says: '9 juli 2025', 'juni 2028', '2026', '2025-07-09'."),
    )
    end = EndPhraseField(
        bound=Bound.END,
        label=_("End"),
        help_text=_(
            "As the document says: 'tot en met eind juni 2028', '9 juli 2025', '2026', or a "
            "duration from the start: 'voor de duur van één jaar'."
        ),
    )

    # The phrase fields stand for these model fields.
    DATE_FIELDS = ("start_date", "start_precision", "end_date", "end_precision")

    class Meta:
        model = Statement
        fields = [
            "contribution",
            "document",
            "kind",
            "corrects",
            "status",
            "military",
            "civilian",
            "police",
            "total",
            "qualifier",
            "open_ended",
            "start_inferred",
            "end_inferred",
            "inference_note",
            "conditions",
            "location",
            "quote",
            "notes",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        # Shown back in the precision it was stored with: "end of June 2028", "2026".
        self.initial.setdefault(
            "start", format_precise(instance.start_date, instance.start_precision, Bound.START)
        )
        self.initial.setdefault(
            "end", format_precise(instance.end_date, instance.end_precision, Bound.END)
        )

    def clean_end(self) -> PreciseDate | None:
        value = self.cleaned_data.get("end")
        if isinstance(value, str):
            return read_phrase(value, Bound.END, start=self.cleaned_data.get("start"))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, date_field, precision_field in (
            ("start", "start_date", "start_precision"),
            ("end", "end_date", "end_precision"),
        ):
            if name in cleaned:
                value: PreciseDate | None = cleaned[name]
                setattr(self.instance, date_field, value.value if value else None)
                setattr(self.instance, precision_field, value.precision if value else "")
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # The date fields are not form fields, so Django would skip the constraints on them
        # ("end not before start", "open-ended has no end"); include them once both phrases
        # were read, so that those constraints give their message on this form.
        exclude: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]  # as above
        if "start" not in self.errors and "end" not in self.errors:
            exclude.difference_update(self.DATE_FIELDS)
        return exclude
