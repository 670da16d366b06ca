from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollutionConfig(AppConfig):
    name = "anhuan.pollution"
    label = "pollution"
    verbose_name = _("Heavy-pollution weather response")
