"""Confirming a letter: its document and the ticked statements, in one transaction.

Everything is written or nothing: the document, any new mission or contribution a statement
needs, and the statements with their quotes and locations, each history row with the reason
"Registered from letter text" and the analyst as its author.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from missions.letters.matching import match_contribution
from missions.letters.proposals import Proposal, Reading
from missions.models import Contribution, Mission, SourceDocument, Statement

if TYPE_CHECKING:
    from missions.letters.forms import DocumentForm, ProposalForm

# Kept in English in the history, like every other reason the application writes itself.
REASON = "Registered from letter text"
# What kind of statement each status is: a decision, or information about one.
DECISIONS = {"new", "extended", "scaled_up", "scaled_down", "ended", "declined"}


def register(document_form: DocumentForm, rows: Iterable[ProposalForm]) -> SourceDocument:
    """Write the document and the rows' statements, all or nothing."""
    with transaction.atomic():
        document = document_form.save(commit=False)
        document._change_reason = REASON
        document.save()
        for row in rows:
            statement: Statement = row.save(commit=False)
            statement.contribution = _contribution(row)
            statement.document = document
            statement._change_reason = REASON
            statement.save()
    return document


def _contribution(row: ProposalForm) -> Contribution:
    cleaned = row.cleaned_data
    if cleaned.get("existing_contribution") is not None:
        return cleaned["existing_contribution"]
    mission = cleaned.get("existing_mission")
    if mission is None:
        mission = Mission(
            name=cleaned["new_mission_name"].strip(),
            acronym=cleaned.get("new_mission_acronym", "").strip(),
            organization=cleaned["new_mission_organization"],
            region=cleaned["new_mission_region"],
        )
        mission._change_reason = REASON
        mission.full_clean()
        mission.save()
    name = cleaned["new_contribution"].strip()
    existing = Contribution.objects.filter(mission=mission, name__iexact=name).first()
    if existing is not None:
        return existing
    contribution = Contribution(mission=mission, name=name)
    contribution._change_reason = REASON
    contribution.save()
    return contribution


def initial_rows(reading: Reading) -> list[dict]:
    """The proposals as the forms' initial values, matched to the tracker's contributions."""
    missions = {pk for p in reading.proposals if (pk := p.mission_pk)}
    contributions: dict[int, list[tuple[int, str]]] = {}
    for pk, mission_id, name in Contribution.objects.filter(mission__in=missions).values_list(
        "pk", "mission_id", "name"
    ):
        contributions.setdefault(mission_id, []).append((pk, name))
    return [
        _initial(p, contributions.get(p.mission_pk, []) if p.mission_pk is not None else [])
        for p in reading.proposals
    ]


def _initial(proposal: Proposal, candidates: list[tuple[int, str]]) -> dict:
    from missions.dates import Bound, format_precise

    existing = match_contribution(proposal.contribution, candidates)
    new_mission = proposal.new_mission
    return {
        "include": bool(proposal.mission),
        "existing_mission": proposal.mission_pk,
        "new_mission_name": new_mission.name if new_mission else "",
        "new_mission_acronym": new_mission.acronym if new_mission else "",
        "existing_contribution": existing,
        "new_contribution": "" if existing else proposal.contribution,
        "kind": "decision" if proposal.status in DECISIONS else "information",
        "status": proposal.status,
        "military": proposal.military,
        "civilian": proposal.civilian,
        "police": proposal.police,
        "total": proposal.total,
        "qualifier": proposal.qualifier,
        "start": format_precise(
            proposal.start.value if proposal.start else None,
            proposal.start.precision if proposal.start else None,
            Bound.START,
        ),
        "end": format_precise(
            proposal.end.value if proposal.end else None,
            proposal.end.precision if proposal.end else None,
            Bound.END,
        ),
        "start_inferred": "start" in proposal.inferred,
        "end_inferred": "end" in proposal.inferred,
        "inference_note": proposal.inference_note,
        "location": proposal.location,
        "quote": proposal.quote,
    }


def document_initial(reading: Reading) -> dict:
    header = reading.header
    notes = ""
    if header.other_dossiers:
        notes = gettext("Also in dossier %(dossiers)s.") % {
            "dossiers": ", ".join(header.other_dossiers)
        }
    return {
        "kind": header.kind,
        "dossier": header.dossier,
        "number": header.number,
        "date": header.date,
        "title": header.title[:500],
        "notes": notes,
    }
