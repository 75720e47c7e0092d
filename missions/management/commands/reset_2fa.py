"""Remove a user's TOTP devices (a lost phone): ``manage.py reset_2fa USER``."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Remove every TOTP authenticator of USER, for a lost or replaced phone. The user logs "
        "in with the password alone and sets up the new phone under Password > Two-step login "
        "(at once, with REQUIRE_2FA=true)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} authenticator(s) of {username}."))
