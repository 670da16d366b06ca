from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "anhuan.facilities"
    label = "facilities"
    verbose_name = _("Key environmental facilities")

    def ready(self):
        # Add the lifecycle gates to the environmental facility register, and register this app's
        # to-do providers and audit actions, so pages, imports, the API and commands all see them.
        import anhuan.facilities.services.existing  # noqa: F401
        import anhuan.facilities.services.findings  # noqa: F401
        import anhuan.facilities.services.key_types  # noqa: F401
        import anhuan.facilities.services.lifecycle  # noqa: F401
        import anhuan.facilities.services.providers  # noqa: F401
        import anhuan.facilities.services.risks  # noqa: F401
        import anhuan.facilities.todo_existing  # noqa: F401
        import anhuan.facilities.todo_lifecycle  # noqa: F401
        from anhuan.core import history
        from anhuan.facilities import gates
        from anhuan.facilities.models import KeyFacilityProfile
        from anhuan.sharing.models import EnvFacility

        gates.install()
        # Lifecycle entries carry record ids so pages can find them. People read the records themselves.
        history.hide_details("facility", "referral", "evaluation", "order")
        history.register_detail_labels({
            "agencies": _("shared with"),
            "contacts": _("contacts reminded"),
            "repeated": _("repeated reminder"),
        })
        # Provider and responsible person changes are recorded on the facility itself.
        history.register_field_models(EnvFacility, KeyFacilityProfile)
