from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MissionsConfig(AppConfig):
    name = "missions"
    verbose_name = _("Mission commitments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from missions.models.data_version import install_triggers
        from missions.security.session_security import record_login

        # Each login notes its time (the absolute session lifetime) and the second factor.
        user_logged_in.connect(record_login, dispatch_uid="missions.record_login")
        # After every migrate (test databases too): tables added later get their trigger.
        post_migrate.connect(
            install_triggers, sender=self, dispatch_uid="missions_data_version_triggers"
        )
