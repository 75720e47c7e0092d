"""Make sure an administrator account exists; print its generated password once, at creation."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' with a random password when no superuser exists."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str = "admin", **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An administrator account exists; its password was shown at creation."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username, "", password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the administrator '{username}' with password: {password}\n"
                "This password is shown only now. Change it at /admin/password_change/."
            )
        )
