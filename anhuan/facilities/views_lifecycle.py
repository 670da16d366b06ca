"""Key facility pages: the list, the facility page with its lifecycle panel, the action pages and file downloads.

Staff and experts of both bureaus open the list and the pages of facilities in their scope, and
a facility of another county is 404. An enterprise contact opens the list, the pages and the files
of their own enterprise's facilities read-only (no actions, no change history, no export).
Administrators get 403. The services check the department of each action, and a refusal for the
wrong department is 403.
"""

import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anhuan.core import excel
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.core.history import history_row
from anhuan.core.models import AuditEntry
from anhuan.facilities import forms_lifecycle as forms
from anhuan.facilities import models as facility_models
from anhuan.facilities import reads_existing, reads_providers
from anhuan.facilities.form_errors import show_domain_error
from anhuan.facilities.models import Checkpoint, Origin
from anhuan.facilities.reads import facts_for
from anhuan.facilities.services import findings as finding_services
from anhuan.facilities.services import lifecycle as services
from anhuan.facilities.services.common import key_facility_for, require_staff_actor
from anhuan.facilities.views_common import XLSX_TYPE
from anhuan.organizations.models import Region, Role
from anhuan.organizations.scope import enterprise_id_of, region_ids_of
from anhuan.core.downloads import attachment_header
from anhuan.sharing.models import EnvFacility, FacilityStatus

PAGE_SIZE = 50
STATUS_TAGS = {
    "planned": "tag-blue", "under_construction": "tag-yellow", "in_operation": "tag-green", "stopped": "tag-orange",
    "decommissioned": "tag-grey",
}
# Models whose files the ``file`` page serves, by the name used in its URL.
FILE_MODELS = {
    "demonstration": facility_models.Demonstration,
    "design": facility_models.FacilityDesign,
    "construction-plan": facility_models.ConstructionPlan,
    "checkpoint": facility_models.SimultaneityCheckpoint,
    "acceptance": facility_models.Acceptance,
    "finding": facility_models.DemonstrationFinding,
    "assessment": facility_models.SafetyAssessment,
    "diagnosis": facility_models.DesignDiagnosis,
    "stop-order": facility_models.StopUseOrder,
}


# --- Access ----------------------------------------------------------------------------------


def _require_staff(user):
    """Staff and experts of both bureaus read facilities; everybody else gets 403."""
    if not user.is_authenticated or region_ids_of(user) == set() or user.role == Role.SYSTEM:
        raise PermissionDenied(_("Only staff of the two bureaus open key facility pages."))


def _facility_for_page(user, pk):
    """Return the key facility for a page: staff in scope, or a contact of its enterprise; else 404 or 403."""
    if enterprise_id_of(user) is None:
        _require_staff(user)
    try:
        return key_facility_for(user, pk)
    except OutOfScope as exc:
        raise Http404(str(exc.message)) from exc


def _check_actor(user, departments):
    try:
        require_staff_actor(user, *departments)
    except NotPermitted as exc:
        raise PermissionDenied(str(exc.message)) from exc


def _regions_for(user):
    regions = region_ids_of(user)
    return Region.objects.all() if regions is None else Region.objects.filter(pk__in=regions)


# --- List --------------------------------------------------------------------------------------


def _list_rows(facilities):
    for facility in facilities:
        facility.stage = services.list_stage(facility)
        facility.flags = services.red_flags(facility)
        facility.status_tag = STATUS_TAGS.get(facility.status, "tag-grey")
        yield facility


def _export(facilities):
    columns = [
        excel.Column("企业名称", 30), excel.Column("行政区划", 12), excel.Column("设施名称", 24),
        excel.Column("设施类型", 16), excel.Column("状态", 10), excel.Column("路径", 10), excel.Column("所处阶段", 30),
        excel.Column("投用日期", 12, excel.DATE), excel.Column("提示", 40),
    ]
    rows = (
        [facility.enterprise.name, facility.region.name, facility.name, facility.get_facility_type_display(),
         facility.get_status_display(), str(Origin(facility.path).label), facility.stage, facility.commissioned_on,
         "；".join(str(flag) for flag in facility.flags)]
        for facility in _list_rows(facilities)
    )
    workbook = excel.new_workbook()
    excel.write_table(workbook.active, columns, rows, title=_("Key environmental facilities"),
                      sheet_title=_("Key environmental facilities"))
    stream = io.BytesIO()
    excel.save(workbook, stream)
    day = timezone.localdate()
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment_header(
        f"{_('Key environmental facilities')}-{day:%Y-%m-%d}.xlsx", f"key-facilities-{day:%Y-%m-%d}.xlsx"
    )
    return response


class FacilityListView(LoginRequiredMixin, View):
    """List the key facilities in the user's scope. An enterprise contact gets their own enterprise's, without export."""

    def get(self, request):
        is_staff = enterprise_id_of(request.user) is None
        if is_staff:
            _require_staff(request.user)
        filters = forms.FacilityFilterForm(request.GET, regions=_regions_for(request.user))
        if not is_staff:
            del filters.fields["region"]
        facilities = filters.filter(services.key_facilities_for(request.user)).order_by("region__code", "enterprise__name", "name", "pk")
        if request.GET.get("format") == "xlsx":
            if not is_staff:
                raise PermissionDenied(_("The Excel export of key facilities is for staff of the two bureaus."))
            return _export(facilities)

        page = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(_list_rows(page.object_list))
        query = request.GET.copy()
        query.pop("page", None)
        export_query = query.copy()
        export_query["format"] = "xlsx"
        return render(request, "facilities/list.html", {
            "filters": filters, "page": page, "query": query.urlencode(), "export_query": export_query.urlencode(),
            "is_staff": is_staff,
        })


# --- The facility page ---------------------------------------------------------------------


def _history(facility):
    """Return the change history of the facility and of every lifecycle record of it, newest first."""
    entries = AuditEntry.objects.filter(
        Q(object_type__app_label="sharing", object_type__model="envfacility", object_id=str(facility.pk))
        | Q(data__facility=facility.pk)
    ).select_related("actor", "object_type").order_by("-created_at", "-id")
    rows = []
    for entry in entries:
        # The facility id is how the entry was found; the page it is shown on names the facility already.
        entry.data = {key: value for key, value in (entry.data or {}).items() if key != "facility"}
        model = entry.object_type.model_class() if entry.object_type else None
        rows.append(history_row(entry, model))
    return rows


def _records(facility):
    """Return the facility's lifecycle records by kind, newest first."""
    own = {"facility_id": facility.pk}

    def listed(queryset):
        records = list(queryset.select_related("recorded_by"))
        for record in records:
            record.download_url = file_url(record) if record.file else ""
        return records

    demonstrations = listed(facility_models.Demonstration.objects.filter(**own).prefetch_related("experts"))
    for demonstration in demonstrations:
        demonstration.expert_list = demonstration_experts(demonstration)
    return {
        "env_demonstrations": [d for d in demonstrations if d.kind == facility_models.DemonstrationKind.ENVIRONMENTAL],
        "safety_demonstrations": [d for d in demonstrations if d.kind == facility_models.DemonstrationKind.SAFETY],
        "designs": listed(facility_models.FacilityDesign.objects.filter(**own)),
        "plans": listed(facility_models.ConstructionPlan.objects.filter(**own)),
        "checkpoints": listed(facility_models.SimultaneityCheckpoint.objects.filter(**own)),
        "acceptances": listed(facility_models.Acceptance.objects.filter(**own)),
    }


def demonstration_experts(demonstration):
    """Return the experts of a demonstration to show: the names typed in, then the pool experts not among them."""
    names = demonstration.expert_names or ""
    pool = [expert.name for expert in demonstration.experts.all() if expert.name not in names]
    return "、".join(part for part in [names, *pool] if part)


def _findings(facility):
    findings = list(finding_services.findings_of(facility))
    for finding in findings:
        finding.download_url = file_url(finding) if finding.file else ""
        finding.observed_status_label = FacilityStatus(finding.observed_status).label
    return findings


class FacilityDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        user = request.user
        facility = _facility_for_page(user, pk)
        services.ensure_shared(facility, user)
        profile = facility_models.KeyFacilityProfile.objects.filter(facility=facility).first()
        facts = facts_for(facility)
        is_staff = enterprise_id_of(user) is None
        # The same annotated row the list shows, so the page raises the same warnings.
        listed = services.key_facilities_for(user).filter(pk=facility.pk).first()

        context = {
            **reads_existing.sections(facility, user),
            **reads_providers.section(facility, user),
        }
        context.update({
            "facility": facility,
            "profile": profile,
            "is_new_project": profile is None or profile.origin == Origin.NEW_PROJECT,
            "status_tag": STATUS_TAGS.get(facility.status, "tag-grey"),
            "steps": services.lifecycle_steps(facility),
            "blockers": [
                (FacilityStatus(status).label, services.status_blockers(facility, status))
                for status in services.allowed_targets(facility.status)
            ],
            "findings": _findings(facility),
            "flags": services.red_flags(listed) if listed is not None else [],
            "actions": services.actions_for(user, facility, facts, profile),
            "history": _history(facility) if is_staff else [],
            "is_staff": is_staff,
            **_records(facility),
        })
        return render(request, "facilities/detail.html", context)


# --- Action pages ------------------------------------------------------------------------------


class ActionView(LoginRequiredMixin, View):
    """One lifecycle action: a form on GET, the service on POST, the facility page after success.

    Subclasses set ``form_class``, ``departments`` (who may act; empty for both), ``title`` and
    ``perform(facility, user, data)``; a refusal is shown on the form and writes nothing.
    """

    form_class = None
    departments = ()
    title = ""
    intro = ""
    success = ""
    template_name = "facilities/lifecycle_form.html"

    def form_kwargs(self, request, facility):
        return {}

    def initial(self, facility):
        return {}

    def perform(self, facility, user, data):
        """Call the service; return a warning to show instead of the success message, or None."""
        raise NotImplementedError

    def get_title(self):
        return self.title

    def render(self, request, facility, form, status=200, reasons=()):
        return render(request, self.template_name, {
            "facility": facility, "form": form, "title": self.get_title(), "intro": self.intro, "reasons": reasons,
        }, status=status)

    def _facility(self, request, pk):
        facility = _facility_for_page(request.user, pk)
        _check_actor(request.user, self.departments)
        return facility

    def get(self, request, pk, **kwargs):
        facility = self._facility(request, pk)
        form = self.form_class(initial=self.initial(facility), **self.form_kwargs(request, facility))
        return self.render(request, facility, form)

    def post(self, request, pk, **kwargs):
        facility = self._facility(request, pk)
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs(request, facility))
        if not form.is_valid():
            return self.render(request, facility, form, status=400)
        try:
            warning = self.perform(facility, request.user, form.cleaned_data)
        except OutOfScope as exc:
            raise Http404(str(exc.message)) from exc
        except NotPermitted as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            field = exc.fields.get("field")
            reasons = exc.fields.get("reasons") or ()
            if not reasons:
                show_domain_error(form, exc, field)
            return self.render(request, facility, form, status=400, reasons=reasons)
        if warning:
            messages.warning(request, warning)
        else:
            messages.success(request, self.success)
        return redirect("facilities:detail", pk=facility.pk)


def _today_initial(*names):
    return {name: services.today() for name in names}


class EnvDemonstrationView(ActionView):
    form_class = forms.DemonstrationForm
    departments = (services.EE,)

    @property
    def title(self):
        return _("Record the environmental demonstration")

    @property
    def success(self):
        return _("The environmental demonstration was recorded.")

    def form_kwargs(self, request, facility):
        return {"user": request.user}

    def perform(self, facility, user, data):
        services.record_env_demonstration(facility, user, **data)


class SafetyDemonstrationView(EnvDemonstrationView):
    departments = ()

    @property
    def title(self):
        return _("Record the safety demonstration")

    @property
    def success(self):
        return _("The safety demonstration was recorded.")

    def perform(self, facility, user, data):
        services.record_safety_demonstration(facility, user, **data)


class DesignView(ActionView):
    form_class = forms.DesignForm
    departments = (services.EE,)

    @property
    def title(self):
        return _("Record the design")

    @property
    def success(self):
        return _("The design was recorded.")

    def perform(self, facility, user, data):
        services.record_design(facility, user, **data)


class ConstructionPlanView(ActionView):
    form_class = forms.ConstructionPlanForm

    @property
    def title(self):
        return _("Record the construction plan")

    @property
    def success(self):
        return _("The construction plan was recorded.")

    def perform(self, facility, user, data):
        services.record_construction_plan(facility, user, **data)


class CheckpointView(ActionView):
    form_class = forms.CheckpointForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs.get("checkpoint") not in (Checkpoint.DESIGNED, Checkpoint.BUILT):
            raise Http404(_("The object was not found."))
        self.checkpoint = kwargs["checkpoint"]
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return _("Confirm the 三同时 checkpoint: %(checkpoint)s") % {"checkpoint": Checkpoint(self.checkpoint).label}

    @property
    def success(self):
        return _("The 三同时 checkpoint was confirmed.")

    def initial(self, facility):
        return _today_initial("confirmed_on")

    def perform(self, facility, user, data):
        services.confirm_checkpoint(facility, user, self.checkpoint, **data)


class AcceptanceView(ActionView):
    form_class = forms.AcceptanceForm
    departments = (services.EE,)

    @property
    def title(self):
        return _("Record the completion acceptance")

    @property
    def success(self):
        return _("The acceptance was recorded.")

    def perform(self, facility, user, data):
        services.record_acceptance(facility, user, **data)


class StatusView(ActionView):
    form_class = forms.StatusForm
    departments = (services.EE,)

    @property
    def title(self):
        return _("Change the facility's status")

    @property
    def intro(self):
        return _("The status is kept in the environmental facility register. A key facility may not be recorded as "
                 "under construction or in operation before what the lifecycle requires is on file.")

    @property
    def success(self):
        return _("The status was changed.")

    def form_kwargs(self, request, facility):
        return {"facility": facility}

    def perform(self, facility, user, data):
        services.change_status(facility, data["target"], user)


class FindingView(ActionView):
    form_class = forms.FindingForm
    departments = (services.EE,)

    @property
    def title(self):
        return _("Record a facility found without a safety demonstration")

    @property
    def intro(self):
        return _("The finding is referred to the emergency management agency of the same level, which supervises "
                 "the rectification.")

    @property
    def success(self):
        return _("The finding was recorded and referred to the emergency management side.")

    def initial(self, facility):
        initial = _today_initial("found_on")
        if facility.status in finding_services.OBSERVED_STATUSES:
            initial["observed_status"] = facility.status
        return initial

    def perform(self, facility, user, data):
        finding_services.record_finding(facility, user, **data)


class ShareView(ActionView):
    form_class = forms.ConfirmForm
    departments = (services.EE,)
    template_name = "facilities/lifecycle_confirm.html"

    @property
    def title(self):
        return _("Share the project with the emergency management side")

    @property
    def intro(self):
        return _("The officers and leaders of the emergency management agency of the facility's region are notified "
                 "and can follow the project from now on.")

    @property
    def success(self):
        return _("The project was shared with the emergency management side.")

    def perform(self, facility, user, data):
        services.share_project(facility, user)


class RemindView(ActionView):
    form_class = forms.ConfirmForm
    departments = (services.EE,)
    template_name = "facilities/lifecycle_confirm.html"

    @property
    def title(self):
        return _("Remind the enterprise of the safety demonstration")

    @property
    def intro(self):
        return _("The enterprise's contacts get a message: a key environmental facility may not be built or put into "
                 "operation before its safety demonstration. Every reminder is recorded.")

    @property
    def success(self):
        return _("The enterprise was reminded.")

    def perform(self, facility, user, data):
        if services.remind_safety_demonstration(facility, user) == 0:
            # The reminder is on file, but no contact account exists to receive it.
            return _("The reminder was recorded, but the enterprise has no contact account; remind it by other means.")
        return None


class FileView(LoginRequiredMixin, View):
    """Download the file of one lifecycle record of a facility in the user's scope."""

    def get(self, request, model, pk):
        record_model = FILE_MODELS.get(model)
        if record_model is None:
            raise Http404(_("The object was not found."))
        user = request.user
        if enterprise_id_of(user) is None:
            _require_staff(user)
        visible = EnvFacility.objects.visible_to(user).filter(is_key=True).values("pk")
        record = record_model.objects.filter(pk=pk, facility_id__in=visible).exclude(file="").first()
        if record is None:
            raise Http404(_("The object was not found."))
        return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name or record.file.name)


def file_url(record):
    for name, model in FILE_MODELS.items():
        if isinstance(record, model):
            return reverse("facilities:file", args=[name, record.pk])
    return ""

