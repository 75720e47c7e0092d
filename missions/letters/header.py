"""The document itself: dossier and number, date, kind, title, and the documents it cites.

Kamerstukken print their identity in a fixed header: one line per dossier ("29 521 Nederlandse
deelname aan vredesmissies", "21 501-02 Raad ...", "35 925 V ..."), then "Nr. 494" (Eerste
Kamer: letters, "Nr. BG"), the addressee, and "Den Haag, 25 april 2025". Cited documents are
written "Kamerstuk 29 521, nr. 484, d.d. 15 mei 2024" anywhere in the text; their dates belong
to them, never to the letter.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from missions.dates import DatePhraseError, Precision, parse_date_phrase
from missions.letters.text import clean

# A dossier as printed: "29 521", "29521", "21 501-02", "35 925 V" (a budget chapter).
DOSSIER = r"\d{2}\s?\d{3}(?:\s?-\s?\d{2})?(?:\s(?:[IVXL]{1,5}|[A-Z])(?=[\s,]|$))?"
_DOSSIER_LINE = re.compile(rf"^(?P<dossier>{DOSSIER})\s+(?P<title>[A-Z«].*)$")
_NUMBER_LINE = re.compile(r"^Nr\.\s*(?P<number>\d+|[A-Z]{1,3})(?=\s|$)")
_PLACE_DATE = re.compile(
    r"^(?:.*\s)?(?:Den Haag|'s-Gravenhage),\s+(?P<date>\d{1,2}\s+[a-z]+\s+\d{4})\s*$",
    re.IGNORECASE,
)
_META_DATE = re.compile(r"\bdatum:\s*(?P<date>\d{4}-\d{2}-\d{2})")
_OWN_KST = re.compile(r"\bkst-(?P<dossier>\d{5}(?:-\d{2})?)-(?P<number>\d+)\b")
_TITLE_LINE = re.compile(r"^Brief regering\s*:\s*(?P<title>.+)$")
_ARTICLE_100 = re.compile(r"artikel\s+100\s+van\s+de\s+Grondwet|^artikel\s+100-", re.IGNORECASE)
_COUNCIL_REPORT = re.compile(
    r"\bverslag\s+(?:aan\s+)?van\s+de\s+(?:informele\s+)?(?:Raad|Europese Raad)\b"
    r"|^VERSLAG\s+(?:VAN\s+DE\s+)?(?:INFORMELE\s+)?(?:RAAD|EUROPESE RAAD)\b",
    re.MULTILINE,
)
_WRITTEN_CONSULTATION = re.compile(r"schriftelijk overleg|\bLIJST VAN VRAGEN EN ANTWOORDEN\b")
_LETTER = re.compile(r"\bBRIEF VAN\b|^Brief regering\b", re.MULTILINE)
# "Kamerstuk 29 521, nr. 484, d.d. 15 mei 2024"; the dossier part is checked separately, so
# that a typo ("29 2521") is reported instead of read as some other dossier.
_CITATION = re.compile(
    r"Kamerstuk(?:ken)?\s+(?P<dossier>[\dIVXL][\dIVXL\s-]{0,14}?)\s*,\s*nr\.\s*"
    r"(?P<number>\d+|[A-Z]{1,3}\b)?(?:\s*,?\s*d\.d\.\s*(?P<date>\d{1,2}\s+[a-z]+\s+\d{4}))?"
)


@dataclass(frozen=True)
class Reference:
    """A cited document: "29521-484" and, when the text gives it, its date."""

    dossier: str
    number: str
    date: datetime.date | None = None

    @property
    def key(self) -> str:
        return f"{self.dossier}-{self.number}"


@dataclass
class Header:
    dossier: str = ""
    number: str = ""
    date: datetime.date | None = None
    kind: str = "other"
    title: str = ""
    other_dossiers: list[str] = field(default_factory=list)
    cites: list[Reference] = field(default_factory=list)
    # Citations that could not be read as written ("Kamerstuk 29 2521, nr. 469"), verbatim.
    unreadable: list[str] = field(default_factory=list)
    # Where the body begins (the line after "Den Haag, <date>"), as an offset into the text.
    body_start: int = 0


def dossier_key(printed: str) -> str:
    """ "29 521" -> "29521", "21 501-02" -> "21501-02", "35 925 V" -> "35925V"."""
    return re.sub(r"\s+", "", printed)


def _date(phrase: str) -> datetime.date | None:
    try:
        value = parse_date_phrase(phrase)
    except DatePhraseError:
        return None
    return value.value if value.precision == Precision.DAY else None


def read_header(text: str) -> Header:
    """Read a cleaned text's header; what is not there stays empty."""
    header = Header()
    lines = text.split("\n")
    offset, dossiers, titles = 0, [], []
    for line in lines[:40]:
        stripped = line.strip()
        if header.date is None and (match := _PLACE_DATE.match(stripped)):
            header.date = _date(match["date"])
            header.body_start = offset + len(line) + 1
            break
        if match := _TITLE_LINE.match(stripped):
            header.title = match["title"].strip()
        elif (match := _DOSSIER_LINE.match(stripped)) and not header.number:
            dossiers.append(dossier_key(match["dossier"]))
            titles.append(match["title"].strip())
        elif not header.number and (match := _NUMBER_LINE.match(stripped)):
            header.number = match["number"]
        offset += len(line) + 1
    _own_from_metadata(text[:3000], header, dossiers)
    if dossiers:
        header.dossier, header.other_dossiers = dossiers[0], dossiers[1:]
    if not header.number:
        header.dossier = ""
    if header.date is None and (match := _META_DATE.search(text[:3000])):
        header.date = datetime.date.fromisoformat(match["date"])
    header.kind = _kind(text, header)
    header.title = header.title or _first_heading(lines) or "; ".join(titles)
    header.cites, header.unreadable = read_citations(text, own=(header.dossier, header.number))
    return header


def _own_from_metadata(start: str, header: Header, dossiers: list[str]) -> None:
    """A web page without the printed header still names itself: "kst-29521-446"."""
    if header.number and dossiers:
        return
    if match := _OWN_KST.search(start):
        dossiers[:] = [match["dossier"]]
        header.number = match["number"]


def _first_heading(lines: list[str]) -> str:
    """A page's own title: its first line, unless that is part of the printed header."""
    for line in lines[:3]:
        stripped = line.strip()
        if not stripped:
            continue
        if _DOSSIER_LINE.match(stripped) or _NUMBER_LINE.match(stripped) or len(stripped) > 300:
            return ""
        return stripped
    return ""


def _kind(text: str, header: Header) -> str:
    opening = text[header.body_start : header.body_start + 1500]
    if _ARTICLE_100.search(opening) or _ARTICLE_100.search(header.title):
        return "article_100"
    if _COUNCIL_REPORT.search(text[: header.body_start + 3000]):
        return "council_report"
    if _WRITTEN_CONSULTATION.search(text[:3000]):
        return "written_consultation"
    if _LETTER.search(text[:3000]):
        return "kamerbrief"
    return "other"


def read_citations(text: str, own: tuple[str, str] = ("", "")) -> tuple[list[Reference], list[str]]:
    """The Kamerstukken a text cites, in order, once each, without the letter itself."""
    flat = " ".join(text.split())
    found: dict[str, Reference] = {}
    unreadable: list[str] = []
    for match in _CITATION.finditer(flat):
        printed = match["dossier"].strip()
        if not re.fullmatch(DOSSIER, printed) or match["number"] is None:
            unreadable.append(match.group(0).strip().rstrip(","))
            continue
        reference = Reference(
            dossier_key(printed), match["number"], _date(match["date"]) if match["date"] else None
        )
        if (reference.dossier, reference.number) != own:
            found.setdefault(reference.key, reference)
    return list(found.values()), unreadable


def read_document(raw: str) -> Header:
    return read_header(clean(raw))
