"""Template context shared by every page: the navigation the user may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anhuan.organizations.models import STAFF_ROLES
from anhuan.organizations.scope import enterprise_id_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = [(_("Home"), [(_("Home"), reverse("home"))])]
    if user.role in STAFF_ROLES:
        groups.append(
            (
                _("Heavy-pollution weather response"),
                [
                    (_("Warnings"), "/pollution/warnings/"),
                    (_("Reduction lists"), "/pollution/lists/"),
                ],
            )
        )
        groups.append((_("Enterprise files"), [(_("Enterprises"), reverse("enterprises:list"))]))
    own = enterprise_id_of(user)
    if own is not None:
        groups.append((_("Enterprise files"), [(_("My enterprise"), reverse("enterprises:detail", args=[own]))]))
    return {"nav_groups": groups}
