"""Pages of the expert pool: the filtered list, an expert's page, and the create and edit forms.

Every page reads through ``Expert.objects.visible_to``: an expert outside the user's scope
returns 404. Only agency staff open these pages, and others get 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anhuan.core.errors import DomainError, NotPermitted
from anhuan.core.history import history_rows
from anhuan.enterprises.models import Enterprise
from anhuan.experts import services
from anhuan.experts.forms import ExpertFilterForm, ExpertForm
from anhuan.experts.models import Expert

PAGE_SIZE = 50
HISTORY_LIMIT = 50


def _require_reader(user):
    if not services.can_view_experts(user):
        raise PermissionDenied


def _require_manager(user):
    if not services.can_manage_experts(user):
        raise PermissionDenied


def _form_error(form, error):
    name = error.fields.get("field")
    form.add_error(name if name in form.fields else None, str(error.message))


def expert_list(request):
    user = request.user
    _require_reader(user)
    filter_form = ExpertFilterForm(request.GET)
    experts = services.list_experts(user, **filter_form.criteria())
    page_obj = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    for expert in page_obj:
        expert.specialty_names = services.specialty_labels(expert)
    return render(request, "experts/list.html", {
        "filter_form": filter_form,
        "page_obj": page_obj,
        "can_create": services.can_manage_experts(user),
    })


def expert_detail(request, pk):
    user = request.user
    _require_reader(user)
    expert = Expert.objects.select_related("region", "employer").get_for_user(user, pk=pk)
    return render(request, "experts/detail.html", {
        "expert": expert,
        "specialty_names": services.specialty_labels(expert),
        "can_edit": services.can_edit_expert(user, expert),
        "history": history_rows(expert, limit=HISTORY_LIMIT),
    })


def _form(user, data=None, initial=None):
    return ExpertForm(
        data, initial=initial, regions=services.manageable_regions(user),
        enterprises=Enterprise.objects.visible_to(user).order_by("name"), department=user.department,
    )


def expert_create(request):
    user = request.user
    _require_manager(user)
    form = _form(user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                expert = services.create_expert(actor=user, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The expert has been added to the pool."))
                return redirect("experts:detail", pk=expert.pk)
        status = 400
    return render(request, "experts/form.html", {"form": form, "expert": None}, status=status)


def expert_edit(request, pk):
    """Edit an expert, or deactivate them when the form posts ``deactivate``."""
    user = request.user
    _require_manager(user)
    expert = Expert.objects.select_related("region").get_for_user(user, pk=pk)
    if not services.can_edit_expert(user, expert):
        raise PermissionDenied
    if request.method == "POST" and "deactivate" in request.POST:
        try:
            services.deactivate_expert(expert, actor=user)
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The expert has been deactivated."))
        return redirect("experts:detail", pk=expert.pk)

    initial = {name: getattr(expert, name) for name in ("name", "department", "specialties", "title", "employer_name", "phone")}
    initial.update(region=expert.region_id, employer=expert.employer_id)
    form = _form(user, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_expert(expert, actor=user, **form.cleaned_data)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The expert has been updated."))
                return redirect("experts:detail", pk=expert.pk)
        status = 400
    return render(request, "experts/form.html", {"form": form, "expert": expert}, status=status)
