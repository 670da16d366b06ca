"""Pages of high-risk maintenance requests: the enterprise portal and the agencies' list and detail.

Every page loads the request through ``get_request_for_user``: a contact sees only their own
enterprise's requests and staff only their region's; anything else is 404.
"""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core.downloads import attachment_header
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.organizations.models import Region, Role
from anhuan.organizations.scope import region_ids_of, require_staff
from anhuan.pollution.exports import maintenance_docx
from anhuan.pollution.forms.maintenance import (
    AttachmentForm,
    ConclusionForm,
    DecisionForm,
    ExpertOpinionForm,
    MaintenanceFilterForm,
    MaintenanceRequestForm,
    OutcomeForm,
    ReviewForm,
)
from anhuan.pollution.models import MaintenanceRequest, WorkType
from anhuan.pollution.services import maintenance as services

Status = MaintenanceRequest.Status
STATUS_TAGS = {
    Status.DRAFT: "tag-grey", Status.SUBMITTED: "tag-yellow", Status.VERIFYING: "tag-orange",
    Status.EXPERT_REVIEW: "tag-orange", Status.APPROVED: "tag-green", Status.REJECTED: "tag-red",
    Status.WITHDRAWN: "tag-grey",
}


def _require_contact(user):
    if not user.is_authenticated or user.role != Role.ENTERPRISE or getattr(user, "enterprise_contact", None) is None:
        raise PermissionDenied(_("Only enterprise contacts can use the enterprise portal."))


def _require_staff(user):
    try:
        require_staff(user)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _decorate(request, now):
    request.status_tag = STATUS_TAGS.get(request.status, "tag-grey")
    request.overdue_days = services.overdue_days(request, now)
    request.work_type_labels = [WorkType(value).label for value in request.work_types if value in WorkType.values]
    return request


def _fail(http_request, error, url):
    if isinstance(error, OutOfScope):
        raise Http404(str(error.message))
    if isinstance(error, NotPermitted):
        raise PermissionDenied(str(error.message))
    messages.error(http_request, error.message)
    return redirect(url)


def _detail_context(request, user, now):
    review = services.review_of(request)
    confirmations = services.confirmations_of(review)
    return {
        "item": _decorate(request, now),
        "decisions": list(request.decisions.select_related("agency", "decided_by")),
        "attachments": list(request.attachments.all()),
        "review": review,
        "review_experts": list(review.experts.all()) if review else [],
        "opinions": list(review.opinions.select_related("expert")) if review else [],
        "confirmations": sorted(confirmations.values(), key=lambda entry: entry.created_at),
        "is_final": request.status in (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN),
    }


def _docx_response(request):
    stream = io.BytesIO()
    maintenance_docx.write_request_docx(request, stream)
    response = HttpResponse(stream.getvalue(), content_type=maintenance_docx.CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(maintenance_docx.file_name(request), f"maintenance-{request.pk}.docx")
    return response


def _attachment_response(request, attachment_id):
    attachment = request.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("The object was not found."))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.file_name)


# --- Enterprise portal --------------------------------------------------------------------


class PortalListView(View):
    def get(self, request):
        _require_contact(request.user)
        now = timezone.now()
        items = [_decorate(item, now) for item in MaintenanceRequest.objects.visible_to(request.user).select_related("region")]
        warning = services.reduction_warning_for(request.user.enterprise_contact.enterprise)
        return render(request, "pollution/maintenance/portal_list.html", {"items": items, "warning": warning})


class PortalCreateView(View):
    def _render(self, request, form, status=200):
        warning = services.reduction_warning_for(request.user.enterprise_contact.enterprise)
        return render(request, "pollution/maintenance/portal_form.html", {"form": form, "warning": warning}, status=status)

    def get(self, request):
        _require_contact(request.user)
        return self._render(request, MaintenanceRequestForm())

    def post(self, request):
        _require_contact(request.user)

        form = MaintenanceRequestForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)

        fields = dict(form.cleaned_data)
        attachments = fields.pop("attachments")
        try:
            item = services.create_draft(actor=request.user, attachments=attachments, **fields)
        except DomainError as exc:
            form.add_error(exc.fields.get("field") if exc.fields.get("field") in form.fields else None, str(exc.message))
            return self._render(request, form, status=400)

        messages.success(request, _("The draft request was saved. Check it and submit it to the agencies."))
        return redirect("pollution:portal-maintenance-detail", pk=item.pk)


class PortalDetailView(View):
    def get(self, request, pk):
        _require_contact(request.user)
        item = services.get_request_for_user(request.user, pk)
        context = _detail_context(item, request.user, timezone.now())
        context["attachment_form"] = AttachmentForm()
        return render(request, "pollution/maintenance/portal_detail.html", context)


class PortalActionView(View):
    """Submit, withdraw or attach files to the contact's own request."""

    def post(self, request, pk, action):
        _require_contact(request.user)
        item = services.get_request_for_user(request.user, pk)
        url = reverse("pollution:portal-maintenance-detail", args=[item.pk])
        if action not in ("submit", "withdraw", "attach"):
            raise Http404(_("The object was not found."))

        try:
            if action == "submit":
                services.submit_request(item, actor=request.user)
                messages.success(request, _("The request was submitted to the county agencies."))
            elif action == "withdraw":
                services.withdraw_request(item, actor=request.user)
                messages.success(request, _("The request was withdrawn."))
            else:
                form = AttachmentForm(request.POST, request.FILES)
                if not form.is_valid():
                    messages.error(request, _("Choose at least one file to attach."))
                    return redirect(url)
                services.add_attachments(item, form.cleaned_data["attachments"], actor=request.user)
                messages.success(request, _("The files were attached."))
        except DomainError as exc:
            return _fail(request, exc, url)
        return redirect(url)


class PortalDocxView(View):
    def get(self, request, pk):
        _require_contact(request.user)
        return _docx_response(services.get_request_for_user(request.user, pk))


class PortalAttachmentView(View):
    def get(self, request, pk, attachment_id):
        _require_contact(request.user)
        return _attachment_response(services.get_request_for_user(request.user, pk), attachment_id)


# --- Agencies -----------------------------------------------------------------------------


class StaffListView(View):
    def get(self, request):
        _require_staff(request.user)
        now = timezone.now()
        regions = region_ids_of(request.user)
        region_choices = Region.objects.exclude(kind="city") if regions is None else Region.objects.filter(pk__in=regions)
        filters = MaintenanceFilterForm(request.GET, regions=region_choices)
        requests = MaintenanceRequest.objects.visible_to(request.user).exclude(status=Status.DRAFT)
        items = [_decorate(item, now) for item in filters.filter(requests.select_related("enterprise", "region"), now)]
        return render(request, "pollution/maintenance/list.html", {"items": items, "filters": filters})


class StaffDetailView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        item = services.get_request_for_user(request.user, pk)
        if item.status == Status.DRAFT:
            raise Http404(_("The object was not found."))
        context = _detail_context(item, request.user, timezone.now())
        actions = services.staff_actions(item, request.user)
        review = context["review"]
        context.update(
            actions=actions,
            decision_form=DecisionForm() if "decide" in actions else None,
            outcome_form=OutcomeForm() if "outcome" in actions else None,
            review_form=ReviewForm(user=request.user) if "organise" in actions else None,
            opinion_form=ExpertOpinionForm(review=review) if "opinion" in actions else None,
            conclusion_form=ConclusionForm() if "conclude" in actions else None,
        )
        return render(request, "pollution/maintenance/detail.html", context)


class StaffActionView(View):
    """Record a decision, an outcome, or a step of the expert review."""

    def post(self, request, pk, action):
        _require_staff(request.user)
        item = services.get_request_for_user(request.user, pk)
        url = reverse("pollution:maintenance-detail", args=[item.pk])

        forms = {
            "decide": lambda: DecisionForm(request.POST),
            "outcome": lambda: OutcomeForm(request.POST),
            "organise": lambda: ReviewForm(request.POST, user=request.user),
            "opinion": lambda: ExpertOpinionForm(request.POST, review=services.review_of(item)),
            "conclude": lambda: ConclusionForm(request.POST),
            "confirm": None,
        }
        if action not in forms:
            raise Http404(_("The object was not found."))
        form = forms[action]() if forms[action] else None
        if form is not None and not form.is_valid():
            errors = "; ".join(str(error) for field_errors in form.errors.values() for error in field_errors)
            messages.error(request, errors)
            return redirect(url)

        data = form.cleaned_data if form is not None else {}
        try:
            if action == "decide":
                services.record_decision(item, actor=request.user, decision=data["decision"], opinion=data["opinion"])
            elif action == "outcome":
                services.record_outcome(item, actor=request.user, outcome=data["outcome"], note=data["note"])
            elif action == "organise":
                services.organise_review(item, actor=request.user, experts=data["experts"], scheduled_at=data["scheduled_at"])
            elif action == "opinion":
                services.record_expert_opinion(item, actor=request.user, expert=data["expert"],
                                               recommendation=data["recommendation"], opinion=data["opinion"])
            elif action == "conclude":
                services.record_conclusion(item, actor=request.user, conclusion=data["conclusion"],
                                           text=data["conclusion_text"])
            else:
                services.confirm_conclusion(item, actor=request.user)
        except DomainError as exc:
            return _fail(request, exc, url)

        messages.success(request, _("Recorded."))
        return redirect(url)


class StaffDocxView(View):
    def get(self, request, pk):
        _require_staff(request.user)
        item = services.get_request_for_user(request.user, pk)
        if item.status == Status.DRAFT:
            raise Http404(_("The object was not found."))
        return _docx_response(item)


class StaffAttachmentView(View):
    def get(self, request, pk, attachment_id):
        _require_staff(request.user)
        item = services.get_request_for_user(request.user, pk)
        if item.status == Status.DRAFT:
            raise Http404(_("The object was not found."))
        return _attachment_response(item, attachment_id)

