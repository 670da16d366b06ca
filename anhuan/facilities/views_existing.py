"""Pages of the existing-facility path: action forms, the due lists, stop-use orders, files, Excel and Word.

Facilities, records and orders are loaded through ``visible_to``, so another county's rows
return 404 and administrators see nothing. Officers and leaders of either bureau record assessments,
diagnoses, risks and hazards; only emergency officers and leaders issue and lift orders. Other
users (experts, enterprise contacts) get 403 on action pages. The lists and Excel files are for
staff; an enterprise contact opens the orders of their own enterprise and their Word document.
"""

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anhuan.core.errors import NotPermitted, OutOfScope, ValidationFailed
from anhuan.core.history import history_rows
from anhuan.facilities import importing_existing, reads_existing
from anhuan.facilities.exports.order_docx import CONTENT_TYPE as DOCX_TYPE
from anhuan.facilities.exports.order_docx import file_name as order_file_name
from anhuan.facilities.exports.order_docx import write_order_docx
from anhuan.facilities.forms_existing import (
    AssessmentForm,
    DesignedForm,
    DiagnosisForm,
    HazardForm,
    ImportForm,
    OrderFilterForm,
    OrderIssueForm,
    OrderLiftForm,
    RectifyForm,
    RegionFilterForm,
    ReportForm,
    RiskForm,
)
from anhuan.facilities.models import (
    DesignDiagnosis,
    KeyFacilityProfile,
    Outcome,
    SafetyAssessment,
    SafetyRisk,
    StopUseOrder,
)
from anhuan.facilities.services import existing as services
from anhuan.facilities.services import risks as risk_services
from anhuan.organizations.models import Role
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.importing.errors import ImportRejected

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_MODELS = {"assessment": SafetyAssessment, "diagnosis": DesignDiagnosis}


# --- Helpers ---------------------------------------------------------------------------------------


def _forbidden(request, message):
    return render(request, "403.html", {"message": message}, status=403)


def _record_denied_message():
    return _("Only officers and leaders of the two bureaus record facility matters.")


def _order_denied_message():
    return _("Only officers and leaders of the emergency management department issue and lift stop-use orders.")


def _staff_denied_message(user):
    """Return why the user may not open the lists, or None for staff of either bureau."""
    if region_ids_of(user) != set() and user.role != Role.SYSTEM:
        return None
    if user.role == Role.ENTERPRISE:
        return _("Enterprise contacts see only their own facilities' orders.")
    return _("Administrators manage the system and do not see supervised data.")


def _facility(request, pk):
    try:
        return services.facility_in_scope(request.user, pk)
    except OutOfScope as error:
        raise Http404(str(error.message)) from error


def _back_to(facility_id):
    return reads_existing.facility_detail_url(facility_id) or reverse("facilities:due")


def _action_page(request, *, facility, form, perform, title, success, intro="", confirm="", back=None):
    """Render an action form; on a valid POST call ``perform(form)`` and redirect, or show the refusal on the form."""
    back = back or _back_to(facility.pk)
    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        except ValidationFailed as error:
            form.add_domain_error(error)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(request, "facilities/existing_form.html", {
        "facility": facility, "form": form, "title": title, "intro": intro, "confirm": confirm, "back": back,
    }, status=400 if request.method == "POST" else 200)


def _files(request):
    return request.FILES if request.method == "POST" else None


def _data(request):
    return request.POST if request.method == "POST" else None


# --- Recording on a facility -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def designed(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    profile_value = (
        KeyFacilityProfile.objects.filter(facility_id=facility.pk).values_list("formally_designed", flat=True).first()
    )
    initial = {}
    if profile_value is not None:
        initial["formally_designed"] = "yes" if profile_value else "no"
    form = DesignedForm(_data(request), initial=initial)
    return _action_page(
        request, facility=facility, form=form, title=_("Formal design"),
        intro=_("A key facility that was never formally designed needs a design diagnosis by a qualified design institute."),
        perform=lambda form: risk_services.set_formally_designed(
            facility, form.cleaned_data["formally_designed"], request.user),
        success=_("Saved whether the facility was formally designed."),
    )


@require_http_methods(["GET", "POST"])
def assessment(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = AssessmentForm(_data(request), _files(request))

    def perform(form):
        data = dict(form.cleaned_data)
        services.record_assessment(facility, request.user, upload=data.pop("upload"), **data)

    return _action_page(
        request, facility=facility, form=form, title=_("Record a safety assessment"), perform=perform,
        success=_("The safety assessment has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def diagnosis(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = DiagnosisForm(_data(request), _files(request))

    def perform(form):
        data = dict(form.cleaned_data)
        services.record_diagnosis(facility, request.user, upload=data.pop("upload"), **data)

    return _action_page(
        request, facility=facility, form=form, title=_("Record a design diagnosis"), perform=perform,
        intro=_("Only a facility recorded as not formally designed takes a design diagnosis."),
        success=_("The design diagnosis has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def risk(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = RiskForm(_data(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Add a safety risk"),
        perform=lambda form: risk_services.add_risk(facility, request.user, **form.cleaned_data),
        success=_("The safety risk has been added."),
    )


def _risk(request, pk):
    risk_row = SafetyRisk.objects.visible_to(request.user).filter(pk=pk).first()
    if risk_row is None:
        raise Http404(_("The object was not found."))
    return risk_row, _facility(request, risk_row.facility_id)


@require_http_methods(["GET", "POST"])
def risk_edit(request, pk):
    risk_row, facility = _risk(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = RiskForm(_data(request), instance=risk_row if request.method == "GET" else None)
    return _action_page(
        request, facility=facility, form=form, title=_("Change a safety risk"),
        perform=lambda form: risk_services.change_risk(risk_row.pk, request.user, **form.cleaned_data),
        success=_("The safety risk has been changed."),
    )


@require_http_methods(["GET", "POST"])
def risk_retire(request, pk):
    risk_row, facility = _risk(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    if request.method == "POST":
        try:
            risk_services.retire_risk(risk_row.pk, request.user)
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        messages.success(request, _("The safety risk has been retired."))
        return redirect(_back_to(facility.pk))
    return render(request, "facilities/existing_retire.html", {
        "facility": facility, "risk": risk_row, "back": _back_to(facility.pk),
    })


@require_http_methods(["GET", "POST"])
def hazard(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = HazardForm(_data(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Record a hazard"),
        perform=lambda form: risk_services.add_hazard(facility, request.user, **form.cleaned_data),
        success=_("The hazard has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def hazard_rectify(request, pk):
    try:
        hazard_row = risk_services.hazard_in_scope(request.user, pk)
    except OutOfScope as error:
        raise Http404(str(error.message)) from error
    facility = _facility(request, hazard_row.facility_id)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = RectifyForm(_data(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Record the rectification of a hazard"),
        intro=hazard_row.description,
        perform=lambda form: risk_services.rectify_hazard(
            hazard_row.pk, request.user, rectified_on=form.cleaned_data["rectified_on"],
            result=form.cleaned_data["result"]),
        success=_("The rectification has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def report_upload(request, kind, pk):
    """Attach the report to an assessment or diagnosis that has none."""
    model = FILE_MODELS.get(kind)
    if model is None:
        raise Http404(_("The object was not found."))
    record = model.objects.visible_to(request.user).filter(pk=pk).first()
    if record is None:
        raise Http404(_("The object was not found."))
    facility = _facility(request, record.facility_id)
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = ReportForm(_data(request), _files(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Upload the report"),
        perform=lambda form: services.attach_report(model, record.pk, request.user, form.cleaned_data["upload"]),
        success=_("The report has been uploaded."),
    )


@require_http_methods(["GET"])
def existing_file(request, kind, pk):
    """Download the report of an assessment or a diagnosis in the user's scope."""
    model = FILE_MODELS.get(kind)
    if model is None:
        raise Http404(_("The object was not found."))
    record = model.objects.visible_to(request.user).filter(pk=pk).first()
    if record is None or not record.file:
        raise Http404(_("The object was not found."))
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name or record.file.name)


# --- Stop-use orders ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def order_issue(request, pk):
    facility = _facility(request, pk)
    if not services.can_order(request.user):
        return _forbidden(request, _order_denied_message())
    failed = [
        *SafetyAssessment.objects.filter(facility_id=facility.pk, outcome=Outcome.FAILED),
        *DesignDiagnosis.objects.filter(facility_id=facility.pk, outcome=Outcome.FAILED),
    ]
    initial = {}
    for parameter in ("assessment", "diagnosis"):
        if request.GET.get(parameter, "").isdigit():
            initial["record"] = f"{parameter}:{request.GET[parameter]}"
    form = OrderIssueForm(_data(request), initial=initial, failed_records=failed)
    issued = {}

    def perform(form):
        issued["order"] = services.issue_stop_use_order(facility, request.user, **form.service_arguments())

    response = _action_page(
        request, facility=facility, form=form, title=_("Issue a stop-use order"), perform=perform,
        intro=_("The enterprise is ordered to stop using the facility at once and rectify it. The facility is recorded "
                "as stopped, and the ecology and environment agency and the enterprise are notified. It returns to use "
                "only after a new safety assessment passes."),
        confirm=_("Issue this stop-use order? The facility will be recorded as stopped."),
        success=_("The stop-use order has been issued."),
    )
    if "order" in issued:
        return redirect("facilities:order-detail", pk=issued["order"].pk)
    return response


def _order(request, pk):
    try:
        return reads_existing.decorate_order(services.order_in_scope(request.user, pk))
    except OutOfScope as error:
        raise Http404(str(error.message)) from error


@require_http_methods(["GET", "POST"])
def order_lift(request, pk):
    order = _order(request, pk)
    if not services.can_order(request.user):
        return _forbidden(request, _order_denied_message())
    candidates = list(services.lifting_candidates(order))
    form = OrderLiftForm(_data(request), candidates=candidates)
    back = reverse("facilities:order-detail", args=[order.pk])
    intro = _("Lifting needs a passing safety assessment dated on or after %(date)s.") % {
        "date": order.issued_on.isoformat()}
    if not candidates:
        intro += " " + _("None is on file yet: record the new assessment on the facility page first.")
    return _action_page(
        request, facility=order.facility, form=form, title=_("Lift the stop-use order %(number)s") % {
            "number": order.document_number},
        intro=intro, back=back,
        confirm=_("Lift this stop-use order? The register keeps the facility stopped until the ecology and environment "
                  "side records its return to use."),
        perform=lambda form: services.lift_stop_use_order(
            order.pk, request.user, lifted_on=form.cleaned_data["lifted_on"],
            assessment=int(form.cleaned_data["assessment"])),
        success=_("The stop-use order has been lifted."),
    )


@require_http_methods(["GET"])
def order_list(request):
    user = request.user
    if region_ids_of(user) == set() and user.role != Role.ENTERPRISE:
        return _forbidden(request, _staff_denied_message(user))
    filters = OrderFilterForm(request.GET, regions=reads_existing.regions_for(user))
    orders = reads_existing.orders_for(user, status=filters.chosen_status(), region=filters.chosen_region())
    return render(request, "facilities/orders.html", {
        "filters": filters, "orders": [reads_existing.decorate_order(order) for order in orders],
    })


@require_http_methods(["GET"])
def order_detail(request, pk):
    order = _order(request, pk)
    return render(request, "facilities/existing_order.html", {
        "order": order,
        "facility_url": reads_existing.facility_detail_url(order.facility_id),
        "can_lift": services.can_order(request.user) and order.status == StopUseOrder.Status.IN_FORCE,
        "history": history_rows(order, limit=50),
    })


@require_http_methods(["GET"])
def order_docx(request, pk):
    order = _order(request, pk)
    stream = io.BytesIO()
    write_order_docx(order, stream)
    response = HttpResponse(stream.getvalue(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=order_file_name(order))
    return response


# --- Due lists ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def due(request):
    denied = _staff_denied_message(request.user)
    if denied:
        return _forbidden(request, denied)
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    lists = reads_existing.due_lists(request.user, region=filters.chosen_region())
    return render(request, "facilities/due.html", {
        "filters": filters,
        "lists": lists,
        "region_counts": lists.counts_by_region() if filters.fields["region"].queryset.exists() else [],
        "query": request.GET.urlencode(),
    })


def _download(content, file_name, content_type=XLSX_TYPE):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response


@require_http_methods(["GET"])
def due_export(request):
    denied = _staff_denied_message(request.user)
    if denied:
        return _forbidden(request, denied)
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    lists = reads_existing.due_lists(request.user, region=filters.chosen_region())
    today = services.today().isoformat()
    # Chinese file names are data, like the column labels.
    return _download(importing_existing.due_workbook(lists), f"安全评估和设计诊断待办{today}.xlsx")


# --- Excel import and export of assessments and diagnoses ------------------------------------------


@require_http_methods(["GET", "POST"])
def records_import(request, kind):
    spec = importing_existing.SPECS[kind]
    if not reads_existing.can_record(request.user):
        return _forbidden(request, _record_denied_message())
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = checked = None
    dry_run = request.POST.get("action") == "check"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing_existing.import_records(spec, upload.read(), upload.name, actor=request.user,
                                                       dry_run=dry_run)
        except ImportRejected as error:
            rejected = error
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        else:
            if not dry_run:
                messages.success(request, _("%(file)s imported: %(created)s added, %(unchanged)s already on file.") % {
                    "file": result.file_name, "created": result.created, "unchanged": result.unchanged,
                })
                return redirect("facilities:due")
            checked = result
    return render(request, "facilities/existing_import.html", {
        "spec": spec, "form": form, "rejected": rejected, "checked": checked, "columns": spec.import_columns,
    }, status=400 if rejected else 200)


@require_http_methods(["GET"])
def records_export(request, kind):
    spec = importing_existing.SPECS[kind]
    denied = _staff_denied_message(request.user)
    if denied:
        return _forbidden(request, denied)
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    records = importing_existing.records_for(spec, request.user, region=filters.chosen_region())
    today = services.today().isoformat()
    return _download(importing_existing.records_workbook(spec, records), f"{spec.file_title}{today}.xlsx")


@require_http_methods(["GET"])
def records_template(request, kind):
    spec = importing_existing.SPECS[kind]
    denied = _staff_denied_message(request.user)
    if denied:
        return _forbidden(request, denied)
    return _download(importing_existing.template_workbook(spec), f"{spec.file_title}导入模板.xlsx")
