"""Pages of joint on-site guidance, the scoped document download, and the contacts' documents page.

Staff pages read through the scoped services: a warning, enterprise, visit or document outside
the user's scope returns 404. Enterprise contacts reach only their own enterprise's documents.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anhuan.core.errors import DomainError, NotPermitted, OutOfScope, TransitionNotAllowed
from anhuan.core.history import history_rows
from anhuan.enterprises.models import Enterprise
from anhuan.organizations.scope import region_ids_of
from anhuan.pollution.forms.onsite import CancelForm, DocumentUploadForm, OnsiteFilterForm, RecordForm, ScheduleForm
from anhuan.pollution.domain.onsite import missing_documents
from anhuan.pollution.models import DocumentKind, OnsiteGuidance
from anhuan.pollution.services import onsite as services

HISTORY_LIMIT = 50


def _require_staff_reader(user):
    if region_ids_of(user) == set() or not user.is_staff_member:
        raise PermissionDenied


def _form_error(form, error):
    """Show a service error beside the field it names, or above the form."""
    name = error.fields.get("field")
    form.add_error(name if name in form.fields else None, str(error.message))


def onsite_list(request):
    """List the enterprises of one warning that need joint on-site guidance, with their state."""
    user = request.user
    _require_staff_reader(user)
    warnings = list(services.in_force_warnings(user))
    warning = None
    if request.GET.get("warning", "").isdigit():
        warning = services.get_warning_for_user(user, int(request.GET["warning"]))
    elif warnings:
        warning = warnings[0]

    filters = OnsiteFilterForm(request.GET, user=user)
    rows = []
    total = 0
    if warning is not None:
        all_rows = services.onsite_overview(user, [warning.pk])
        total = len(all_rows)
        rows = filters.filter(all_rows)
        for row in rows:
            row.can_schedule = services.can_organise(user, row.enterprise) and row.visit_status in (None, "cancelled")
    return render(request, "pollution/onsite/list.html", {
        "warnings": warnings,
        "warning": warning,
        "filters": filters,
        "rows": rows,
        "total": total,
        "highlighted_count": sum(1 for row in rows if row.highlighted),
    })


def onsite_schedule(request, warning_id, enterprise_id):
    """Show and handle the form that schedules the joint visit to one enterprise."""
    user = request.user
    if not services.is_acting_staff(user):
        raise PermissionDenied
    warning = services.get_warning_for_user(user, warning_id)
    enterprise = Enterprise.objects.get_for_user(user, pk=enterprise_id)
    rows = [row for row in services.onsite_overview(user, [warning.pk]) if row.enterprise.pk == enterprise.pk]
    if not rows:
        raise Http404(_("The object was not found."))

    form = ScheduleForm(
        request.POST or None, experts=services.eligible_experts(user), officers=services.eligible_officers(enterprise),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                visit = services.schedule_visit(
                    warning, enterprise, actor=user, scheduled_at=form.cleaned_data["scheduled_at"],
                    experts=form.cleaned_data["experts"], officers=form.cleaned_data["officers"],
                )
            except OutOfScope as exc:
                raise Http404(_("The object was not found.")) from exc
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The joint on-site visit has been scheduled."))
                return redirect("pollution:onsite-detail", pk=visit.pk)
        status = 400
    return render(request, "pollution/onsite/schedule.html", {
        "warning": warning, "enterprise": enterprise, "row": rows[0], "form": form,
    }, status=status)


def _render_detail(request, visit, *, record_form=None, cancel_form=None, status=200):
    user = request.user
    can_act = services.can_organise(user, visit.enterprise) and visit.status == OnsiteGuidance.Status.SCHEDULED
    if can_act:
        record_form = record_form or RecordForm(initial={"visited_at": timezone.localtime()})
        cancel_form = cancel_form or CancelForm()
    rows = [row for row in services.onsite_overview(user, [visit.warning_id]) if row.enterprise.pk == visit.enterprise_id]
    return render(request, "pollution/onsite/detail.html", {
        "visit": visit,
        "row": rows[0] if rows else None,
        "experts": visit.experts.select_related("region"),
        "officers": visit.officers.select_related("agency"),
        "documents": services.documents_of(visit.warning, visit.enterprise_id),
        "can_act": can_act,
        "record_form": record_form,
        "cancel_form": cancel_form,
        "history": history_rows(visit, limit=HISTORY_LIMIT),
    }, status=status)


def onsite_detail(request, pk):
    return _render_detail(request, services.get_visit_for_user(request.user, pk))


@require_POST
def onsite_record(request, pk):
    """Record the visit's findings; errors are shown on the visit page."""
    visit = services.get_visit_for_user(request.user, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.record_visit(visit, actor=request.user, **form.cleaned_data)
        except OutOfScope as exc:
            raise Http404(_("The object was not found.")) from exc
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except TransitionNotAllowed as error:
            messages.error(request, str(error.message))
            return redirect("pollution:onsite-detail", pk=visit.pk)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The on-site visit has been recorded."))
            return redirect("pollution:onsite-detail", pk=visit.pk)
    return _render_detail(request, visit, record_form=form, status=400)


@require_POST
def onsite_cancel(request, pk):
    visit = services.get_visit_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_visit(visit, actor=request.user, reason=form.cleaned_data["reason"])
        except OutOfScope as exc:
            raise Http404(_("The object was not found.")) from exc
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except TransitionNotAllowed as error:
            messages.error(request, str(error.message))
            return redirect("pollution:onsite-detail", pk=visit.pk)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The on-site visit has been cancelled."))
            return redirect("pollution:onsite-detail", pk=visit.pk)
    return _render_detail(request, visit, cancel_form=form, status=400)


def document_download(request, pk):
    """Send an enterprise document: staff within their region scope, a contact only their own enterprise's."""
    document = services.get_document_for_user(request.user, pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file_name)


def portal_documents(request, warning_id):
    """Let an enterprise contact upload the two documents for a warning in force and list earlier uploads."""
    user = request.user
    warning = services.get_portal_warning(user, warning_id)
    enterprise = user.enterprise_contact.enterprise
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.upload_document(
                    warning, actor=user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("The document has been uploaded."))
                return redirect(reverse("pollution:portal-documents", args=[warning.pk]))
        status = 400
    documents = services.documents_of(warning, enterprise.pk)
    uploaded_kinds = {document.kind for document in documents}
    return render(request, "pollution/onsite/portal_documents.html", {
        "warning": warning,
        "enterprise": enterprise,
        "form": form,
        "documents": documents,
        "missing": [DocumentKind(kind).label for kind in missing_documents(uploaded_kinds)],
    }, status=status)
