from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollutionConfig(AppConfig):
    name = "anhuan.pollution"
    label = "pollution"
    verbose_name = _("Heavy-pollution weather response")

    def ready(self):
        # Register this app's to-do providers, notification kinds and policy settings,
        # so pages, commands and the worker all render them.
        import anhuan.pollution.services.adhoc  # noqa: F401
        import anhuan.pollution.services.portal  # noqa: F401
        import anhuan.pollution.todo_maintenance  # noqa: F401
        import anhuan.pollution.todo_onsite  # noqa: F401
        import anhuan.pollution.todo_rosters  # noqa: F401
        import anhuan.pollution.tasks_overdue  # noqa: F401
