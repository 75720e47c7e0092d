"""The mission page: facts, each contribution's current state, and the statement timeline."""

from __future__ import annotations

import re
from datetime import date

import pytest

from missions.models import Mission, MissionStatement, Qualifier, Statement, StatementKind, Status
from tests import factories as f
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

MISSION_PAGE_QUERIES = 11 + 1  # + the data version, for the ETag


@pytest.fixture
def aspides() -> Mission:
    mission = f.mission(
        name="EUNAVFOR Aspides",
        acronym="Aspides",
        total_strength=70,
        total_strength_qualifier=Qualifier.APPROXIMATELY,
        military_strength=60,
        participating_countries="Italy, France, Greece",
        mandate="Protect merchant shipping in the Red Sea.",
        mandate_since=2024,
        organization=f.organization(acronym="EU", name="European Union"),
        region=f.region(name="Red Sea"),
    )
    staff = f.contribution(mission=mission, name="national staff")
    f.contribution(mission=mission, name="frigate (not yet stated)")
    letter = f.document(dossier="29521", number="493", date=date(2025, 4, 4))
    answers = f.document(dossier="29521", number="497", date=date(2025, 5, 23))
    f.statement(
        contribution=staff,
        document=letter,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2025, 5, 31),
        end_precision="month",
        location="p. 4",
    )
    f.statement(
        contribution=staff,
        document=answers,
        kind=StatementKind.CORRECTION,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
        location="answer 11",
        quote="per abuis",
    )
    return mission


def test_it_shows_the_mission_facts(viewer_client, aspides):
    html = viewer_client.get(f"/missions/{aspides.pk}/").content.decode()
    assert "<h1>EUNAVFOR Aspides" in html
    assert "<dt>Organization</dt><dd>EU (European Union)</dd>" in html
    assert "<dt>Region</dt><dd>Red Sea</dd>" in html
    assert "<dt>Total strength</dt><dd>~70</dd>" in html
    assert "<dt>Of which military</dt><dd>60</dd>" in html
    assert "<dt>Participating countries</dt><dd>Italy, France, Greece</dd>" in html
    assert "Protect merchant shipping in the Red Sea." in html
    assert "<dt>Mandate since</dt><dd>2024</dd>" in html


def test_it_says_open_ended_and_not_stated(viewer_client):
    untso = f.mission(name="UNTSO", mandate_since=1948, mandate_open_ended=True)
    html = viewer_client.get(f"/missions/{untso.pk}/").content.decode()
    assert "<dt>Mandate since</dt><dd>1948; open-ended</dd>" in html
    assert "<dt>Total strength</dt><dd>not stated</dd>" in html


def test_it_lists_each_contribution_with_its_current_state(viewer_client, aspides):
    response = viewer_client.get(f"/missions/{aspides.pk}/")
    current = {c.name: s for c, s in response.context["contributions"]}
    assert set(current) == {"national staff", "frigate (not yet stated)"}
    assert current["national staff"].document.number == "497"
    assert current["frigate (not yet stated)"] is None
    html = response.content.decode()
    assert '<td class="num">~10</td>' in html
    assert "<td>end of June 2028</td>" in html
    assert "No statement yet." in html


def test_it_shows_the_timeline_with_the_correction_marked_and_what_changed(viewer_client, aspides):
    response = viewer_client.get(f"/missions/{aspides.pk}/")
    entries = response.context["entries"]
    # Newest first.
    assert [e.statement.document.number for e in entries] == ["497", "493"]
    assert [str(c) for c in entries[0].changes] == ["end: end of May 2025 -> end of June 2028"]
    html = response.content.decode()
    assert '<strong class="label label-correction">Correction</strong>' in html
    assert (
        '<span class="field-name">end</span>: <del>end of May 2025</del> → '
        "<ins>end of June 2028</ins>"
    ) in html
    assert 'href="/documents/' in html and ">29521-497</a>" in html
    assert '<time datetime="2025-05-23">May 23, 2025</time>' in html
    assert '<blockquote lang="nl">per abuis</blockquote>' in html
    # Only the correction is labelled as one.
    assert html.count("label-correction") == 1


def test_it_runs_as_many_queries_for_many_statements_as_for_few(
    viewer_client, aspides, django_assert_num_queries
):
    url = f"/missions/{aspides.pk}/"
    viewer_client.get(url)
    # Session and user, the mission, its statements about the mission itself, its statements,
    # its contributions, the session save (3); the data version, for the ETag.
    with django_assert_num_queries(MISSION_PAGE_QUERIES):
        assert viewer_client.get(url).status_code == 200
    for n in range(20):
        contribution = f.contribution(mission=aspides, name=f"extra {n}")
        for day in (date(2025, 1, 1), date(2025, 2, 1)):
            f.statement(contribution=contribution, document=f.document(date=day), military=n)
    with django_assert_num_queries(MISSION_PAGE_QUERIES):
        assert viewer_client.get(url).status_code == 200


def _entry(html: str, statement: Statement) -> str:
    """The timeline entry of one statement (found by its document link)."""
    for entry in re.findall(r'<li class="entry[^"]*">.*?</li>\n  \n', html, re.DOTALL):
        if f'<a href="/documents/{statement.document_id}/">' in entry and (
            statement.contribution.name in entry
        ):
            return entry
    raise AssertionError(statement.pk)


def test_it_shows_what_497_says_about_emasoh_itself(viewer_client, real_data):
    said = MissionStatement.objects.select_related("document").get(mission__acronym="EMASoH")
    html = viewer_client.get(f"/missions/{said.mission_id}/").content.decode()

    section = html.split('<h2 id="about-heading">What the documents said about the mission</h2>')[1]
    section = section.split("</section>")[0]
    assert (
        f'<a href="/documents/{said.document_id}/">29521-497</a>\n'
        '    <time datetime="2025-05-23">May 23, 2025</time> '
        '<span class="label label-inferred">date inferred</span>\n'
        '    <span class="badge mission-status-ended">ended</span>\n'
        '    <span class="location">(answer 4)</span>'
    ) in section
    assert (
        '<blockquote lang="nl">de recente beëindigde Europese missie in de Straat van Hormuz '
        "(EMASoH)</blockquote>"
    ) in section
    assert section.count('class="entry mission-statement"') == 1
    # ... and no Dutch contribution is invented for it.
    assert '<td colspan="11" class="empty">No Dutch contribution recorded.</td>' in html
    assert "<li>No statements yet.</li>" in html


def test_it_leaves_out_the_section_when_no_document_states_anything_about_the_mission_itself(
    viewer_client, aspides
):
    html = viewer_client.get(f"/missions/{aspides.pk}/").content.decode()

    assert "What the documents said about the mission" not in html
    assert "mission-statement" not in html
    # The statements about its contributions are still there.
    assert html.count('<li class="entry') == 2


def test_it_marks_the_aspides_statement_of_493_as_corrected_on_the_mission_page(
    viewer_client, real_data
):
    wrong = Statement.objects.select_related("contribution").get(
        document__number="493", contribution__mission__acronym="Aspides"
    )
    correction = Statement.objects.select_related("contribution").get(
        document__number="497", contribution__mission__acronym="Aspides"
    )
    html = viewer_client.get(f"/missions/{wrong.contribution.mission_id}/").content.decode()

    wrong_entry = _entry(html, wrong)
    assert '<li class="entry corrected">' in wrong_entry
    assert (
        '<strong class="label label-corrected">corrected by '
        f'<a href="/documents/{correction.document_id}/#statement-{correction.pk}">'
        "29521-497, answer 11</a></strong>"
    ) in wrong_entry
    assert "corrected by 29521-497, answer 11" in visible_text(wrong_entry)
    correction_entry = _entry(html, correction)
    assert (
        f'<p class="mark">corrects <a href="/documents/{wrong.document_id}/#statement-'
        f'{wrong.pk}">29521-493</a></p>'
    ) in correction_entry
    assert '<span class="label label-inferred">date inferred</span>' in correction_entry
    assert "date inferred" not in wrong_entry
    # The current state is the correction: it says what it corrects, it is not itself corrected.
    row = re.search(r"<th scope=\"row\">national staff</th>.*?</tr>", html, re.DOTALL).group(0)
    assert "corrects 29521-493" in visible_text(row)
    assert "corrected by" not in row
    assert html.count("corrected by") == 1


def test_it_runs_the_same_queries_with_corrections_and_mission_statements_at_any_size(
    viewer_client, aspides, django_assert_num_queries
):
    url = f"/missions/{aspides.pk}/"

    def add(count: int) -> None:
        for n in range(count):
            contribution = f.contribution(mission=aspides)
            wrong = f.statement(
                contribution=contribution, document=f.document(date=date(2025, 1, 1))
            )
            f.statement(
                contribution=contribution,
                document=f.document(date=date(2025, 2, 1), date_inferred=True, inference_note="x"),
                kind=StatementKind.CORRECTION,
                corrects=wrong,
                military=n,
            )
            f.mission_statement(mission=aspides, document=f.document(date=date(2025, 3, 1)))

    add(1)
    viewer_client.get(url)  # warm up: the session's first save differs
    for count in (0, 20):
        add(count)
        with django_assert_num_queries(MISSION_PAGE_QUERIES):
            html = viewer_client.get(url).content.decode()
        # One corrected statement per contribution added (the fixture's correction names none).
        assert html.count("label-corrected") == 1 + count
        assert html.count('class="entry mission-statement"') == 1 + count


def test_it_dates_a_document_known_to_the_month_as_a_month(viewer_client, aspides):
    """ "januari jl.": the timeline and what the document says about the mission itself give
    January 2024, not a first of January the source never gave."""
    letter = f.january_letter()
    said = f.statement(contribution=aspides.contributions.first(), document=letter, military=3)
    f.mission_statement(mission=aspides, document=letter)

    html = viewer_client.get(f"/missions/{aspides.pk}/").content.decode()

    stamp = (
        '<time datetime="2024-01-01">January 2024</time> '
        '<span class="label label-inferred">date inferred</span>'
    )
    assert stamp in _entry(html, said)
    about = html.split('<h2 id="about-heading">')[1].split("</section>")[0]
    assert stamp in about
    assert "Jan. 1, 2024" not in html
