"""A letter as given: pasted text, or a .txt, .html (the official publication page) or .pdf.

Everything an analyst might give by mistake is refused with a message that says what was
wrong, before anything is read into the tracker: an empty file, one too large, a scanned PDF
without a text layer, a binary file named .txt, a text that is not Dutch.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_BYTES = 10 * 1024 * 1024
MAX_CHARACTERS = 500_000
MIN_WORDS = 8
EXTENSIONS = (".txt", ".html", ".htm", ".pdf")

# The commonest words of Dutch and of the languages a letter might be confused with. A Dutch
# government letter uses the Dutch ones far more often than any other language's.
_DUTCH_WORDS = frozenset(
    {
        "de",
        "het",
        "een",
        "van",
        "en",
        "in",
        "is",
        "op",
        "te",
        "dat",
        "die",
        "voor",
        "met",
        "zijn",
        "aan",
        "niet",
        "om",
        "ook",
        "als",
        "bij",
        "door",
        "naar",
        "wordt",
        "worden",
        "deze",
        "dit",
        "heeft",
        "kabinet",
        "nederland",
        "nederlandse",
        "tot",
        "uit",
        "over",
        "of",
        "er",
        "nog",
    }
)
_OTHER_WORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "to",
        "is",
        "that",
        "for",
        "with",
        "are",
        "was",
        "this",
        "from",
        "les",
        "des",
        "est",
        "une",
        "pour",
        "dans",
        "qui",
        "sur",
        "der",
        "die",
        "und",
        "den",
        "mit",
        "ist",
        "nicht",
        "auf",
        "für",
        "el",
        "los",
        "las",
        "por",
        "para",
        "con",
        "una",
        "del",
    }
)


class LetterFileError(ValueError):
    """A letter that cannot be read; the message says why and what to do."""


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def read_file(name: str, data: bytes) -> str:
    """The text of an uploaded letter, checked to be a readable Dutch text."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise LetterFileError(
            _("%(name)s is not a .txt, .html or .pdf file.") % {"name": PurePath(name).name}
        )
    if not data:
        raise LetterFileError(_("The file %(name)s is empty.") % {"name": PurePath(name).name})
    check_size(len(data))
    if suffix == ".pdf":
        text = _pdf_text(data)
    else:
        text = _decode(data)
        if suffix in (".html", ".htm"):
            text = html_text(text)
    return check_text(text)


def check_size(size: int) -> None:
    """Refuse a file too large to be a letter, before reading it."""
    if size > MAX_BYTES:
        raise LetterFileError(
            _("The file is %(size)s MB; at most %(max)s MB can be read.")
            % {"size": _megabytes(size), "max": MAX_BYTES // 1024 // 1024}
        )


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192] or data.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8")):
        raise LetterFileError(_("This is not a text file (it holds binary data)."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > 10:
            raise LetterFileError(_("This is not a text file (it holds binary data)."))
        return text
    raise LetterFileError(_("This is not a text file (it holds binary data)."))


def _pdf_text(data: bytes) -> str:
    # pypdf reads the text layer; a scan has none, which is said rather than guessed at.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise LetterFileError(_("The PDF is protected with a password; it cannot be read."))
        pages = [page.extract_text() or "" for page in reader.pages]
    except LetterFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise LetterFileError(_("The PDF cannot be read: %(error)s") % {"error": error}) from error
    text = "\n\n".join(pages)
    if not text.strip():
        raise LetterFileError(
            _(
                "The PDF has no text layer (it looks like a scan). Use the publication's .html "
                "page or a PDF with text."
            )
        )
    return text


class _TextOfPage(HTMLParser):
    """The readable text of a publication page: block elements as lines, no scripts or menus."""

    SKIP = {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "form"}
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
              "article", "blockquote", "dd", "dt", "title"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOfPage()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def check_text(text: str) -> str:
    """Refuse what is not a Dutch letter: empty, too short, too long, another language."""
    if not text.strip():
        raise LetterFileError(_("There is no text to read."))
    if len(text) > MAX_CHARACTERS:
        raise LetterFileError(
            _("The text has %(count)s characters; at most %(max)s can be read.")
            % {"count": len(text), "max": MAX_CHARACTERS}
        )
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(re.findall(r"[^\W_]+", text)) < MIN_WORDS:
        raise LetterFileError(
            ngettext(
                "The text has only %(count)s word; paste the letter, not a fragment of it.",
                "The text has only %(count)s words; paste the letter, not a fragment of it.",
                len(re.findall(r"[^\W_]+", text)),
            )
            % {"count": len(re.findall(r"[^\W_]+", text))}
        )
    dutch = sum(1 for word in words if word in _DUTCH_WORDS)
    other = sum(1 for word in words if word in _OTHER_WORDS)
    if dutch < 0.08 * len(words) or dutch < 2 * other:
        raise LetterFileError(
            _(
                "This text does not read as Dutch. Letters are read in Dutch only; give the "
                "Dutch original."
            )
        )
    return text
