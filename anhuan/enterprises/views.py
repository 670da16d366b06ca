"""Enterprise pages: the list with filters and export, the enterprise page, and the edit form.

Every page reads through ``Enterprise.objects.visible_to``: an enterprise outside
the user's scope returns 404, exactly like a missing one.
"""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from anhuan.core.errors import DomainError
from anhuan.core.history import history_rows
from anhuan.core.timeutil import SHANGHAI
from anhuan.enterprises import services
from anhuan.enterprises.exports import enterprise_workbook
from anhuan.enterprises.forms import PAGE_SIZES, EnterpriseFilterForm, EnterpriseForm
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.queries import list_enterprises
from anhuan.organizations.scope import enterprise_id_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The detail page shows this many history entries; older ones stay in the audit log.
HISTORY_LIMIT = 100


def _require_registry_reader(user):
    if not services.can_view_registry(user):
        raise PermissionDenied


def _require_editor(user):
    if not services.can_edit_enterprises(user):
        raise PermissionDenied


def enterprise_list(request):
    """Show the filtered, paginated list, or redirect a contact to their own enterprise's page."""
    own_enterprise = enterprise_id_of(request.user)
    if own_enterprise is not None:
        return redirect("enterprises:detail", pk=own_enterprise)
    _require_registry_reader(request.user)

    filter_form = EnterpriseFilterForm(request.GET, user=request.user)
    enterprises = list_enterprises(request.user, **filter_form.criteria())
    page_size = filter_form.page_size()
    page_obj = Paginator(enterprises, page_size).get_page(request.GET.get("page"))

    return render(request, "enterprises/enterprise_list.html", {
        "filter_form": filter_form,
        "page_obj": page_obj,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "can_edit": services.can_edit_enterprises(request.user),
    })


def enterprise_export(request):
    """Send the list as filtered on screen, every page of it, as an .xlsx download."""
    _require_registry_reader(request.user)

    filter_form = EnterpriseFilterForm(request.GET, user=request.user)
    enterprises = list_enterprises(request.user, **filter_form.criteria())
    content = enterprise_workbook(enterprises)

    today = timezone.now().astimezone(SHANGHAI).strftime("%Y-%m-%d")
    file_name = _("Enterprises %(date)s.xlsx") % {"date": today}
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response


def _label(name):
    return capfirst(Enterprise._meta.get_field(name).verbose_name)


def _registry_facts(enterprise):
    """Return the (label, value) rows of the registry card. The template shows the flags as tags."""
    return [
        (_label("credit_code"), enterprise.credit_code),
        (_label("region"), enterprise.region.name),
        (_label("address"), enterprise.address or "—"),
        (_label("industry_code"), enterprise.industry_code or "—"),
        (_label("industry_name"), enterprise.industry_name or "—"),
        (_label("category"), enterprise.get_category_display()),
        (_label("key_industry"), _("Yes") if enterprise.key_industry else _("No")),
        (_label("performance_grade"), enterprise.get_performance_grade_display()),
    ]


def enterprise_detail(request, pk):
    """Show the registry data, the contacts and, to staff, the change history of one enterprise."""
    enterprise = Enterprise.objects.select_related("region").get_for_user(request.user, pk=pk)

    is_staff_reader = services.can_view_registry(request.user)
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise,
        "facts": _registry_facts(enterprise),
        "contacts": list(enterprise.contacts.select_related("user").order_by("user__username")),
        "history": history_rows(enterprise, limit=HISTORY_LIMIT) if is_staff_reader else None,
        "can_list": is_staff_reader,
        "can_edit": services.can_edit_enterprises(request.user),
    })


def enterprise_create(request):
    """Register an enterprise in one of the regions the editor covers."""
    _require_editor(request.user)

    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.create_enterprise(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The enterprise %(name)s has been registered.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)

    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": None})


def enterprise_edit(request, pk):
    """Change an enterprise's registry data; the history keeps the old values."""
    enterprise = Enterprise.objects.get_for_user(request.user, pk=pk)
    _require_editor(request.user)

    # The form writes its values onto its instance while validating, so it gets a copy:
    # the page title keeps the stored name and the service compares against the stored row.
    form = EnterpriseForm(request.POST or None, instance=copy.copy(enterprise), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(enterprise, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The changes to %(name)s have been saved.") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)

    return render(request, "enterprises/enterprise_form.html", {"form": form, "enterprise": enterprise})
