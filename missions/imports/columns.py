"""The column layout the importer reads: the contributions report's header, in its order.

The header is a contract shared with the exporter (issue 3 says it "keeps it"), so it is written
out here rather than derived; a test checks that the exporter writes exactly these names.
"""

from __future__ import annotations

CONTRIBUTION_COLUMNS: tuple[str, ...] = (
    "mission",
    "mission_acronym",
    "organization",
    "region",
    "contribution",
    "capability",
    "status",
    "military",
    "civilian",
    "police",
    "total",
    "qualifier",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "source",
    "source_date",
    "source_url",
)

# Columns the report does not carry but a desk's own sheet may: what kind of statement it is,
# and where in the document it stands, verbatim.
EXTRA_COLUMNS: tuple[str, ...] = ("kind", "location", "quote", "conditions")

KNOWN_COLUMNS: tuple[str, ...] = CONTRIBUTION_COLUMNS + EXTRA_COLUMNS

# Without these a row cannot name its statement (contribution + document) or say anything.
# Every other column may be left out: then the importer leaves that field of an existing
# record alone and gives a new record the model's default.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "mission",
    "organization",
    "region",
    "contribution",
    "status",
    "source",
)

# The spreadsheet's own numbering: the header is row 1, so the first data row is row 2.
FIRST_DATA_ROW = 2


def normalize_header(name: str) -> str:
    """'Mission acronym ' and 'MISSION_ACRONYM' both mean mission_acronym."""
    return "_".join(name.replace("\ufeff", "").strip().lower().replace("-", " ").split())
