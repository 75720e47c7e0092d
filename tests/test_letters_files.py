"""Reading a letter as given (missions/letters/files.py): every bad input is refused by name."""

from __future__ import annotations

import pytest

from missions.letters.files import MAX_BYTES, LetterFileError, check_text, html_text, read_file
from tests.letter_files import letter_text, pdf_with_text, scanned_pdf

DUTCH = letter_text()


def test_it_reads_text_in_utf8_and_windows_1252() -> None:
    assert read_file("a.txt", DUTCH.encode("utf-8")) == DUTCH
    assert read_file("a.txt", "\ufeff".encode() + DUTCH.encode("utf-8")) == DUTCH
    assert read_file("a.TXT", DUTCH.encode("cp1252")) == DUTCH


def test_it_reads_the_text_of_a_publication_page() -> None:
    page = (
        "<html><head><title>Kamerstuk</title><script>var x = 1;</script></head><body>"
        "<nav>Menu Home Zoeken</nav><div><p>29 521 Nederlandse deelname aan vredesmissies</p>"
        "<p>Nr. 494</p><p>Den Haag, 25 april 2025</p><p>Het kabinet heeft besloten tot inzet van "
        "een infanteriecompagnie &amp; meer.</p></div><footer>Colofon</footer></body></html>"
    )
    text = read_file("kst-29521-494.html", page.encode())
    assert "Menu" not in text and "var x" not in text and "Colofon" not in text
    assert "Nr. 494\n\nDen Haag, 25 april 2025\n\nHet kabinet heeft besloten" in text
    assert "infanteriecompagnie & meer." in text


def test_it_reads_a_pdf_text_layer() -> None:
    text = read_file("brief.pdf", pdf_with_text(DUTCH))
    assert "Den Haag, 25 april 2025" in text
    assert "maximaal 175 militairen" in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("brief.txt", b"", "The file brief.txt is empty."),
        ("brief.pdf", b"", "The file brief.pdf is empty."),
        (
            "brief.pdf",
            b"%PDF-1.4" + b"0" * (20 * 1024 * 1024),
            "The file is 20.0 MB; at most 10 MB can be read.",
        ),
        ("brief.pdf", scanned_pdf(), "The PDF has no text layer (it looks like a scan)."),
        ("brief.pdf", b"%PDF-1.4 this is no pdf at all", "The PDF cannot be read"),
        ("brief.txt", bytes(range(256)) * 40, "This is not a text file (it holds binary data)."),
        (
            "brief.txt",
            b"%PDF-1.4\n" + DUTCH.encode(),
            "This is not a text file (it holds binary data).",
        ),
        ("brief.doc", DUTCH.encode(), "brief.doc is not a .txt, .html or .pdf file."),
        ("brief.txt", b"   \n\n  ", "There is no text to read."),
        ("brief.txt", b"Den Haag, 25 april 2025", "The text has only 5 words"),
    ],
)
def test_it_refuses_what_it_cannot_read(name: str, data: bytes, message: str) -> None:
    with pytest.raises(LetterFileError) as caught:
        read_file(name, data)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "The Netherlands will contribute at most 175 soldiers to the mission for one year. " * 3,
        "Le gouvernement a décidé de contribuer à la mission avec des militaires pour un an. " * 3,
        "Die Regierung hat beschlossen, mit Soldaten an der Mission für ein Jahr teilzunehmen. "
        * 3,
    ],
)
def test_it_refuses_a_text_in_another_language(text: str) -> None:
    with pytest.raises(LetterFileError, match="does not read as Dutch"):
        check_text(text)


def test_it_limits_the_size_it_reads() -> None:
    assert MAX_BYTES == 10 * 1024 * 1024
    with pytest.raises(LetterFileError, match="at most 500000 can be read"):
        check_text("de " * 300_000)


def test_it_keeps_paragraphs_of_a_page_apart() -> None:
    assert html_text("<p>Een</p><p>Twee</p>") == "Een\n\nTwee"
