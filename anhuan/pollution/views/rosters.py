"""Duty roster pages: the contact's roster in the portal, and the officers' list, export and detail.

Enterprise contacts open only their own enterprise's roster; any other roster returns 404.
Staff read rosters in their region scope; officers and leaders confirm, return and spot-check.
"""

import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anhuan.core import policy
from anhuan.core.audit import action_label, history_for
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope, ValidationFailed
from anhuan.organizations.models import Region
from anhuan.organizations.scope import enterprise_id_of, region_ids_of
from anhuan.pollution.domain import rosters as domain
from anhuan.pollution.forms.rosters import (
    RosterFilterForm,
    ReturnForm,
    ShiftFormSet,
    SpotCheckForm,
    filled_forms,
)
from anhuan.pollution.models import DutyRoster, PollutionWarning, WarningStatus
from anhuan.pollution import todo_rosters
from anhuan.pollution.services import rosters as service

STATE_TAGS = {
    domain.NONE: "tag-red",
    domain.DRAFT: "tag-grey",
    domain.SUBMITTED: "tag-orange",
    domain.RETURNED: "tag-yellow",
    domain.CONFIRMED: "tag-green",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden(request, message):
    return render(request, "403.html", {"message": message}, status=403)


# --- Portal ---------------------------------------------------------------------------------------


def _initial(roster):
    if roster is None:
        return []
    return [
        {name: getattr(shift, name) for name in service.SHIFT_FIELDS}
        for shift in roster.shifts.order_by("starts_at", "id")
    ]


def _show_shift_errors(formset, forms, errors):
    """Put each shift error on its row's field; roster-wide errors go above the table."""
    general = []
    for error in errors:
        if error.row is not None and error.row <= len(forms):
            forms[error.row - 1].add_error(error.field, error.message)
        else:
            general.append(error.message)
    return general


@require_http_methods(["GET", "POST"])
def portal_roster(request, warning_id):
    try:
        warning, enterprise, roster = service.portal_roster(request.user, warning_id)
    except NotPermitted as exc:
        return _forbidden(request, str(exc.message))
    except OutOfScope as exc:
        raise Http404(str(exc.message)) from exc

    state = roster.status if roster is not None else domain.NONE
    editable = warning.status == WarningStatus.IN_FORCE and state in domain.TRANSITIONS["edit"][0]
    general_errors = []
    if request.method == "POST":
        # The service rejects changes to a submitted or confirmed roster with the reason.
        formset = ShiftFormSet(request.POST)
        if formset.is_valid():
            forms = filled_forms(formset)
            submit = request.POST.get("action") == "submit"
            try:
                service.save_roster(warning.pk, [form.to_shift() for form in forms], actor=request.user, submit=submit)
            except ValidationFailed as exc:
                general_errors = [str(exc.message)]
                general_errors += _show_shift_errors(formset, forms, exc.fields.get("errors", []))
            except DomainError as exc:
                general_errors = [str(exc.message)]
            else:
                messages.success(request, _("The duty roster was submitted.") if submit else _("The draft was saved."))
                return redirect("pollution:portal-roster", warning_id=warning.pk)
    else:
        formset = ShiftFormSet(initial=_initial(roster))

    return render(request, "pollution/rosters/portal.html", {
        "warning": warning,
        "enterprise": enterprise,
        "roster": roster,
        "state": state,
        "state_name": domain.STATE_NAMES[state],
        "state_tag": STATE_TAGS[state],
        "editable": editable,
        "formset": formset,
        "general_errors": general_errors,
        "min_hours": policy.get(todo_rosters.MIN_COVERAGE_KEY),
        "shifts": roster.shifts.order_by("starts_at", "id") if roster is not None else [],
    })


# --- Staff list and export ------------------------------------------------------------------------


def _may_read(user):
    return region_ids_of(user) != set() and enterprise_id_of(user) is None


def _list_context(request):
    user = request.user
    visible = PollutionWarning.objects.visible_to(user)
    warnings = list(visible.order_by("-announced_at", "-id")[:50])
    regions = Region.objects.exclude(kind="city").order_by("sort_order", "code")
    scope = region_ids_of(user)
    if scope is not None:
        regions = regions.filter(pk__in=scope)
    filters = RosterFilterForm(request.GET, warnings=warnings, regions=list(regions))
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("warning"):
        warning_ids = list(visible.filter(pk=data["warning"]).values_list("pk", flat=True))
    else:
        warning_ids = list(service.in_force_warnings(user).values_list("pk", flat=True))
    rows = service.roster_rows(user, warning_ids, region_id=data.get("region"), state=data.get("state") or None)
    return filters, warning_ids, rows


@require_http_methods(["GET"])
def roster_list(request):
    if not _may_read(request.user):
        return _forbidden(request, _("Only staff of the two bureaus see the duty rosters."))
    filters, warning_ids, rows = _list_context(request)
    for row in rows:
        row.state_tag = STATE_TAGS[row.state]
    return render(request, "pollution/rosters/list.html", {
        "filters": filters,
        "rows": rows,
        "counts": service.unconfirmed_counts(request.user, warning_ids),
        "export_query": request.GET.urlencode(),
    })


@require_http_methods(["GET"])
def roster_export(request):
    if not _may_read(request.user):
        return _forbidden(request, _("Only staff of the two bureaus see the duty rosters."))
    _filters, _warning_ids, rows = _list_context(request)
    buffer = io.BytesIO()
    service.write_roster_xlsx(rows, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"rosters-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Staff detail ---------------------------------------------------------------------------------


def _get_roster(user, pk):
    return DutyRoster.objects.select_related("warning", "enterprise", "region", "confirmed_by", "submitted_by").get_for_user(
        user, pk=pk
    )


@require_http_methods(["GET", "POST"])
def roster_detail(request, pk):
    user = request.user
    if enterprise_id_of(user) is not None:
        roster = _get_roster(user, pk)
        return redirect("pollution:portal-roster", warning_id=roster.warning_id)
    if not _may_read(user):
        return _forbidden(request, _("Only staff of the two bureaus see the duty rosters."))
    roster = _get_roster(user, pk)

    return_form = ReturnForm(prefix="return")
    check_form = SpotCheckForm(prefix="check")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                service.confirm_roster(roster, actor=user)
                messages.success(request, _("The duty roster was confirmed."))
                return redirect("pollution:roster-detail", pk=roster.pk)
            if action == "return":
                return_form = ReturnForm(request.POST, prefix="return")
                if return_form.is_valid():
                    service.return_roster(roster, return_form.cleaned_data["reason"], actor=user)
                    messages.success(request, _("The duty roster was returned to the enterprise."))
                    return redirect("pollution:roster-detail", pk=roster.pk)
            elif action == "spot_check":
                check_form = SpotCheckForm(request.POST, prefix="check")
                if check_form.is_valid():
                    data = check_form.cleaned_data
                    service.record_spot_check(
                        roster, actor=user, phone=data["phone"], answered=data["answered"],
                        answered_by=data["answered_by"], note=data["note"], checked_at=data["checked_at"],
                    )
                    messages.success(request, _("The spot check was recorded."))
                    return redirect("pollution:roster-detail", pk=roster.pk)
            else:
                messages.error(request, _("Choose an action."))
        except NotPermitted as exc:
            return _forbidden(request, str(exc.message))
        except OutOfScope as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            if action == "confirm":
                messages.error(request, str(exc.message))
            else:
                form = check_form if action == "spot_check" else return_form
                field = exc.fields.get("field")
                form.add_error(field if field in form.fields else None, str(exc.message))

    history = list(history_for(roster))
    for entry in history:
        entry.label = action_label(entry.action)
    return render(request, "pollution/rosters/detail.html", {
        "roster": roster,
        "state_tag": STATE_TAGS[roster.status],
        "shifts": roster.shifts.order_by("starts_at", "id"),
        "checks": roster.spot_checks.select_related("checked_by"),
        "history": history,
        "can_act": service.can_act(user, roster),
        "can_decide": roster.status == DutyRoster.Status.SUBMITTED,
        "can_check": roster.status in domain.SPOT_CHECK_STATES,
        "return_form": return_form,
        "check_form": check_form,
        "list_url": f"{reverse('pollution:roster-list')}?warning={roster.warning_id}",
    })
