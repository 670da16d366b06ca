from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anhuan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Register the to-do providers and notification kinds of this app.
        import anhuan.core.todo_consultations  # noqa: F401
