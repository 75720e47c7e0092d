"""Give a user one of the tracker's roles: ``manage.py grant USER analyst|viewer``."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from django.db import transaction

from missions.roles import ROLES, STAFF_ROLES, ensure_roles


class Command(BaseCommand):
    help = (
        "Give USER the role 'analyst' (works in the admin: add, change and view records, import) "
        "or 'viewer' (reads the pages and reports). A user holds one role; the other is removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help="analyst or viewer")

    def handle(self, *args, username: str, role: str, **options):
        group_name = ROLES.get(role.strip().lower())
        if group_name is None:
            raise CommandError(f"Unknown role {role!r}. Choose one of: {', '.join(ROLES)}.")
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f"No user named {username!r}. Create the account first, for example with "
                "'manage.py createsuperuser' or in the admin under Users."
            ) from None

        with transaction.atomic():
            # Refresh the groups first, so that models added since the migration are covered.
            groups = ensure_roles()
            user.groups.remove(*[g for name, g in groups.items() if name != group_name])
            user.groups.add(groups[group_name])
            # Only staff accounts may open the admin; viewers must not.
            user.is_staff = group_name in STAFF_ROLES or user.is_superuser
            user.save(update_fields=["is_staff"])

        self.stdout.write(self.style.SUCCESS(f"{username} is now {group_name.lower()}."))
        if user.is_superuser:
            self.stdout.write(
                self.style.WARNING(
                    f"{username} is a superuser and keeps every permission whatever the role."
                )
            )
