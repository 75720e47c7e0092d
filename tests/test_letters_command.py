"""`manage.py propose_statements FILE [--format json|text]`: the JSON of issue 12, read-only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from missions.models import Mission, SourceDocument, Statement
from tests.letter_files import ALTHEA, LETTERS, letter_text, pdf_with_text

STATEMENT_KEYS = [
    "mission",
    "contribution",
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
    "quote",
    "location",
    "check",
]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("propose_statements", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_letter_as_json_with_iso_dates_and_nulls(real_data) -> None:
    out, _ = run(str(LETTERS / ALTHEA), "--format", "json")
    data = json.loads(out)
    assert list(data) == ["document", "cites", "statements"]
    assert data["document"] == {
        "dossier": "29521",
        "number": "494",
        "date": "2025-04-25",
        "kind": "article_100",
        "title": "Artikel 100-bijdrage aan EUFOR Althea",
    }
    assert data["cites"] == ["29521-484", "29521-493"]
    assert [list(statement) for statement in data["statements"]] == [STATEMENT_KEYS] * 3
    company = data["statements"][0]
    assert {key: company[key] for key in STATEMENT_KEYS if key not in ("quote", "check")} == {
        "mission": "EUFOR Althea",
        "contribution": "infanteriecompagnie van de Koninklijke Landmacht",
        "status": "new",
        "military": 175,
        "civilian": None,
        "police": None,
        "total": None,
        "qualifier": "at_most",
        "start": "2025-10-01",
        "start_precision": "month",
        "end": "2026-10-01",
        "end_precision": "day",
        "location": "paragraph 2",
    }
    assert company["quote"].startswith("Het kabinet heeft besloten tot inzet van een")
    assert company["quote"].endswith("van oktober 2025 tot en met 1 oktober 2026.")
    staff = data["statements"][2]
    assert staff["check"] == [
        "a change from 7 to at most 10",
        "'verlengt' and a change in size: scaled up may fit better",
    ]


def test_it_prints_text_for_reading_many_letters(real_data) -> None:
    out, err = run(str(LETTERS / "tk-29521-471-aspides-art100-2024-03-08.txt"), "--format", "text")
    lines = out.splitlines()
    assert lines[:6] == [
        "document: 29521-471, 2024-03-08, article_100",
        "title: Artikel 100-bijdrage aan maritieme veiligheid Rode Zee",
        "cites: 27925-963, 29521-467, 29521-465",
        "unreadable reference: Kamerstuk 29 2521, nr. 469, d.d. 19 januari 2024",
        "unreadable reference: Kamerstuk 29 521, nr.",
        "statements: 2",
    ]
    assert (
        lines[6]
        == "1. Prosperity Guardian: stafofficieren [continued] at_most military 2; paragraph 2"
    )
    assert "unreadable reference, not guessed: Kamerstuk 29 2521, nr. 469" in err


def test_it_writes_nothing_to_the_database(real_data, django_assert_num_queries) -> None:
    before = (Mission.objects.count(), SourceDocument.objects.count(), Statement.objects.count())
    # One query, which reads: the known missions, to match the letter's names against.
    with django_assert_num_queries(1) as queries:
        run(str(LETTERS / ALTHEA))
    assert queries.captured_queries[0]["sql"].split()[0].upper() == "SELECT"
    after = (Mission.objects.count(), SourceDocument.objects.count(), Statement.objects.count())
    assert after == before


def test_it_reads_a_pdf_text_layer(real_data, tmp_path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf_with_text(letter_text()))
    data = json.loads(run(str(path))[0])
    assert data["document"]["number"] == "494"
    assert [s["military"] or s["total"] for s in data["statements"]] == [175, 10, 10]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("leeg.txt", b"", "The file leeg.txt is empty."),
        ("brief.docx", b"PK\x03\x04", "brief.docx is not a .txt, .html or .pdf file."),
        ("brief.txt", b"\x00\x01\x02binary\x00" * 50, "This is not a text file"),
        (
            "letter.txt",
            b"The government informs the House about the mission today. " * 5,
            "This text does not read as Dutch",
        ),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_the_reason(db, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        run(str(path))
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_it_names_a_missing_file(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="No such file or directory"):
        run(str(tmp_path / "nowhere.txt"))


NMI = "kst-27925-946-nmi-irak-aanvullend-art100-2023-09-29.txt"


@pytest.mark.django_db
def test_it_names_a_mission_by_the_acronym_the_letter_spelled_out_earlier() -> None:
    # No mission in the tracker yet: the letter spells out "NAVO Missie in Irak (NMI)" once and
    # then writes "binnen NMI"; the statements there are NMI's, proposed as a new mission.
    out, _ = run(str(LETTERS / NMI), "--format", "json")
    statements = json.loads(out)["statements"]
    figures = {(s["mission"], s["total"]) for s in statements if s["total"] is not None}
    assert figures == {("NMI", 15), ("NMI", 120)}
    assert all(
        "no mission in the tracker matches 'NAVO Missie in Irak'" in s["check"][0]
        for s in statements
        if s["mission"] == "NMI"
    )


def test_a_checkout_without_a_database_still_reads_the_letter_and_says_why(tmp_path) -> None:
    # A fresh clone before `migrate`: no table to read the missions from.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'missing.sqlite3'}"}
    command = [sys.executable, "manage.py", "propose_statements", str(LETTERS / ALTHEA)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=env, check=False,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert (
        "The tracker's missions could not be read, so none is matched (OperationalError: no such "
        "table: missions_mission); run `python manage.py migrate` to set up the database."
    ) in done.stderr
    statements = json.loads(done.stdout)["statements"]
    assert (statements[0]["mission"], statements[0]["military"]) == ("EUFOR Althea", 175)
