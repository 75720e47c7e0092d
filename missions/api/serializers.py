"""What the API returns: the export's columns where one exists, plus ids, labels and sources.

Keys shared with the contributions export (``mission`` ... ``source_url``) hold the same values
as its CSV cells, so a script can move from the file to the API without relearning. Dates are
ISO 8601; counts are integers, or null when the source gives none (never 0 for unknown); every
enumeration is its stored value with a ``*_label`` in the reader's language (Accept-Language).
"""

from __future__ import annotations

from rest_framework import serializers

from missions.dates import Precision
from missions.models import Mission, SourceDocument, Statement


def _label(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True)


def _count(source: str | None = None, **kwargs) -> serializers.IntegerField:
    if source:
        kwargs["source"] = source
    return serializers.IntegerField(read_only=True, allow_null=True, **kwargs)


class DocumentRefSerializer(serializers.ModelSerializer):
    """A source document as cited next to a figure."""

    reference = serializers.CharField(read_only=True, help_text="29521-497, else the title.")
    citation = serializers.CharField(read_only=True)
    kind_label = _label("get_kind_display")
    # Empty for a document without a publication address (a URLField's schema says "uri").
    url = serializers.CharField(read_only=True)

    class Meta:
        model = SourceDocument
        fields = ["id", "reference", "citation", "kind", "kind_label", "date", "title", "url"]


def _precision() -> serializers.ChoiceField:
    # Empty when there is no date; declared, since a read-only model field loses allow_blank.
    return serializers.ChoiceField(choices=Precision.choices, allow_blank=True, read_only=True)


class StatementSerializer(serializers.ModelSerializer):
    """One statement with its contribution, mission and source (the contributions table row)."""

    start_precision = _precision()
    end_precision = _precision()
    contribution_id = serializers.IntegerField(read_only=True)
    mission_id = serializers.IntegerField(source="contribution.mission_id", read_only=True)
    mission = serializers.CharField(source="contribution.mission.name", read_only=True)
    mission_acronym = serializers.CharField(source="contribution.mission.acronym", read_only=True)
    organization = serializers.CharField(
        source="contribution.mission.organization.acronym", read_only=True
    )
    region = serializers.CharField(source="contribution.mission.region.name", read_only=True)
    contribution = serializers.CharField(source="contribution.name", read_only=True)
    capability = serializers.CharField(source="contribution.capability", read_only=True)
    kind_label = _label("get_kind_display")
    status_label = _label("get_status_display")
    military = _count()
    civilian = _count()
    police = _count()
    total = _count(
        "effective_total",
        help_text="As stated, else the sum of the known categories; null if none.",
    )
    stated_total = _count("total", help_text="The total exactly as the source states it.")
    qualifier_label = _label("get_qualifier_display")
    start = serializers.DateField(source="start_date", read_only=True, allow_null=True)
    start_precision_label = _label("get_start_precision_display")
    end = serializers.DateField(source="end_date", read_only=True, allow_null=True)
    end_precision_label = _label("get_end_precision_display")
    end_display = serializers.CharField(read_only=True, help_text="The end in words.")
    source = serializers.CharField(source="document.reference", read_only=True)
    source_date = serializers.DateField(source="document.date", read_only=True)
    source_url = serializers.CharField(source="document.url", read_only=True)
    document = DocumentRefSerializer(read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "contribution_id",
            "mission_id",
            "mission",
            "mission_acronym",
            "organization",
            "region",
            "contribution",
            "capability",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "military",
            "civilian",
            "police",
            "total",
            "stated_total",
            "qualifier",
            "qualifier_label",
            "start",
            "start_precision",
            "start_precision_label",
            "end",
            "end_precision",
            "end_precision_label",
            "open_ended",
            "end_display",
            "conditions",
            "source",
            "source_date",
            "source_url",
            "document",
            "location",
            "quote",
            "notes",
        ]
        read_only_fields = fields


class MissionSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.acronym", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    total_strength = _count()
    military_strength = _count()
    total_strength_qualifier_label = _label("get_total_strength_qualifier_display")
    source = DocumentRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Mission
        fields = [
            "id",
            "name",
            "acronym",
            "organization",
            "organization_name",
            "region",
            "total_strength",
            "total_strength_qualifier",
            "total_strength_qualifier_label",
            "military_strength",
            "participating_countries",
            "mandate",
            "mandate_since",
            "mandate_open_ended",
            "source",
            "source_location",
        ]
        read_only_fields = fields


class ContributionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    capability = serializers.CharField(read_only=True)
    notes = serializers.CharField(read_only=True)
    current = StatementSerializer(
        read_only=True, allow_null=True, help_text="Its latest statement; null if none yet."
    )


class MissionDetailSerializer(MissionSerializer):
    contributions = ContributionSerializer(source="contributions_shown", many=True, read_only=True)
    statements = StatementSerializer(
        source="statements_shown", many=True, read_only=True, help_text="Newest first."
    )

    class Meta(MissionSerializer.Meta):
        fields = [*MissionSerializer.Meta.fields, "contributions", "statements"]
        read_only_fields = fields


class DocumentSerializer(DocumentRefSerializer):
    statement_count = serializers.IntegerField(read_only=True)

    class Meta(DocumentRefSerializer.Meta):
        fields = [
            *DocumentRefSerializer.Meta.fields,
            "dossier",
            "number",
            "notes",
            "statement_count",
        ]
        read_only_fields = fields


class DocumentDetailSerializer(DocumentSerializer):
    statements = StatementSerializer(source="statements_shown", many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "statements"]
        read_only_fields = fields
