"""Dutch and English: the language follows the browser or the switcher; dates and numbers follow."""

from __future__ import annotations

import ast
import gettext
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from missions.models import Qualifier, StatementKind, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: flags, msgid and msgstr(s), without polib (not a dependency)."""
    entries: list[dict[str, object]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, object] = {"flags": set(), "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif match := re.match(
                r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line
            ):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if entry.get("msgid"):  # the header has an empty msgid
            entries.append(entry)
    return entries


@pytest.fixture
def aspides():
    mission = f.mission(
        name="EUNAVFOR Aspides",
        acronym="Aspides",
        organization=f.organization(acronym="EU"),
        region=f.region(name="Rode Zee"),
        total_strength=1250,
    )
    staff = f.contribution(mission=mission, name="nationale staf")
    f.statement(
        contribution=staff,
        document=f.document(dossier="29521", number="493", date=date(2025, 4, 4)),
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2025, 5, 31),
        end_precision="month",
    )
    f.statement(
        contribution=staff,
        document=f.document(dossier="29521", number="497", date=date(2025, 5, 23)),
        kind=StatementKind.CORRECTION,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
    )
    f.statement(status=Status.NOT_FEASIBLE)
    return mission


def test_it_ships_the_compiled_dutch_catalogue():
    folder = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
    assert (folder / "django.po").exists()
    # Running the app needs no gettext tools: the compiled catalogue is in the repository.
    assert (folder / "django.mo").stat().st_size > 1000


def test_it_leaves_no_message_untranslated_or_fuzzy():
    entries = read_catalogue(CATALOGUE)
    assert len(entries) > 400
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    untranslated = [
        entry["msgid"]
        for entry in entries
        if not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    obsolete = [entry["msgid"] for entry in entries if entry["obsolete"]]
    assert (fuzzy, untranslated, obsolete) == ([], [], [])


def test_it_keeps_every_placeholder_in_the_dutch_text():
    placeholder = re.compile(r"%\(\w+\)[sdrf]|%(?:\.\d)?[sdrf]|\{\w*\}")
    for entry in read_catalogue(CATALOGUE):
        source = sorted(placeholder.findall(str(entry.get("msgid_plural", entry["msgid"]))))
        for key, value in entry.items():
            if key.startswith("msgstr"):
                assert sorted(placeholder.findall(str(value))) == source, entry["msgid"]


def test_it_compiled_every_translation_of_the_catalogue():
    # A .po edited without compilemessages leaves the running app on the old translations.
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in read_catalogue(CATALOGUE):
        if "msgid_plural" in entry:
            for n, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], n) == entry[key]
        elif "msgctxt" in entry:
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"]


def test_it_shows_the_table_in_dutch(viewer_client, aspides):
    response = viewer_client.get("/?as_of=2025-06-01", **DUTCH)
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert ">Missie<" in html
    assert ">Bijdrage<" in html
    assert ">Resterende tijd<" in html
    assert "eind juni 2028" in html
    assert '<span class="badge status-extended">verlengd</span>' in html
    assert '<span class="badge status-not_feasible">niet haalbaar</span>' in html
    assert "1 juni 2025" in html  # the as-of date, in Dutch
    assert "Deze rijen downloaden" in html
    assert ">Uitloggen<" in html


def test_it_explains_bad_input_in_dutch(viewer_client, aspides):
    html = viewer_client.get("/?end_after=geen-datum&sort=onzin", **DUTCH).content.decode()
    assert "Sommige filters konden niet worden gebruikt" in html
    assert "Eindigt op of na: Voer een geldige datum in." in html
    assert "Kan niet sorteren op onzin" in html


def test_it_shows_the_mission_page_in_dutch(viewer_client, aspides):
    html = viewer_client.get(f"/missions/{aspides.pk}/", **DUTCH).content.decode()
    assert ">Correctie</strong>" in html
    assert "<del>eind mei 2025</del> → <ins>eind juni 2028</ins>" in html
    assert "<dt>Totale sterkte</dt><dd>1250</dd>" in html
    assert '<time datetime="2025-05-23">23 mei 2025</time>' in html
    assert "Wat de documenten zeiden" in html


def test_it_shows_the_dashboard_in_dutch(viewer_client, aspides):
    html = viewer_client.get("/dashboard/", **DUTCH).content.decode()
    assert "<h1>Dashboard</h1>" in html
    assert "Binnenkort aflopend" in html
    assert "Tijdlijn van de huidige bijdragen" in html
    assert "personen in 1 actieve bijdrage." in html
    assert ">~10<" in html and ">onbekend<" in html
    assert "Niet in deze totalen, want niet actief op deze dag:" in html
    assert "in juni 2028 (ongeveer " in html
    assert "vandaag, " in html
    assert "(verlengd)</text>" in html
    # SVG coordinates stay in dots whatever the language's decimal separator.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "," not in svg.split("<title")[0].replace('viewBox="', "")


def test_it_formats_numbers_in_the_active_language(viewer_client):
    for _ in range(3):
        f.statement(military=1500, status=Status.CONTINUED)
    english = viewer_client.get("/dashboard/").content.decode()
    dutch = viewer_client.get("/dashboard/", **DUTCH).content.decode()
    assert '<td class="num">4,500</td>' in english
    assert '<td class="num">4.500</td>' in dutch


def test_it_switches_the_language_with_the_switcher(viewer_client, aspides):
    english = viewer_client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in english
    assert '<option value="nl"' in english
    response = viewer_client.post("/i18n/setlang/", {"language": "nl", "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert "Binnenkort aflopend" in viewer_client.get("/dashboard/").content.decode()


def test_it_shows_the_import_page_in_dutch(analyst_client):
    html = analyst_client.get("/import/", **DUTCH).content.decode()
    assert "<h1>Een spreadsheet importeren</h1>" in html
    assert "U ziet eerst rij voor rij wat de import zou doen" in html
    assert ">Voorbeeld van de import bekijken</button>" in html
    assert "<h2>De indeling</h2>" in html
    assert "hoogstens 5 MB en 20.000 rijen" in html


def test_it_shows_the_summary_report_in_dutch(viewer_client, aspides):
    html = viewer_client.get("/reports/summary/?as_of=2025-06-01", **DUTCH).content.decode()
    assert "<h1>Overzicht personeel</h1>" in html
    assert "De bijdragen die actief waren op 1 juni 2025, zoals de documenten er toen" in html
    assert ">Per organisatie</caption>" in html
    assert ">Per status</caption>" in html
    assert ">onbekend<" in html
    assert "1 niet haalbaar." in " ".join(html.split())


def test_it_shows_the_admin_history_in_dutch(admin_client, aspides):
    statement = aspides.contributions.get().statements.order_by("document_date").first()
    url = f"/admin/missions/statement/{statement.pk}/history/"
    html = admin_client.get(url, **DUTCH).content.decode()
    # django-simple-history ships no Dutch; the project catalogue carries its strings.
    assert "Kies hieronder een datum om dit record terug te zetten" in html
    assert "<td>Aangemaakt</td>" in html
    assert ">Gewijzigd door<" in html
    assert ">Reden van de wijziging<" in html
