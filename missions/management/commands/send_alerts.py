"""Send each user their alert digest (run daily from cron; see README, "Alerts").

python manage.py send_alerts                  # today
python manage.py send_alerts --today 2028-04-15
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from missions.alerts.sending import send_alerts


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Send each user one digest: mandates ending within their horizon, new statements."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="The day to send for (YYYY-MM-DD); default today.")

    def handle(self, *args, **options) -> None:
        today = iso_date(options["today"]) if options["today"] else timezone.localdate()
        outcome = send_alerts(today)
        self.stdout.write(
            f"{outcome.sent} digest(s) sent, {outcome.nothing_new} with nothing new, "
            f"{outcome.failed} failed."
        )
        if outcome.failed:
            # A non-zero exit, so that cron mails the operator; the log names each recipient.
            raise CommandError(f"{outcome.failed} digest(s) could not be sent; see the log.")
