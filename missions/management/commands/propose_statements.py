"""Read a letter and print its document and proposed statements, without writing anything."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from missions.letters.files import LetterFileError, read_file
from missions.letters.matching import KnownMission
from missions.letters.proposals import Reading, read_letter
from missions.letters.store import known_missions


class Command(BaseCommand):
    help = (
        "Propose the document and the statements of a letter (.txt, .html or .pdf), as JSON "
        "or text. Reads the tracker's missions; writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the letter: a .txt, .html or .pdf file")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, file: str, format: str, **options) -> None:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            text = read_file(path.name, data)
        except LetterFileError as error:
            raise CommandError(f"{file}: {error}") from error
        reading = read_letter(text, self._missions())
        for unreadable in reading.header.unreadable:
            self.stderr.write(f"unreadable reference, not guessed: {unreadable}")
        if format == "json":
            self.stdout.write(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(as_text(reading))

    def _missions(self) -> list[KnownMission]:
        """The tracker's missions to match against; none when there is no database to read
        (a fresh checkout before ``migrate``, or the database down): the letter is still read,
        its missions named as the letter names them, and the reader is told why."""
        try:
            return known_missions()
        except DatabaseError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            self.stderr.write(
                "The tracker's missions could not be read, so none is matched "
                f"({type(error).__name__}: {first_line}); run `python manage.py migrate` "
                "to set up the database."
            )
            return []


def as_text(reading: Reading) -> str:
    data = reading.as_json()
    document = data["document"]
    reference = f"{document['dossier']}-{document['number']}" if document["number"] else "-"
    lines = [
        f"document: {reference}, {document['date'] or 'no date'}, {document['kind']}",
        f"title: {document['title'] or '-'}",
        f"cites: {', '.join(data['cites']) or '-'}",
    ]
    lines += [f"unreadable reference: {text}" for text in reading.header.unreadable]
    lines.append(f"statements: {len(data['statements'])}")
    for number, statement in enumerate(data["statements"], 1):
        counts = ", ".join(
            f"{name} {statement[name]}"
            for name in ("military", "civilian", "police", "total")
            if statement[name] is not None
        )
        period = " to ".join(
            f"{statement[key]} ({statement[key + '_precision']})"
            for key in ("start", "end")
            if statement[key]
        )
        lines.append(
            f"{number}. {statement['mission'] or '?'}: {statement['contribution']} "
            f"[{statement['status']}]"
            + (f" {statement['qualifier']} {counts}" if counts else "")
            + (f"; {period}" if period else "")
            + (f"; {statement['location']}" if statement["location"] else "")
        )
        lines.append(f"   quote: {statement['quote']}")
        lines += [f"   check: {reason}" for reason in statement["check"]]
    return "\n".join(lines)
