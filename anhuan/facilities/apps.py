from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "anhuan.facilities"
    label = "facilities"
    verbose_name = _("Key environmental facilities")

    def ready(self):
        # Add the lifecycle gates to the environmental facility register, and register this app's
        # to-do providers and audit actions, so pages, imports, the API and commands all see them.
        from anhuan.facilities import gates

        gates.install()
