"""The forms of "Register a letter from its text": the letter, its document, one per proposal.

The document and the statements are checked exactly as on the admin's own pages: the document
form is the admin's ModelForm with its constraints, each proposal a ``StatementForm`` (date
phrases, counts, constraints), plus the choice of mission and contribution, existing or new.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.dates import DatePhraseError, Precision, format_precise, parse_day
from missions.letters.files import EXTENSIONS, LetterFileError, check_size, check_text, read_file
from missions.models import Contribution, Mission, Organization, Region, SourceDocument, Statement
from missions.web.forms import StatementForm, TrackedModelForm


class LetterForm(forms.Form):
    text = forms.CharField(
        label=_("Letter text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
        help_text=_("Paste the whole letter, from its header on."),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
        help_text=_(
            ".txt, .html (the official publication page) or .pdf with text; at most 10 MB."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        text, upload = cleaned.get("text", "").strip(), cleaned.get("file")
        if text and upload:
            raise ValidationError(_("Paste the text or choose a file, not both."))
        try:
            if upload is not None:
                check_size(upload.size)
                cleaned["letter"] = read_file(upload.name, upload.read())
            elif text:
                cleaned["letter"] = check_text(text)
            else:
                raise ValidationError(_("Paste the letter's text or choose its file."))
        except LetterFileError as error:
            raise ValidationError(str(error)) from error
        return cleaned


class DayField(forms.CharField):
    """A document's date, typed as the letter prints it ("25 april 2025") or numerically."""

    def to_python(self, value: Any):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_day(text)
        except DatePhraseError as error:
            raise ValidationError(str(error), code="date_phrase") from error


class DocumentForm(TrackedModelForm):
    date = DayField(label=_("Date"), help_text=_("As printed: '25 april 2025', or 25-04-2025."))
    url = forms.URLField(
        label=_("publication URL"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = SourceDocument
        fields = ["kind", "dossier", "number", "date", "title", "url", "notes"]
        widgets = {
            "title": forms.TextInput(attrs={"size": 60}),
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("date"), datetime.date):
            self.initial["date"] = format_precise(self.initial["date"], Precision.DAY)


class ProposalForm(StatementForm):
    """One proposed statement: included or not, its mission and contribution, its values."""

    include = forms.BooleanField(label=_("Register this statement"), required=False)
    existing_mission = forms.ModelChoiceField(
        Mission.objects.order_by("name"), label=_("Mission"), required=False
    )
    new_mission_name = forms.CharField(label=_("or a new mission"), required=False, max_length=300)
    new_mission_acronym = forms.CharField(label=_("its acronym"), required=False, max_length=60)
    new_mission_organization = forms.ModelChoiceField(
        Organization.objects.order_by("acronym"), label=_("its organization"), required=False
    )
    new_mission_region = forms.ModelChoiceField(
        Region.objects.order_by("name"), label=_("its region"), required=False
    )
    existing_contribution = forms.ModelChoiceField(
        Contribution.objects.select_related("mission").order_by("mission__name", "name"),
        label=_("Contribution"),
        required=False,
    )
    new_contribution = forms.CharField(
        label=_("or a new contribution"), required=False, max_length=300
    )

    class Meta(StatementForm.Meta):
        fields = [
            name
            for name in StatementForm.Meta.fields
            # A letter's statements are its own; a correction of another is made on its page.
            if name not in ("contribution", "document", "corrects")
        ]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 50}),
            "conditions": forms.Textarea(attrs={"rows": 1, "cols": 50}),
            "notes": forms.Textarea(attrs={"rows": 1, "cols": 50}),
        }

    field_order = (
        "include", "existing_mission", "new_mission_name", "new_mission_acronym",
        "new_mission_organization", "new_mission_region", "existing_contribution",
        "new_contribution", "kind", "status", "military", "civilian", "police", "total",
        "qualifier", "start", "end", "open_ended", "start_inferred", "end_inferred",
        "inference_note", "location", "quote", "conditions", "notes",
    )  # fmt: skip

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields.pop("change_reason")
        # The admin's search-as-you-type selects: only the chosen option is rendered, so the
        # page stays small however many missions and contributions the tracker holds.
        for name, model_field in (
            ("existing_mission", Contribution._meta.get_field("mission")),
            ("existing_contribution", Statement._meta.get_field("contribution")),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # declared above
            field.widget = AutocompleteSelect(model_field, admin.site)
            field.widget.choices = field.choices

    @property
    def included(self) -> bool:
        return bool(self["include"].value())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        mission = cleaned.get("existing_mission")
        name = cleaned.get("new_mission_name", "").strip()
        if mission is None:
            self._clean_new_mission(cleaned, name)
        elif name:
            self.add_error("new_mission_name", gettext("Choose a mission or name a new one."))
        contribution = cleaned.get("existing_contribution")
        new = cleaned.get("new_contribution", "").strip()
        if contribution is None and not new:
            self.add_error(
                "new_contribution", gettext("Choose the contribution or name a new one.")
            )
        elif contribution is not None and new:
            self.add_error("new_contribution", gettext("Choose a contribution or name a new one."))
        elif contribution is not None and mission is not None and contribution.mission != mission:
            self.add_error(
                "existing_contribution",
                gettext("This contribution belongs to %(mission)s.")
                % {"mission": contribution.mission},
            )
        elif new and not self._may("missions.add_contribution"):
            self.add_error("new_contribution", gettext("You may not add contributions."))
        return cleaned

    def _clean_new_mission(self, cleaned: dict[str, Any], name: str) -> None:
        if not name:
            self.add_error("existing_mission", gettext("Choose the mission or name a new one."))
            return
        if Mission.objects.filter(name__iexact=name).exists():
            self.add_error(
                "new_mission_name", gettext("A mission with this name exists: choose it.")
            )
        for field in ("new_mission_organization", "new_mission_region"):
            if cleaned.get(field) is None:
                self.add_error(field, gettext("A new mission needs this."))
        if not self._may("missions.add_mission"):
            self.add_error("new_mission_name", gettext("You may not add missions."))

    def _may(self, permission: str) -> bool:
        return self.user is None or self.user.has_perm(permission)

    def contribution_key(self) -> tuple:
        """What this proposal is about, to refuse two statements on one contribution."""
        cleaned = self.cleaned_data
        if cleaned.get("existing_contribution") is not None:
            return ("existing", cleaned["existing_contribution"].pk)
        mission = cleaned.get("existing_mission")
        return (
            mission.pk if mission else cleaned.get("new_mission_name", "").strip().lower(),
            cleaned.get("new_contribution", "").strip().lower(),
        )
