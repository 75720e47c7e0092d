"""The letter's text as paragraphs with the sentences that proposals quote marked."""

from __future__ import annotations

from dataclasses import dataclass

from missions.letters.proposals import Reading
from missions.letters.text import paragraphs


@dataclass(frozen=True)
class Piece:
    text: str
    proposals: tuple[int, ...] = ()  # 1-based numbers of the proposals quoting this text


def marked_paragraphs(reading: Reading) -> list[list[Piece]]:
    """Each paragraph as pieces of plain and quoted text (the template escapes them)."""
    quotes = [(number, " ".join(p.quote.split())) for number, p in enumerate(reading.proposals, 1)]
    result = []
    for paragraph in paragraphs(reading.text):
        pieces = [Piece(paragraph.text)]
        for number, quote in quotes:
            pieces = _mark(pieces, quote, number)
        result.append(pieces)
    return result


def _mark(pieces: list[Piece], quote: str, number: int) -> list[Piece]:
    marked, done = [], False
    for piece in pieces:
        if done or not quote:
            marked.append(piece)
        elif piece.proposals and piece.text == quote:
            # Several proposals read from one sentence ("a team and staff officers").
            marked.append(Piece(piece.text, (*piece.proposals, number)))
            done = True
        elif not piece.proposals and (at := piece.text.find(quote)) >= 0:
            before, after = piece.text[:at], piece.text[at + len(quote) :]
            marked += [p for p in (Piece(before), Piece(quote, (number,)), Piece(after)) if p.text]
            done = True
        else:
            marked.append(piece)
    return marked
