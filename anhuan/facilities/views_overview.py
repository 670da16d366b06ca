"""The key-facility overview (staff of both bureaus) and the key facility types page (system administrator).

The overview reads only inside the user's scope; officers, leaders and experts read it, like
every register, and enterprise contacts and administrators get 403. The key types page shows no supervised rows, only the types.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core.context_processors import url_or_none
from anhuan.core.errors import NotPermitted, ValidationFailed
from anhuan.facilities import reads_overview
from anhuan.facilities.services import key_types as services
from anhuan.facilities.views_common import XLSX_TYPE
from anhuan.organizations.models import Role
from anhuan.core.downloads import attachment_header

OVERVIEW_ROLES = {Role.OFFICER, Role.LEADER, Role.EXPERT}


def _require_overview_reader(user):
    if not (user.is_authenticated and user.is_active and user.role in OVERVIEW_ROLES and user.agency_id is not None):
        raise PermissionDenied(_("Only staff of the two bureaus open the key facility overview."))


class OverviewView(View):
    def get(self, request):
        _require_overview_reader(request.user)
        overview = reads_overview.build_overview(request.user)
        title = _("Key environmental facilities overview, %(date)s") % {"date": overview.today.isoformat()}

        if request.GET.get("format") == "xlsx":
            response = HttpResponse(reads_overview.overview_workbook(overview, title), content_type=XLSX_TYPE)
            response["Content-Disposition"] = attachment_header(
                f"{title}.xlsx", f"key-facilities-overview-{overview.today.isoformat()}.xlsx"
            )
            return response

        return render(request, "facilities/overview.html", {
            "overview": overview,
            "title": title,
            "links": {
                "list": url_or_none("facilities:list"),
                "due": url_or_none("facilities:due"),
                "orders": url_or_none("facilities:order-list"),
                "referrals": url_or_none("sharing:referral-list"),
            },
        })


class KeyTypesView(View):
    def _require_manager(self, user):
        if not services.can_manage(user):
            raise PermissionDenied(_("Only the system administrator may change the key facility types."))

    def get(self, request):
        self._require_manager(request.user)
        return render(request, "facilities/key_types.html", {"rows": services.type_rows()})

    def post(self, request):
        self._require_manager(request.user)
        action = request.POST.get("action")
        facility_type = request.POST.get("facility_type", "")
        try:
            if action == "add":
                changed = services.add_key_type(actor=request.user, facility_type=facility_type)
                message = _("The type is now a key type, and %(count)s register rows became key facilities.")
            elif action == "remove":
                changed = services.remove_key_type(actor=request.user, facility_type=facility_type)
                message = _("The type is no longer a key type, and %(count)s register rows became ordinary facilities.")
            else:
                raise ValidationFailed(_("Choose whether to add or remove the type."), field="action")
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
            return render(request, "facilities/key_types.html", {"rows": services.type_rows()}, status=400)

        messages.success(request, message % {"count": changed})
        return redirect("facilities:key-types")
