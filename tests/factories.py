"""Test data made in code: small functions with sensible defaults, every field overridable."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from missions.models import (
    Contribution,
    DocumentKind,
    Mission,
    MissionStatement,
    MissionStatus,
    Organization,
    Region,
    SourceDocument,
    Statement,
    Status,
)

_seq = itertools.count(1)


def organization(**fields: Any) -> Organization:
    n = next(_seq)
    fields.setdefault("acronym", f"ORG{n}")
    fields.setdefault("name", f"Organization {n}")
    return Organization.objects.create(**fields)


def region(**fields: Any) -> Region:
    fields.setdefault("name", f"Region {next(_seq)}")
    return Region.objects.create(**fields)


def mission(**fields: Any) -> Mission:
    n = next(_seq)
    fields.setdefault("name", f"Mission {n}")
    fields.setdefault("acronym", f"M{n}")
    if "organization" not in fields:
        fields["organization"] = organization()
    if "region" not in fields:
        fields["region"] = region()
    return Mission.objects.create(**fields)


def contribution(**fields: Any) -> Contribution:
    fields.setdefault("name", f"Contribution {next(_seq)}")
    if "mission" not in fields:
        fields["mission"] = mission()
    return Contribution.objects.create(**fields)


def document(**fields: Any) -> SourceDocument:
    fields.setdefault("kind", DocumentKind.KAMERBRIEF)
    fields.setdefault("dossier", "99999")
    fields.setdefault("number", str(next(_seq)))
    fields.setdefault("date", date(2025, 4, 4))
    fields.setdefault("title", f"Kamerbrief {fields['number']}")
    return SourceDocument.objects.create(**fields)


def january_letter(**fields: Any) -> SourceDocument:
    """A letter the answers cite as "januari jl.": known to the month, its year inferred."""
    fields.setdefault("dossier", "29521")
    fields.setdefault("number", "480")
    fields.setdefault("date", date(2024, 1, 1))
    fields.setdefault("date_precision", "month")
    fields.setdefault("date_inferred", True)
    fields.setdefault("inference_note", "Cited as 'januari jl.'.")
    return document(**fields)


def mission_statement(**fields: Any) -> MissionStatement:
    """What a document says about a mission itself, with no Dutch contribution."""
    fields.setdefault("mission", mission())
    fields.setdefault("document", document())
    fields.setdefault("status", MissionStatus.MENTIONED)
    return MissionStatement.objects.create(**fields)


def statement(**fields: Any) -> Statement:
    if "contribution" not in fields:
        fields["contribution"] = contribution()
    if "document" not in fields:
        fields["document"] = document()
    fields.setdefault("status", Status.CONTINUED)
    if fields.get("end_date") and not fields.get("end_precision"):
        fields["end_precision"] = "day"
    if fields.get("start_date") and not fields.get("start_precision"):
        fields["start_precision"] = "day"
    return Statement.objects.create(**fields)


def portfolio(size: int, *, document_date: date = date(2025, 4, 4)) -> list[Statement]:
    """``size`` contributions spread over a few organizations and regions, one statement each."""
    orgs = [organization() for _ in range(3)]
    regions = [region() for _ in range(3)]
    doc = document(date=document_date)
    statuses = list(Status)
    made = []
    for i in range(size):
        m = mission(organization=orgs[i % 3], region=regions[i % 3])
        c = contribution(mission=m)
        made.append(
            statement(
                contribution=c,
                document=doc,
                status=statuses[i % len(statuses)],
                military=i % 7,
                civilian=None if i % 2 else 1,
                end_date=date(2026 + i % 3, 1 + i % 12, 1),
            )
        )
    return made


def api_token(user: Any, name: str = "script") -> tuple[Any, str]:
    """A token of ``user`` and its key (what the user copies from /account/tokens/)."""
    from missions.api.models import ApiToken

    return ApiToken.issue(user, name)


# The contributions report's columns before location, quote, open_ended and the rest were added:
# files written in this layout must keep importing.
REPORT_COLUMNS: tuple[str, ...] = (
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
