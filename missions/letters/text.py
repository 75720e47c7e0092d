"""A letter's text as paragraphs and sentences, the way official publications lay it out.

Texts come hard-wrapped (tweedekamer.nl: one paragraph over many lines, no blank lines) or with
a blank line between paragraphs (officielebekendmakingen.nl). A line that ends a sentence and
is followed by a capital starts a new paragraph; a short line without end punctuation is a
heading or a header line ("Nr. 494", "Litouwen (eFP)").
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

# Lines that are not the letter: a bare address, a "# note" line, an "[... omitted ...]" marker.
_NOISE = re.compile(r"^(?:https?://\S+|#\s.*|\[\s*\.\.\..*\])$")
# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "nr", "nrs", "d.d", "jl", "ca", "o.a", "dhr", "mevr", "e.d", "i.v.m", "t.b.v", "m.b.t",
    "resp", "bijv", "incl", "art", "blz", "p", "vs", "e.a", "o.m", "z.g", "zgn", "mr", "dr",
    "prof", "drs", "ir", "ing", "etc", "m.u.v", "t.a.v", "i.p.v", "n.a.v", "c.q", "a.s",
}  # fmt: skip
_SENTENCE_END = re.compile(r"([.!?])(\d{0,2})\s+(?=[A-ZÀ-Ý«\"'(\u2018\u201c]|\d)")


@dataclass(frozen=True)
class Paragraph:
    index: int  # 1-based among the letter's body paragraphs; 0 for headings and header lines
    text: str
    heading: bool


def clean(text: str) -> str:
    """NFC, Unix newlines, no address/comment lines, no non-breaking or zero-width spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if not _NOISE.match(line.strip()))


def _width(lines: list[str]) -> int:
    long = [len(line) for line in lines if len(line) > 40]
    return int(statistics.median(long)) if long else 80


def _blocks(text: str) -> list[list[str]]:
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _starts_new(line: str, following: str, width: int) -> bool:
    starts_capital = bool(re.match(r"[A-ZÀ-Ý«\d(•\u2018\u201c\"']", following))
    if not starts_capital:
        return False
    if re.search(r"[.!?:;]\d{0,2}$", line):
        return True
    # A short line without end punctuation: a heading or a header line.
    return len(line) < 0.65 * width


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a cleaned text, body paragraphs numbered from 1."""
    raw: list[str] = []
    for block in _blocks(text):
        width = _width(block)
        current = block[0]
        for line in block[1:]:
            if _starts_new(_last_line(current), line, width):
                raw.append(current)
                current = line
            else:
                current = f"{current}\n{line}"
        raw.append(current)
    result, number = [], 0
    for chunk in raw:
        joined = " ".join(chunk.split())
        heading = not re.search(r"[.!?:;,]\d{0,2}$", joined) and len(joined) < 120
        if not heading:
            number += 1
        result.append(Paragraph(number if not heading else 0, joined, heading))
    return result


def _last_line(chunk: str) -> str:
    return chunk.rsplit("\n", 1)[-1]


def sentences(paragraph: str) -> list[str]:
    """Split at sentence ends, not after "nr.", "d.d.", "jl." or initials ("W.B. Hoekstra")."""
    result, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start()].rsplit(" ", 1)[-1].lower()
        if before in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", before):
            continue
        result.append(paragraph[start : match.end(1)].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        result.append(tail)
    return result
