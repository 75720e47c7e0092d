"""What the API returns: the export's columns where one exists, plus ids, labels and sources.

Keys shared with the contributions export (``mission`` ... ``source_url``) hold the same values
as its CSV cells, so a script can move from the file to the API without relearning. Dates are
ISO 8601; counts are integers, or null when the source gives none (never 0 for unknown); every
enumeration is its stored value with a ``*_label`` in the reader's language (Accept-Language).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from missions.columns import REGISTRY
from missions.dates import Precision
from missions.models import Mission, MissionStatement, SourceDocument, Statement


def _label(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True)


def _count(source: str | None = None, **kwargs) -> serializers.IntegerField:
    if source:
        kwargs["source"] = source
    return serializers.IntegerField(read_only=True, allow_null=True, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class ExportCell(serializers.Field):
    """The export's cell ``key`` for this statement, computed by the export's own column: what
    a row cites (the statement in force on the day, when a correction stands in for it) and
    how it names its correction follow one rule for the file and the API."""

    def __init__(self, key: str, **kwargs) -> None:
        self.key = key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, statement: Statement):
        return REGISTRY[self.key].value(statement)


@extend_schema_field(OpenApiTypes.DATE)
class ExportDateCell(ExportCell):
    pass


class DocumentRefSerializer(serializers.ModelSerializer):
    """A source document as cited next to a figure."""

    reference = serializers.CharField(read_only=True, help_text="29521-497, else the title.")
    citation = serializers.CharField(read_only=True)
    kind_label = _label("get_kind_display")
    # Empty for a document without a publication address (a URLField's schema says "uri").
    url = serializers.CharField(read_only=True)

    class Meta:
        model = SourceDocument
        fields = [
            "id",
            "reference",
            "citation",
            "kind",
            "kind_label",
            "date",
            "date_precision",
            "date_inferred",
            "number_inferred",
            "inference_note",
            "title",
            "url",
        ]


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
    # What the row cites: its own document, or (a correction standing in for the statement in
    # force on the as-of day, with corrected=1) the document of the statement it corrects.
    # A field named "source" shadows Field.source only in the stubs; DRF declares fields apart.
    source = ExportCell("source")  # type: ignore[assignment]
    source_date = ExportDateCell("source_date")
    source_date_precision = ExportCell(
        "source_date_precision", help_text="How much of the source's date it gives itself."
    )
    source_url = ExportCell("source_url")
    location = ExportCell("location")
    quote = ExportCell("quote")
    corrected_by = ExportCell(
        "corrected_by",
        help_text="The correction of what this row cites, e.g. '29521-497, answer 11'.",
    )
    inferred = ExportCell(
        "inferred", help_text="What the row gives that its source does not state, and how."
    )
    document = DocumentRefSerializer(source="cited_statement.document", read_only=True)
    cited_statement_id = serializers.IntegerField(source="cited_statement.pk", read_only=True)
    correction_id = serializers.IntegerField(
        source="correction.pk", read_only=True, allow_null=True
    )
    shown_in_place = serializers.BooleanField(
        read_only=True,
        help_text="The values are a later correction's, shown in place of the statement cited.",
    )

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
            "start_inferred",
            "end_inferred",
            "inference_note",
            "inferred",
            "conditions",
            "source",
            "source_date",
            "source_date_precision",
            "source_url",
            "document",
            "location",
            "quote",
            "corrected_by",
            "cited_statement_id",
            "correction_id",
            "shown_in_place",
            "corrects",
            "superseded_on",
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
    source = DocumentRefSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]

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


class MissionStatementSerializer(serializers.ModelSerializer):
    """What a document says about the mission itself (mentioned, ended), no contribution."""

    status_label = _label("get_status_display")
    document = DocumentRefSerializer(read_only=True)

    class Meta:
        model = MissionStatement
        fields = ["id", "status", "status_label", "document", "location", "quote", "notes"]
        read_only_fields = fields


class MissionDetailSerializer(MissionSerializer):
    mission_statements = MissionStatementSerializer(
        source="mission_statements_shown", many=True, read_only=True
    )
    contributions = ContributionSerializer(source="contributions_shown", many=True, read_only=True)
    statements = StatementSerializer(
        source="statements_shown", many=True, read_only=True, help_text="Newest first."
    )

    class Meta(MissionSerializer.Meta):
        fields = [
            *MissionSerializer.Meta.fields,
            "mission_statements",
            "contributions",
            "statements",
        ]
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
