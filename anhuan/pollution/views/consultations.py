"""Pages of the joint consultation: the plan items, opinions, conclusions, confirmations and downloads.

Every view loads the consultation through ``get_consultation_for_user``: staff outside the
event's area get 404, users who are not agency staff get 403.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core.downloads import attachment_header
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.organizations.models import Department
from anhuan.pollution.exports import minutes_docx
from anhuan.pollution.exports.minutes_docx import lead_time_text, minutes_date, minutes_file_name, write_minutes
from anhuan.pollution.exports.plan_xlsx import write_plan_xlsx
from anhuan.pollution.forms.consultations import ConclusionForm, OpinionForm, PlanItemFilterForm
from anhuan.pollution.models import PlanFlag
from anhuan.pollution.services import consultations as services
from anhuan.pollution.services.adhoc import ACTING_ROLES
from anhuan.pollution.tags import FLAG_TAGS, LEVEL_TAGS, flag_tags

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
def _load(request, event_id):
    try:
        return services.get_consultation_for_user(request.user, event_id)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


def render_detail(request, consultation, *, opinion_form=None, conclusion_form=None, status=200):
    """Render the consultation page; bound forms with errors are shown in place of blank ones."""
    user = request.user
    event = consultation.event

    filters = PlanItemFilterForm(request.GET, user=user)
    visible = services.plan_items_for(user, consultation)
    totals = services.count_items_by_flag(visible)
    items = filters.filter(visible.select_related("region"))
    page = Paginator(items, filters.rows_per_page).get_page(request.GET.get("page"))
    for item in page:
        item.flag_tags = flag_tags(item.flags)

    opinions = list(consultation.opinions.all())
    confirmations = {confirmation.department: confirmation for confirmation in consultation.confirmations.select_related("leader")}
    departments = [
        {
            "value": department.value,
            "label": department.label,
            "opinions": [opinion for opinion in opinions if opinion.department == department],
            "confirmation": confirmations.get(department.value),
        }
        for department in Department
    ]

    can_update_conclusion = services.can_update_conclusion(consultation, user)
    if conclusion_form is None and can_update_conclusion:
        conclusion_form = ConclusionForm(
            initial={
                "conclusion": consultation.conclusion,
                "held_at": consultation.held_at,
                "attendees": consultation.attendees,
                "document_number": consultation.document_number,
            }
        )
    context = {
        "consultation": consultation,
        "event": event,
        "warning": event.warning,
        "area": services.area_label(event),
        "lead_time_hours": lead_time_text(event),
        "level_tag": LEVEL_TAGS.get(event.level, "tag-grey"),
        "flag_counts": [
            {"value": flag.value, "label": flag.label, "tag": FLAG_TAGS[flag], "count": totals[flag.value]}
            for flag in PlanFlag
        ],
        "total_items": totals["total"],
        "filters": filters,
        "page": page,
        "departments": departments,
        "can_record_opinion": services.can_record_opinion(consultation, user),
        "opinion_form": opinion_form or OpinionForm(),
        "can_update_conclusion": can_update_conclusion,
        "conclusion_form": conclusion_form,
        "is_leader": user.is_leader,
        "can_add_adhoc": user.role in ACTING_ROLES and user.agency_id is not None and event.warning.status == "in_force",
        "confirm_blocker": services.confirm_blocker(consultation, user) if user.is_leader else None,
    }
    return render(request, "pollution/consultations/detail.html", context, status=status)


def _detail_url(consultation):
    return reverse("pollution:consultation-detail", args=[consultation.event_id])


def _error_response(request, consultation, error):
    """Return the response to a rejected action: 404, 403, or the page with the error message."""
    if isinstance(error, OutOfScope):
        raise Http404(str(error.message))
    if isinstance(error, NotPermitted):
        raise PermissionDenied(str(error.message))
    messages.error(request, error.message)
    return redirect(_detail_url(consultation))


class ConsultationDetailView(View):
    def get(self, request, event_id):
        return render_detail(request, _load(request, event_id))


class OpinionCreateView(View):
    def post(self, request, event_id):
        consultation = _load(request, event_id)

        form = OpinionForm(request.POST)
        if not form.is_valid():
            return render_detail(request, consultation, opinion_form=form, status=400)

        try:
            services.record_opinion(consultation, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            return _error_response(request, consultation, exc)

        messages.success(request, _("Your opinion was recorded."))
        return redirect(_detail_url(consultation))


class ConclusionUpdateView(View):
    def post(self, request, event_id):
        consultation = _load(request, event_id)

        form = ConclusionForm(request.POST)
        if not form.is_valid():
            return render_detail(request, consultation, conclusion_form=form, status=400)

        try:
            services.update_conclusion(consultation, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return _error_response(request, consultation, exc)

        messages.success(request, _("The conclusions were saved."))
        return redirect(_detail_url(consultation))


class ConfirmView(View):
    def post(self, request, event_id):
        consultation = _load(request, event_id)

        try:
            confirmation = services.confirm_plan(consultation, actor=request.user)
        except DomainError as exc:
            return _error_response(request, consultation, exc)

        if confirmation.consultation.status == confirmation.consultation.Status.CONFIRMED:
            messages.success(request, _("Both departments have confirmed; the plan is now frozen."))
        else:
            messages.success(request, _("The plan was confirmed for your department."))
        return redirect(_detail_url(consultation))


class PlanXlsxView(View):
    """The plan items as Excel, with the filters of the page applied."""

    def get(self, request, event_id):
        consultation = _load(request, event_id)
        plan = services.plan_of(consultation)
        if plan is None:
            raise Http404(_("No reduction plan has been derived for this event yet."))
        filters = PlanItemFilterForm(request.GET, user=request.user)
        items = filters.filter(services.plan_items_for(request.user, consultation))

        stream = io.BytesIO()
        write_plan_xlsx(consultation.event, items.select_related("region"), stream)
        day = minutes_date(consultation)
        with translation.override("zh-hans"):
            name = _("Heavy-pollution weather emergency reduction plan")
        response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = attachment_header(
            f"{name}-{day:%Y-%m-%d}.xlsx", f"reduction-plan-{day:%Y-%m-%d}.xlsx"
        )
        return response


class MinutesDocxView(View):
    """The consultation minutes as a GB/T 9704 Word document, over the items the reader may see."""

    def get(self, request, event_id):
        consultation = _load(request, event_id)
        stream = io.BytesIO()
        write_minutes(consultation, stream, items=services.plan_items_for(request.user, consultation))
        response = HttpResponse(stream.getvalue(), content_type=minutes_docx.CONTENT_TYPE)
        response["Content-Disposition"] = attachment_header(
            minutes_file_name(consultation), f"consultation-minutes-{minutes_date(consultation):%Y-%m-%d}.docx"
        )
        return response
