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
    SafetyAssessment,
    SafetyRisk,
    StopUseOrder,
)
from anhuan.facilities.services import existing as services
from anhuan.facilities.services import risks as risk_services
from anhuan.facilities.views_common import contact_refusal, forbidden, refused_by, xlsx_download
from anhuan.organizations.models import Role
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.importing.errors import ImportRejected

FILE_MODELS = {"assessment": SafetyAssessment, "diagnosis": DesignDiagnosis}


# --- Helpers ---------------------------------------------------------------------------------------


def _record_denied_message():
    return _("Only officers and leaders of the two bureaus record facility matters.")


def _order_denied_message():
    return _("Only officers and leaders of the emergency management department issue and lift stop-use orders.")


def _staff_denied_message(user):
    """Return why the user may not open the lists, or None for staff of either bureau."""
    if region_ids_of(user) != set() and user.role != Role.SYSTEM:
        return None
    if user.role == Role.ENTERPRISE:
        return contact_refusal()
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
            return forbidden(request, str(error.message))
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
        return forbidden(request, _record_denied_message())
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


def _record_with_report(request, pk, form_class, record, **page):
    """Render the assessment or diagnosis form, and on a valid POST call ``record`` with its fields and report."""
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return forbidden(request, _record_denied_message())
    form = form_class(_data(request), _files(request))

    def perform(form):
        data = dict(form.cleaned_data)
        record(facility, request.user, upload=data.pop("upload"), **data)

    return _action_page(request, facility=facility, form=form, perform=perform, **page)


@require_http_methods(["GET", "POST"])
def assessment(request, pk):
    return _record_with_report(
        request, pk, AssessmentForm, services.record_assessment, title=_("Record a safety assessment"),
        success=_("The safety assessment has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def diagnosis(request, pk):
    return _record_with_report(
        request, pk, DiagnosisForm, services.record_diagnosis, title=_("Record a design diagnosis"),
        intro=_("Only a facility recorded as not formally designed takes a design diagnosis."),
        success=_("The design diagnosis has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def risk(request, pk):
    facility = _facility(request, pk)
    if not reads_existing.can_record(request.user):
        return forbidden(request, _record_denied_message())
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
        return forbidden(request, _record_denied_message())
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
        return forbidden(request, _record_denied_message())
    if request.method == "POST":
        try:
            risk_services.retire_risk(risk_row.pk, request.user)
        except NotPermitted as error:
            return forbidden(request, str(error.message))
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
        return forbidden(request, _record_denied_message())
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
        return forbidden(request, _record_denied_message())
    form = RectifyForm(_data(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Record the rectification of a hazard"),
        intro=hazard_row.description,
        perform=lambda form: risk_services.rectify_hazard(
            hazard_row.pk, request.user, rectified_on=form.cleaned_data["rectified_on"],
            result=form.cleaned_data["result"]),
        success=_("The rectification has been recorded."),
    )


def _report_record(request, kind, pk):
    """Return the assessment or diagnosis ``pk`` in the user's scope, or raise Http404."""
    model = FILE_MODELS.get(kind)
    record = model.objects.visible_to(request.user).filter(pk=pk).first() if model is not None else None
    if record is None:
        raise Http404(_("The object was not found."))
    return record


@require_http_methods(["GET", "POST"])
def report_upload(request, kind, pk):
    """Attach the report to an assessment or diagnosis that has none."""
    record = _report_record(request, kind, pk)
    facility = _facility(request, record.facility_id)
    if not reads_existing.can_record(request.user):
        return forbidden(request, _record_denied_message())
    form = ReportForm(_data(request), _files(request))
    return _action_page(
        request, facility=facility, form=form, title=_("Upload the report"),
        perform=lambda form: services.attach_report(type(record), record.pk, request.user, form.cleaned_data["upload"]),
        success=_("The report has been uploaded."),
    )


@require_http_methods(["GET"])
def existing_file(request, kind, pk):
    """Download the report of an assessment or a diagnosis in the user's scope."""
    record = _report_record(request, kind, pk)
    if not record.file:
        raise Http404(_("The object was not found."))
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name or record.file.name)


# --- Stop-use orders ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def order_issue(request, pk):
    facility = _facility(request, pk)
    if not services.can_order(request.user):
        return forbidden(request, _order_denied_message())
    failed = services.order_grounds(facility)
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
        return forbidden(request, _order_denied_message())
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
        return forbidden(request, _staff_denied_message(user))
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
@refused_by(_staff_denied_message)
def due(request):
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    lists = reads_existing.due_lists(request.user, region=filters.chosen_region())
    return render(request, "facilities/due.html", {
        "filters": filters,
        "lists": lists,
        "region_counts": lists.counts_by_region() if filters.fields["region"].queryset.exists() else [],
        "query": request.GET.urlencode(),
    })


@require_http_methods(["GET"])
@refused_by(_staff_denied_message)
def due_export(request):
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    lists = reads_existing.due_lists(request.user, region=filters.chosen_region())
    today = services.today().isoformat()
    # Chinese file names are data, like the column labels.
    return xlsx_download(importing_existing.due_workbook(lists), f"安全评估和设计诊断待办{today}.xlsx")


# --- Excel import and export of assessments and diagnoses ------------------------------------------


@require_http_methods(["GET", "POST"])
def records_import(request, kind):
    spec = importing_existing.SPECS[kind]
    if not reads_existing.can_record(request.user):
        return forbidden(request, _record_denied_message())
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
            return forbidden(request, str(error.message))
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
@refused_by(_staff_denied_message)
def records_export(request, kind):
    spec = importing_existing.SPECS[kind]
    filters = RegionFilterForm(request.GET, regions=reads_existing.regions_for(request.user))
    records = importing_existing.records_for(spec, request.user, region=filters.chosen_region())
    today = services.today().isoformat()
    return xlsx_download(importing_existing.records_workbook(spec, records), f"{spec.file_title}{today}.xlsx")


@require_http_methods(["GET"])
@refused_by(_staff_denied_message)
def records_template(request, kind):
    spec = importing_existing.SPECS[kind]
    return xlsx_download(importing_existing.template_workbook(spec), f"{spec.file_title}导入模板.xlsx")
