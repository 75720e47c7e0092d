"""From a letter's text to proposed statements, one per Dutch contribution it states something
about, each with the sentence it was read from. The proposals never invent: a figure that is
not a Dutch one (a mission's size, a count of countries) is left out, a figure the text does
not give stays empty, and every guess carries a "check" reason an analyst can see.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext

from missions.dates import PreciseDate
from missions.letters.header import Header, read_header
from missions.letters.items import DUTCH, FOREIGN, HEAD, contribution_name, items_of
from missions.letters.matching import KnownMission, MissionIndex, MissionMatch, new_missions
from missions.letters.phrases import (
    REPORTED_EARLIER,
    Figure,
    Period,
    figures,
    nearest_status,
    period,
    statuses,
)
from missions.letters.text import clean, paragraphs, sentences

PERSONNEL = ("military", "civilian", "police", "total")
QUALIFIER_WORDS = {
    "exact": lambda: "%(count)s",
    "approximately": lambda: gettext("about %(count)s"),
    "at_most": lambda: gettext("at most %(count)s"),
    "at_least": lambda: gettext("at least %(count)s"),
}

# A sentence that only announces what the letter is about ("informeert het kabinet u over").
_ANNOUNCEMENT = re.compile(
    r"\binformeer\w*\b.{0,80}?\b(?:over|hierbij)\b|\bwordt\b.{0,60}\bingegaan\b"
    r"|\bgaat\b.{0,30}\bin op\b"
    r"|\bwordt uw Kamer\b|\bgeïnformeerd over\b",
    re.IGNORECASE,
)
# A sentence that goes on about the contribution of the one before it.
_CONTINUATION = re.compile(
    r"^(?:Dit|Dat|Het|Deze|Die)\s+(?:is|betreft|omvat|gaat om|zijn|bestaat uit|telt)\b"
    r"|^Het gaat (?:hierbij )?om\b"
    r"|^(?:Deze|De)\s+(?:inzet|bijdrage|eenheid)\s+(?:bestaat|omvat|is|telt)\b"
)
_CITATION_PARENS = re.compile(r"\((?:[^()]*?\b(?:Kamerstuk|kst-|d\.d\.)[^()]*)\)")


@dataclass
class Proposal:
    mission: str = ""
    mission_pk: int | None = None
    new_mission: MissionMatch | None = None
    contribution: str = ""
    status: str = ""
    military: int | None = None
    civilian: int | None = None
    police: int | None = None
    total: int | None = None
    qualifier: str = "exact"
    start: PreciseDate | None = None
    end: PreciseDate | None = None
    quote: str = ""
    paragraph: int = 0
    check: list[str] = field(default_factory=list)
    generic: bool = False
    inferred: set[str] = field(default_factory=set)  # "start"/"end" not given whole
    inference_note: str = ""  # how, for the statement's note

    @property
    def location(self) -> str:
        return f"paragraph {self.paragraph}" if self.paragraph else ""

    @property
    def has_figure(self) -> bool:
        return any(getattr(self, name) is not None for name in PERSONNEL)

    def as_json(self) -> dict:
        return {
            "mission": self.mission,
            "contribution": self.contribution,
            "status": self.status,
            **{name: getattr(self, name) for name in PERSONNEL},
            "qualifier": self.qualifier if self.has_figure else None,
            "start": self.start.value.isoformat() if self.start else None,
            "start_precision": str(self.start.precision) if self.start else None,
            "end": self.end.value.isoformat() if self.end else None,
            "end_precision": str(self.end.precision) if self.end else None,
            "quote": self.quote,
            "location": self.location or None,
            "check": list(self.check),
        }


@dataclass
class Reading:
    text: str
    header: Header
    proposals: list[Proposal]

    def as_json(self) -> dict:
        h = self.header
        return {
            "document": {
                "dossier": h.dossier or None,
                "number": h.number or None,
                "date": h.date.isoformat() if h.date else None,
                "kind": h.kind,
                "title": h.title or None,
            },
            "cites": [reference.key for reference in h.cites],
            "statements": [proposal.as_json() for proposal in self.proposals],
        }


def read_letter(raw: str, missions: list[KnownMission]) -> Reading:
    """Read a letter: its header and the statements it makes about Dutch contributions."""
    text = clean(raw)
    header = read_header(text)
    builder = _Builder(text, header, MissionIndex(missions))
    return Reading(text, header, builder.build())


class _Builder:
    def __init__(self, text: str, header: Header, index: MissionIndex) -> None:
        self.text, self.header, self.index = text, header, index
        self.proposals: list[Proposal] = []
        # Missions the letter spells out once ("NAVO Missie in Irak (NMI)") and then names by
        # their acronym alone ("binnen NMI"): found by that acronym in later passages, so that
        # a mission the tracker does not know yet is still named where the letter names it.
        self.introduced = {
            match.acronym: match for match in new_missions(text, text) if len(match.acronym) >= 2
        }

    def build(self) -> list[Proposal]:
        body = self.text[self.header.body_start :]
        section: MissionMatch | None = None
        title_mission = self._missions(self.header.title, sentence_level=True)
        for paragraph in paragraphs(body):
            if paragraph.heading:
                section = self._heading_mission(paragraph.text)
                continue
            context: MissionMatch | None = None
            last: Proposal | None = None
            for sentence in sentences(paragraph.text):
                masked = _mask(sentence)
                if last is not None and _CONTINUATION.match(sentence) and _adds(masked):
                    self._continue(last, sentence, masked)
                    continue
                made = self._sentence(
                    sentence,
                    masked,
                    paragraph.index,
                    context or section or _first(title_mission),
                    gettext("mission taken from an earlier sentence")
                    if context
                    else gettext("mission taken from the heading")
                    if section
                    else gettext("mission taken from the title"),
                )
                mentioned = self._missions(masked, sentence_level=True)
                context = mentioned[0] if mentioned else context
                # Only the very next sentence can go on about a proposal: the quote stays one
                # passage of the text.
                last = made[-1] if made else None
        return [p for p in self.proposals if p.mission or p.has_figure]

    # -- missions ---------------------------------------------------------------------------

    def _missions(self, passage: str, sentence_level: bool = False) -> list[MissionMatch]:
        known = self.index.find(passage)
        if known:
            return known
        found = new_missions(passage, self.text) or self._by_acronym(passage)
        return sorted(found, key=lambda m: (m.evidence, m.start)) if sentence_level else found

    def _by_acronym(self, passage: str) -> list[MissionMatch]:
        found = []
        for acronym, introduced in self.introduced.items():
            # The acronym as a word, with its capitals: "NMI", not "nmi" inside a word.
            match = re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", passage)
            if match:
                found.append(replace(introduced, start=match.start()))
        return sorted(found, key=lambda match: match.start)

    def _heading_mission(self, heading: str) -> MissionMatch | None:
        known = self.index.find(heading)
        if known:
            return known[0]
        inner = re.search(r"\(([^()]+)\)\s*$", heading)
        if inner and re.search(r"[A-Z].*[A-Z]|^[A-Z][a-z]+ [A-Z]", inner[1]):
            return MissionMatch(inner[1].strip(), "", None, 0)
        return None

    # -- one sentence -----------------------------------------------------------------------

    def _sentence(
        self, sentence: str, masked: str, paragraph: int, fallback: MissionMatch | None, where: str
    ) -> list[Proposal]:
        dutch_figures = [f for f in figures(masked) if not f.not_dutch]
        if not (DUTCH.search(masked) or self._passive_decision(masked)):
            return []
        if _ANNOUNCEMENT.search(masked) and not dutch_figures:
            return []
        items = items_of(masked, lambda text: bool(self._missions(text)))
        whole_period = period(masked, self.header.date)
        whole_status = statuses(masked)
        sentence_missions = self._missions(masked, sentence_level=True)
        made = []
        for start, end, head, generic in items:
            span = masked[start:end]
            own_figures = [f for f in figures(span) if not f.not_dutch]
            own_missions = self._missions(span, sentence_level=True)
            status_read = nearest_status(statuses(span), head - start) or nearest_status(
                whole_status, head
            )
            if generic and (not own_missions or status_read is None):
                continue
            if not own_figures and status_read is None:
                continue
            proposal = Proposal(quote=sentence, paragraph=paragraph, generic=generic)
            self._mission(proposal, own_missions or sentence_missions, fallback, where)
            proposal.contribution = contribution_name(masked, head, generic, own_figures)
            _apply_figures(proposal, own_figures)
            own_period = period(span, self.header.date)
            _apply_period(proposal, own_period if own_period else whole_period)
            _apply_status(proposal, status_read, own_figures, masked, self.header.date)
            made.append(proposal)
        self.proposals.extend(made)
        return made

    def _passive_decision(self, masked: str) -> bool:
        """ "De inzet van de stafofficieren bij OSC wordt verlengd": in the government's own
        letter, a unit without a foreign actor is a Dutch one, even when no subject says so."""
        return (
            self.header.kind in ("article_100", "kamerbrief")
            and bool(HEAD.search(masked))
            and bool(statuses(masked))
            and not FOREIGN.search(masked)
        )

    def _mission(
        self,
        proposal: Proposal,
        found: list[MissionMatch],
        fallback: MissionMatch | None,
        where: str,
    ) -> None:
        match = found[0] if found else fallback
        if match is None:
            proposal.check.append(gettext("the text names no mission here: choose one"))
            return
        if not found:
            proposal.check.append(where)
        if match.doubt:
            proposal.check.append(match.doubt)
        if match.known is not None:
            proposal.mission, proposal.mission_pk = match.known.label, match.known.pk
        else:
            proposal.mission, proposal.new_mission = match.label, match
            proposal.check.append(
                gettext("no mission in the tracker matches '%(name)s': a new one")
                % {"name": match.name}
            )

    def _continue(self, last: Proposal, sentence: str, masked: str) -> None:
        """ "Dit is een inzet van maximaal 175 militairen ...": more about the last proposal."""
        own = [f for f in figures(masked) if not f.not_dutch]
        if not last.has_figure:
            _apply_figures(last, own)
            if own and last.generic:
                last.contribution = contribution_name(masked, own[0].start, False, own)
        said = period(masked, self.header.date)
        if said.start and last.start is None:
            last.start = said.start
            last.inferred |= said.inferred & {"start"}
        if said.end and last.end is None:
            last.end = said.end
            last.inferred |= said.inferred & {"end"}
        if last.inferred and not last.inference_note:
            last.inference_note = "; ".join(said.notes)[:300]
        last.check.extend(note for note in said.notes if note not in last.check)
        last.quote = f"{last.quote} {sentence}"


def _adds(masked: str) -> bool:
    """Whether a following sentence states a figure or a period (else it is not read)."""
    return any(not f.not_dutch for f in figures(masked)) or bool(period(masked))


def _first(found: list[MissionMatch]) -> MissionMatch | None:
    return found[0] if found else None


def _mask(sentence: str) -> str:
    """Blank out cited documents, keeping offsets: their numbers and dates are not the letter's."""
    return _CITATION_PARENS.sub(lambda m: " " * len(m.group(0)), sentence)


def _apply_figures(proposal: Proposal, own: list[Figure]) -> None:
    seen: set[str] = set()
    for figure in own:
        if figure.category in seen:
            proposal.check.append(
                gettext("more figures than one for %(category)s: '%(text)s'")
                % {"category": figure.category, "text": figure.text}
            )
            continue
        seen.add(figure.category)
        setattr(proposal, figure.category, figure.value)
        if figure.qualifier != "exact" or len(seen) == 1:
            proposal.qualifier = figure.qualifier
        if figure.before is not None:
            after = QUALIFIER_WORDS[figure.qualifier]() % {"count": figure.value}
            proposal.check.append(
                gettext("a change from %(before)s to %(after)s")
                % {"before": figure.before, "after": after}
            )


def _apply_period(proposal: Proposal, said: Period) -> None:
    proposal.start, proposal.end = said.start, said.end
    proposal.inferred = set(said.inferred)
    proposal.inference_note = "; ".join(said.notes)[:300] if said.inferred else ""
    proposal.check.extend(said.notes)
    if said.start and said.end and said.end.value < said.start.value:
        proposal.check.append(gettext("the end is before the start"))


def _apply_status(
    proposal: Proposal,
    read,
    own: list[Figure],
    masked: str,
    letter_date: datetime.date | None,
) -> None:
    # Whether the first figure that gives its size before grew (None: no figure gives it).
    grew = next((f.value > f.before for f in own if f.before is not None), None)
    if read is None:
        if grew is not None:
            proposal.status = "scaled_up" if grew else "scaled_down"
        else:
            proposal.status = "continued"
            proposal.check.append(gettext("no decision verb: read as continued"))
        return
    proposal.status = read.status
    if read.status == "ended" and proposal.end is None and proposal.start is not None:
        # "beëindigen per 1 januari 2026": the date a contribution stops is its end.
        proposal.start, proposal.end = None, proposal.start
        proposal.inferred = {"end"} if "start" in proposal.inferred else set()
        proposal.check.append(gettext("ends 'per' a date: the last day may be the day before"))
    if grew is not None and read.status not in ("scaled_up", "scaled_down"):
        message = (
            gettext("'%(words)s' and a change in size: scaled up may fit better")
            if grew
            else gettext("'%(words)s' and a change in size: scaled down may fit better")
        )
        proposal.check.append(message % {"words": read.words})
    if read.status == "new" and REPORTED_EARLIER.search(masked):
        proposal.status = "continued"
        proposal.check.append(
            gettext("the decision was reported in an earlier letter: read as continued")
        )
