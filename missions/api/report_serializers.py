"""The reports as JSON: the figures of ``missions.reading.reports``, as their pages and files
show them."""

from __future__ import annotations

from rest_framework import serializers

from missions.api.serializers import StatementSerializer


class FigureSerializer(serializers.Serializer):
    known = serializers.IntegerField(
        allow_null=True, help_text="The stated figures added up; null when none states one."
    )
    approximate = serializers.BooleanField(
        help_text="Some figure added is approximate, a maximum or a minimum."
    )
    unknown = serializers.IntegerField(
        help_text="Contributions that state no figure: counted here, never added as 0."
    )


class SummaryRowSerializer(serializers.Serializer):
    group = serializers.CharField()
    key = serializers.CharField()
    contributions = serializers.IntegerField()
    military = FigureSerializer()
    civilian = FigureSerializer()
    police = FigureSerializer()
    total = FigureSerializer()


class SummaryTableSerializer(serializers.Serializer):
    by = serializers.CharField()
    # A declared field (DRF's metaclass takes it out of the class); the stubs see Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    day = serializers.DateField()
    rows = SummaryRowSerializer(many=True, help_text="What is active on the day, per group.")
    total = SummaryRowSerializer()
    apart = SummaryRowSerializer(
        many=True, help_text="Not active on the day (ended, not started, explored...), by reason."
    )


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    day = serializers.DateField()
    summaries = SummaryTableSerializer(many=True)


class ExpiringRowSerializer(serializers.Serializer):
    statement = StatementSerializer()
    days_left = serializers.IntegerField()
    time_left = serializers.CharField()


class PagedReportSerializer(serializers.Serializer):
    """The report pages show 100 rows a page; so does the API, with links to the others."""

    count = serializers.IntegerField(help_text="Rows in the whole report.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class ExpiringSerializer(PagedReportSerializer):
    today = serializers.DateField()
    day = serializers.DateField(help_text="The day counted from: as_of, else today.")
    months = serializers.IntegerField()
    until = serializers.DateField()
    rows = ExpiringRowSerializer(many=True)


class FieldChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    # A declared field (DRF's metaclass takes it out of the class); the stubs see Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    before = serializers.CharField()
    after = serializers.CharField()


class ChangeEntrySerializer(serializers.Serializer):
    statement = StatementSerializer()
    previous = StatementSerializer(allow_null=True)
    is_correction = serializers.BooleanField()
    changes = FieldChangeSerializer(many=True)


class ChangesSerializer(PagedReportSerializer):
    # "from" is a Python keyword: the field is named in the constructor below.
    to = serializers.DateField()
    entries = ChangeEntrySerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.DateField(source="first"), **fields}
