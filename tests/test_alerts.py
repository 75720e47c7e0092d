"""Alerts by e-mail: follow missions, a horizon, one digest per user, never the same thing twice."""

from __future__ import annotations

import logging
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from missions.alerts.digest import next_digest
from missions.alerts.models import AlertNotice, AlertSettings, Follow
from missions.models import Mission, Statement
from missions.reading import reports
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = "2028-04-15"


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://tracker.example.org"


def follow(user, acronym: str, horizon: int = 3, all_missions: bool = False) -> Mission:
    mission = Mission.objects.get(acronym=acronym)
    AlertSettings.objects.update_or_create(
        user=user, defaults={"horizon_months": horizon, "all_missions": all_missions}
    )
    Follow.objects.create(user=user, mission=mission)
    return mission


def send(today: str = TODAY) -> str:
    out = StringIO()
    call_command("send_alerts", "--today", today, stdout=out)
    return out.getvalue()


def test_it_mails_aspides_ending_30_june_2028_from_497_three_months_ahead(real_data, viewer):
    aspides = follow(viewer, "Aspides")

    output = send()

    assert len(mail.outbox) == 1
    (message,) = mail.outbox
    assert message.to == ["viewer@example.org"]
    assert message.subject == "Mission tracker: 1 mandate ending, 0 new statements"
    assert "EUNAVFOR Aspides" in message.body
    assert "ends 30 June 2028 (end of June 2028)" in message.body
    assert "Source: Kamerstuk 29521, nr. 497 (29521-497) of 23 May 2025, answer 11" in message.body
    assert "https://zoek.officielebekendmakingen.nl/kst-29521-497.html" in message.body
    assert f"https://tracker.example.org/missions/{aspides.pk}/" in message.body
    assert "1 digest(s) sent" in output
    notice = AlertNotice.objects.get()
    assert (notice.user, notice.statement.document.number, notice.reason) == (
        viewer,
        "497",
        "ending",
    )


def test_it_sends_nothing_the_second_time(real_data, viewer):
    follow(viewer, "Aspides")
    send()

    output = send()

    assert len(mail.outbox) == 1
    assert "0 digest(s) sent, 1 with nothing new" in output


def test_it_puts_a_new_statement_on_aspides_in_the_next_digest(real_data, viewer):
    aspides = follow(viewer, "Aspides")
    send()
    contribution = aspides.contributions.get()
    letter = factories.document(dossier="29521", number="520", date=date(2028, 4, 20))
    factories.statement(
        contribution=contribution,
        document=letter,
        status="extended",
        end_date=date(2029, 6, 30),
        end_precision="month",
        location="page 3",
    )

    send("2028-04-21")

    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert mail.outbox[1].subject == "Mission tracker: 0 mandates ending, 1 new statement"
    assert "NEW STATEMENTS ON MISSIONS YOU FOLLOW" in body
    assert "EUNAVFOR Aspides: national staff" in body or "EUNAVFOR Aspides" in body
    assert "end 30 June 2029" in body
    assert "Source: Kamerstuk 29521, nr. 520 (29521-520) of 20 April 2028, page 3" in body
    assert send("2028-04-22").startswith("0 digest(s) sent")


def test_it_cites_a_letter_known_to_the_month_by_its_month(real_data, viewer):
    aspides = follow(viewer, "Aspides")
    send()
    letter = factories.document(
        dossier="29521", number="520", date=date(2028, 4, 1), date_precision="month"
    )
    factories.statement(
        contribution=aspides.contributions.get(), document=letter, status="extended"
    )

    send("2028-04-21")

    body = mail.outbox[1].body
    assert "Source: Kamerstuk 29521, nr. 520 (29521-520) of April 2028" in body
    assert "of 1 April 2028" not in body


def test_it_tells_nothing_beyond_the_horizon_or_when_off(real_data, viewer, analyst):
    follow(viewer, "Aspides", horizon=2)  # 15 April + 2 months = 15 June: before 30 June
    follow(analyst, "Aspides", horizon=0)

    send()

    assert mail.outbox == []


def test_it_tells_on_the_last_day_of_the_horizon(real_data, viewer):
    follow(viewer, "Aspides", horizon=3)

    send("2028-03-30")  # 30 March + 3 months = 30 June, the end itself

    assert len(mail.outbox) == 1


def test_it_tells_about_all_missions_when_chosen(real_data, viewer):
    AlertSettings.objects.create(user=viewer, horizon_months=48, all_missions=True)

    send("2025-06-01")

    (message,) = mail.outbox
    ending = reports.expiring(Statement.objects.all(), 48, date(2025, 6, 1))
    assert ending.count() == 3  # OPA, NSATU and Aspides; the viewer follows none of them
    assert message.subject.startswith(f"Mission tracker: {ending.count()} mandates ending")
    for statement in ending.select_related("contribution__mission"):
        assert statement.contribution.mission.name in message.body


def test_it_does_not_mail_users_who_follow_nothing_or_cannot_read(real_data, viewer, outsider):
    follow(outsider, "Aspides")

    send()

    assert mail.outbox == []


def test_it_keeps_sending_to_others_when_one_fails_and_logs_it(
    real_data, viewer, analyst, monkeypatch, caplog
):
    follow(viewer, "Aspides")
    follow(analyst, "Aspides")
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def refuse_viewer(self, *args, **kwargs):
        if self.to == ["viewer@example.org"]:
            raise OSError("mail server said no")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", refuse_viewer)

    with pytest.raises(CommandError, match="1 digest"):
        send()

    assert [m.to for m in mail.outbox] == [["analyst@example.org"]]
    assert not AlertNotice.objects.filter(user=viewer).exists()
    assert AlertNotice.objects.filter(user=analyst).count() == 1
    failures = [r for r in caplog.records if r.name == "missions.alerts"]
    assert [r.getMessage() for r in failures] == [
        f"The alert digest for viewer ({viewer.pk}) failed"
    ]
    assert failures[0].exc_info is not None
    # The next run retries the one that failed.
    monkeypatch.setattr(EmailMessage, "send", original)
    send()
    assert [m.to for m in mail.outbox] == [["analyst@example.org"], ["viewer@example.org"]]


def test_it_refuses_a_bad_today(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_alerts", "--today", "15-04-2028")


# --- /account/alerts/ and the dashboard ----------------------------------------------------------


def test_it_saves_follows_and_horizon_from_the_alerts_page(real_data, viewer_client, viewer):
    aspides = Mission.objects.get(acronym="Aspides")
    althea = Mission.objects.get(name="EUFOR Althea")

    response = viewer_client.post(
        "/account/alerts/",
        {"horizon_months": "6", "missions": [aspides.pk, althea.pk]},
    )

    assert response.status_code == 302
    chosen = AlertSettings.objects.get(user=viewer)
    assert (chosen.horizon_months, chosen.all_missions) == (6, False)
    since = Follow.objects.get(user=viewer, mission=aspides).since
    viewer_client.post("/account/alerts/", {"horizon_months": "0", "missions": [aspides.pk]})
    assert list(Follow.objects.filter(user=viewer).values_list("mission", flat=True)) == [
        aspides.pk
    ]
    assert Follow.objects.get(user=viewer, mission=aspides).since == since
    assert AlertSettings.objects.get(user=viewer).horizon_months == 0


@pytest.mark.parametrize("horizon", ["-1", "121", "soon", ""])
def test_it_refuses_a_bad_horizon_and_changes_nothing(real_data, viewer_client, viewer, horizon):
    aspides = Mission.objects.get(acronym="Aspides")

    response = viewer_client.post(
        "/account/alerts/", {"horizon_months": horizon, "missions": [aspides.pk]}
    )

    assert response.status_code == 400
    assert not AlertSettings.objects.exists()
    assert not Follow.objects.exists()


def test_it_shows_on_the_dashboard_what_the_next_digest_would_contain(
    real_data, viewer_client, viewer, settings
):
    follow(viewer, "Aspides", horizon=36)

    page = viewer_client.get("/dashboard/").content.decode()

    assert "Your next alert e-mail" in page
    section = page.split('id="digest-heading"')[1].split("</section>")[0]
    assert "Ending within 36 months" in section
    assert "Aspides" in section and "29521-497" in section and "answer 11" in section
    call_command("send_alerts", stdout=StringIO())
    after = viewer_client.get("/dashboard/").content.decode()
    assert "Nothing new for you" in after.split('id="digest-heading"')[1]


def test_it_previews_the_digest_in_a_fixed_number_of_queries(
    real_data, viewer, django_assert_num_queries
):
    follow(viewer, "Aspides", horizon=36)
    # The reader's alert settings, the mandates ending and the new statements.
    with django_assert_num_queries(3):
        small = next_digest(viewer, date(2028, 4, 15))
    for _ in range(30):
        factories.statement(
            contribution=factories.contribution(mission=Mission.objects.get(acronym="Aspides")),
            end_date=date(2028, 5, 1),
        )
    with django_assert_num_queries(3):
        large = next_digest(viewer, date(2028, 4, 15))

    assert len(large.new) == 30 and len(large.ending) == len(small.ending) + 30


def test_it_logs_nothing_when_all_is_well(real_data, viewer, caplog):
    follow(viewer, "Aspides")
    caplog.set_level(logging.WARNING)

    send()

    assert not [r for r in caplog.records if r.name.startswith("missions")]
