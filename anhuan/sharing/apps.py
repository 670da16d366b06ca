from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "anhuan.sharing"
    label = "sharing"
    verbose_name = _("Information sharing")

    def ready(self):
        # Register the to-do providers, notification kinds, policy settings and periodic jobs
        # of information sharing, so pages, commands and the worker all see them.
        import anhuan.sharing.todo_bulletins  # noqa: F401
        import anhuan.sharing.todo_referrals  # noqa: F401
        from anhuan.core import history

        # Each register's page shows its own history, so the register's name adds nothing there.
        history.hide_details("register")
