"""Warning pages: the list, one warning's timeline, issuing and changing a warning.

Warnings are read through ``PollutionWarning.objects.visible_to``, so a
warning outside the user's scope returns 404. Issuing and changing are for officers and
leaders of the ecology and environment department; others get 403 with the
reason.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anhuan.core.errors import DomainError, NotPermitted
from anhuan.organizations.models import STAFF_ROLES, Role
from anhuan.organizations.scope import enterprise_id_of, region_ids_of
from anhuan.pollution.forms.warnings import WarningChangeForm, WarningFilterForm, WarningIssueForm
from anhuan.pollution.models import EventKind, PlanFlag, PollutionWarning, WarningStatus
from anhuan.pollution.services import warnings as service

PAGE_SIZE = 20

LEVEL_NAMES = {
    "yellow": gettext_lazy("Yellow"),
    "orange": gettext_lazy("Orange"),
    "red": gettext_lazy("Red"),
}
STATUS_TAGS = {WarningStatus.IN_FORCE: "tag-orange", WarningStatus.LIFTED: "tag-grey"}


def _forbidden(request, message):
    return render(request, "403.html", {"message": message}, status=403)


def _refusal(user):
    """Return why ``user`` may not read warning pages, or None.

    Staff and the system read warnings. Enterprise contacts read the measures of
    their own enterprise in the portal, because a warning's page shows every
    enterprise of the area. Administrators see no supervised data.
    """
    if enterprise_id_of(user) is not None:
        return _("Enterprise contacts see the measures of their own enterprise on the enterprise portal.")
    if region_ids_of(user) == set():
        return _("Administrators manage the system and do not see supervised data.")
    return None


def _get_visible(user, pk):
    warning = PollutionWarning.objects.visible_to(user).filter(pk=pk).first()
    if warning is None:
        raise Http404(_("The warning was not found."))
    return warning


def _decorate(warning):
    """Attach the display values the templates show for a warning."""
    warning.level_name = LEVEL_NAMES[warning.level]
    warning.status_tag = STATUS_TAGS[warning.status]
    warning.area_names = [] if warning.whole_city else [region.name for region in warning.regions.all()]
    return warning


def _show_error(form, exc):
    """Put a service error beside the field it names, or above the form."""
    field = exc.fields.get("field")
    form.add_error(field if field in form.fields else None, str(exc.message))


@require_http_methods(["GET"])
def warning_list(request):
    refusal = _refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)

    filters = WarningFilterForm(request.GET)
    warnings = PollutionWarning.objects.visible_to(request.user).prefetch_related("regions")
    if filters.is_valid():
        warnings = filters.filter(warnings)
    page = Paginator(warnings.order_by("-announced_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for warning in page:
        _decorate(warning)

    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "pollution/warnings/list.html", {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "can_issue": service.can_manage_warnings(request.user),
    })


@require_http_methods(["GET"])
def warning_detail(request, pk):
    refusal = _refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)
    warning = _decorate(_get_visible(request.user, pk))

    lead_flag = f" {PlanFlag.INSUFFICIENT_LEAD_TIME.value} "
    onsite_flag = f" {PlanFlag.ONSITE_GUIDANCE_REQUIRED.value} "
    events = (
        warning.events.select_related("actor", "plan", "consultation")
        .prefetch_related("regions")
        .annotate(
            item_count=Count("plan__items"),
            lead_count=Count("plan__items", filter=Q(plan__items__flag_words__contains=lead_flag)),
            onsite_count=Count("plan__items", filter=Q(plan__items__flag_words__contains=onsite_flag)),
        )
        .order_by("sequence")
    )
    for event in events:
        event.level_name = LEVEL_NAMES[event.level]
        event.area_names = [] if event.whole_city else [region.name for region in event.regions.all()]
    return render(request, "pollution/warnings/detail.html", {
        "warning": warning,
        "events": events,
        "can_change": service.can_change_warning(request.user, warning),
        "shows_consultations": request.user.role in STAFF_ROLES or request.user.role == Role.SYSTEM,
    })


@require_http_methods(["GET", "POST"])
def warning_issue(request):
    if not service.can_manage_warnings(request.user):
        return _forbidden(request, _("Only officers and leaders of the ecology and environment department may issue warnings."))

    form = WarningIssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = form.area()
        try:
            warning = service.issue_warning(
                actor=request.user,
                level=data["level"],
                announced_at=data["announced_at"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                regions=None if area == service.WHOLE_CITY else area,
                document_number=data["document_number"],
            )
        except NotPermitted as exc:
            return _forbidden(request, str(exc.message))
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The warning was issued and its reduction plan derived."))
            return redirect("pollution:warning-detail", pk=warning.pk)

    return render(request, "pollution/warnings/form.html", {"form": form, "warning": None})


@require_http_methods(["GET", "POST"])
def warning_change(request, pk):
    refusal = _refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)
    warning = _get_visible(request.user, pk)
    if not service.can_manage_warnings(request.user):
        return _forbidden(request, _("Only officers and leaders of the ecology and environment department may change warnings."))
    if warning.status != WarningStatus.IN_FORCE:
        messages.error(request, _("The warning has been lifted; a lifted warning cannot change."))
        return redirect("pollution:warning-detail", pk=warning.pk)
    if not service.can_change_warning(request.user, warning):
        return _forbidden(request, _("County staff may change only the warnings of their own region."))

    form = WarningChangeForm(request.POST or None, user=request.user, warning=warning)
    if request.method == "POST" and form.is_valid():
        try:
            warning = _apply_change(request.user, warning, form)
        except NotPermitted as exc:
            return _forbidden(request, str(exc.message))
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("The change was recorded and a new reduction plan derived."))
            return redirect("pollution:warning-detail", pk=warning.pk)

    return render(request, "pollution/warnings/form.html", {"form": form, "warning": _decorate(warning)})


def _apply_change(user, warning, form):
    data = form.cleaned_data
    if data["kind"] == EventKind.LIFT:
        return service.lift_warning(
            warning, actor=user, announced_at=data["announced_at"], starts_at=data["starts_at"],
            document_number=data["document_number"],
        )
    change = service.upgrade_warning if data["kind"] == EventKind.UPGRADE else service.downgrade_warning
    return change(
        warning, actor=user, level=data["level"], announced_at=data["announced_at"], starts_at=data["starts_at"],
        ends_at=data["ends_at"], document_number=data["document_number"], regions=form.area(),
    )
