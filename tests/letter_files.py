"""Letter files made in code for the intake tests: a PDF with a text layer, a scan without."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

LETTERS = Path(__file__).parent / "data" / "letters"
ALTHEA = "tk-29521-494-althea-art100-2025-04-25.txt"


def letter_text(name: str = ALTHEA) -> str:
    return (LETTERS / name).read_text(encoding="utf-8")


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose text layer holds ``text`` line by line (Helvetica, WinAnsi)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    commands = [b"BT /F1 7 Tf 20 830 Td 9 TL"]
    for line in text.splitlines():
        commands.append(b"(" + _escape(line) + b") Tj T*")
    commands.append(b"ET")
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(commands))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF with a page but no text layer, as a scanner makes it (here: nothing at all)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
