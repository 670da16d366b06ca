from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "anhuan.experts"
    label = "experts"
    verbose_name = _("Expert pool")

    def ready(self):
        # Registers the expert actions' labels for the audit history.
        from anhuan.experts import services  # noqa: F401
