"""Pages of service providers, of who runs a key facility, and of the two supervision lists.

Staff and experts of both bureaus read providers and the lists inside their scope; enterprise
contacts and administrators get 403. Officers and leaders of the ecology and environment
department register, import and evaluate providers (403 for others). Officers and leaders of
either bureau record a key facility's provider and responsible person; a facility outside the
user's scope returns 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anhuan.core.context_processors import url_or_none
from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.core.history import history_rows
from anhuan.core.timeutil import SHANGHAI
from anhuan.facilities import reads_providers as reads
from anhuan.facilities.forms_providers import (
    PAGE_SIZES,
    EvaluationForm,
    OperationForm,
    ProviderFilterForm,
    ProviderForm,
    RegionFilterForm,
    ResponsibleForm,
)
from anhuan.facilities.importing_providers import (
    IMPORT_COLUMNS,
    import_providers,
    providers_workbook,
    template_workbook,
    unowned_workbook,
    unrectified_workbook,
)
from anhuan.facilities.models import ServiceProvider
from anhuan.facilities.services import providers as services
from anhuan.facilities.services.common import key_facility_for
from anhuan.facilities.views_common import contact_refusal, forbidden, refused_by, xlsx_download
from anhuan.organizations.models import Role
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing.forms import RegisterImportForm

HISTORY_LIMIT = 100


def _read_refusal(user):
    """Return why the user may not read provider data, or None if they may."""
    if reads.can_read(user):
        return None
    if user.role == Role.ENTERPRISE:
        return contact_refusal()
    return _("Administrators manage the system and do not see supervised data.")


def _edit_refusal(user):
    return _read_refusal(user) or _(
        "Only officers and leaders of the ecology and environment department register and evaluate service providers."
    )


def _today_text():
    return timezone.now().astimezone(SHANGHAI).strftime("%Y-%m-%d")


def _provider_or_404(user, pk):
    provider = ServiceProvider.objects.visible_to(user).select_related("region").filter(pk=pk).first()
    if provider is None:
        raise Http404(_("The object was not found."))
    return provider


# --- Providers ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def provider_list(request):
    filter_form = ProviderFilterForm(request.GET)
    page_size = filter_form.rows_per_page()
    page_obj = Paginator(reads.providers_for(request.user, filter_form.keyword()), page_size).get_page(request.GET.get("page"))
    return render(request, "facilities/provider_list.html", {
        "filter_form": filter_form,
        "page_obj": page_obj,
        "page_size": page_size,
        "page_sizes": PAGE_SIZES,
        "can_edit": services.can_edit_providers(request.user),
    })


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def provider_export(request):
    """Send the provider list as filtered on screen, every page of it, as an .xlsx download."""
    keyword = ProviderFilterForm(request.GET).keyword()
    # Chinese file names are data, like the column labels.
    workbook = providers_workbook(reads.providers_for(request.user, keyword))
    return xlsx_download(workbook, f"第三方环保服务机构{_today_text()}.xlsx")


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def provider_template(request):
    return xlsx_download(template_workbook(), "第三方环保服务机构导入模板.xlsx")


@require_http_methods(["GET", "POST"])
def provider_import(request):
    if not services.can_edit_providers(request.user):
        return forbidden(request, _edit_refusal(request.user))
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    rejected = result = None
    dry_run = request.POST.get("action") == "check"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_providers(upload.read(), upload.name, actor=request.user, dry_run=dry_run)
        except ImportRejected as error:
            rejected = error
        else:
            if not dry_run:
                messages.success(request, _("%(file)s imported: %(created)s added, %(updated)s updated.") % {
                    "file": result.file_name, "created": result.created, "updated": result.updated,
                })
                return redirect("facilities:provider-list")
    return render(request, "facilities/provider_import.html", {
        "form": form, "rejected": rejected, "checked": result if dry_run else None, "columns": IMPORT_COLUMNS,
    })


@require_http_methods(["GET", "POST"])
def provider_create(request):
    if not services.can_edit_providers(request.user):
        return forbidden(request, _edit_refusal(request.user))
    initial = {"region": request.user.agency.region_id} if request.user.agency_id else {}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.create_provider(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The service provider has been registered."))
            return redirect("facilities:provider-detail", pk=provider.pk)
    return render(request, "facilities/provider_form.html", {"form": form, "provider": None})


@require_http_methods(["GET", "POST"])
@refused_by(_read_refusal)
def provider_edit(request, pk):
    provider = _provider_or_404(request.user, pk)
    if not services.can_edit_providers(request.user):
        return forbidden(request, _edit_refusal(request.user))
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_provider(provider, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("facilities:provider-detail", pk=provider.pk)
    return render(request, "facilities/provider_form.html", {"form": form, "provider": provider})


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def provider_detail(request, pk):
    provider = _provider_or_404(request.user, pk)
    evaluations = reads.provider_evaluations(provider, request.user)
    return render(request, "facilities/provider_detail.html", {
        "provider": provider,
        "profiles": reads.provider_facilities(provider, request.user),
        "performance": [evaluation for evaluation in evaluations if evaluation.kind == "performance"],
        "violations": [evaluation for evaluation in evaluations if evaluation.kind == "violation"],
        "history": history_rows(provider, limit=HISTORY_LIMIT),
        "can_edit": services.can_edit_providers(request.user),
    })


@require_http_methods(["GET", "POST"])
@refused_by(_read_refusal)
def provider_evaluate(request, pk):
    provider = _provider_or_404(request.user, pk)
    if not services.can_edit_providers(request.user):
        return forbidden(request, _edit_refusal(request.user))
    kind = request.GET.get("kind") if request.GET.get("kind") in ("performance", "violation") else "performance"
    form = EvaluationForm(request.POST or None, provider=provider, user=request.user, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_evaluation(provider, actor=request.user, **form.cleaned_data)
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The evaluation has been recorded."))
            return redirect("facilities:provider-detail", pk=provider.pk)
    return render(request, "facilities/provider_evaluate.html", {"form": form, "provider": provider})


# --- Who runs a key facility --------------------------------------------------------------------------


def _facility_page(facility_id):
    return url_or_none("facilities:detail", facility_id) or reverse("facilities:unowned")


def _operation_page(request, pk, form_class, initial, perform, *, title, intro, success):
    """Show a form about one key facility on GET, call ``perform`` on POST; 403 outside both bureaus, 404 outside scope."""
    if not services.can_record_operation(request.user):
        return forbidden(request, _read_refusal(request.user) or _(
            "Only officers and leaders of the two bureaus record who runs a key facility."))
    try:
        facility = key_facility_for(request.user, pk)
    except OutOfScope as error:
        raise Http404(str(error.message)) from error
    section = reads.section(facility, request.user)["provider_section"]
    form = form_class(request.POST or None, initial=initial(section))
    if request.method == "POST" and form.is_valid():
        try:
            perform(facility, form.cleaned_data)
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        except NotPermitted as error:
            return forbidden(request, str(error.message))
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, success)
            return redirect(_facility_page(facility.pk))
    return render(request, "facilities/provider_operation.html", {
        "form": form, "facility": facility, "section": section, "facility_url": _facility_page(facility.pk),
        "title": title, "intro": intro,
    })


@require_http_methods(["GET", "POST"])
def facility_provider(request, pk):
    return _operation_page(
        request, pk, OperationForm,
        lambda section: {"provider": section["provider"], "provider_role": section["profile"].provider_role
                         if section["profile"] else ""},
        lambda facility, data: services.assign_provider(
            facility.pk, actor=request.user, provider=data["provider"], provider_role=data["provider_role"]),
        title=_("Third-party service provider"),
        intro=_("Record which provider builds or runs the facility. The enterprise still names its own responsible "
                "person."),
        success=_("The service provider of the facility has been recorded."),
    )


@require_http_methods(["GET", "POST"])
def facility_responsible(request, pk):
    return _operation_page(
        request, pk, ResponsibleForm,
        lambda section: {"responsible_person": section["responsible_person"],
                         "responsible_phone": section["responsible_phone"]},
        lambda facility, data: services.record_responsible_person(facility.pk, actor=request.user, **data),
        title=_("Enterprise's responsible person"),
        intro=_("The enterprise's own person responsible for the facility. Contracting the facility out does not "
                "transfer this responsibility."),
        success=_("The enterprise's responsible person has been recorded."),
    )


# --- The two supervision lists ----------------------------------------------------------------------


def _list_page(request, template, rows_of, extra=None):
    filter_form = RegionFilterForm(request.GET, user=request.user)
    page_size = filter_form.rows_per_page()
    page_obj = Paginator(rows_of(filter_form.selected_region()), page_size).get_page(request.GET.get("page"))
    return render(request, template, {
        "filter_form": filter_form, "page_obj": page_obj, "page_size": page_size, "page_sizes": PAGE_SIZES,
        **(extra or {}),
    })


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def unowned(request):
    """Key facilities built or run by a third party without the enterprise's own responsible person."""
    def rows(region):
        facilities = reads.unowned_facilities(request.user, region)
        return [(facility, reads.profile_of(facility)) for facility in facilities]

    return _list_page(request, "facilities/unowned.html", rows, {
        "can_edit": services.can_record_operation(request.user),
    })


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def unowned_export(request):
    region = RegionFilterForm(request.GET, user=request.user).selected_region()
    workbook = unowned_workbook(reads.unowned_facilities(request.user, region))
    return xlsx_download(workbook, f"以包代管排查清单{_today_text()}.xlsx")


def _unrectified_rows(user, region, today):
    return [reads.unrectified_row(record, today) for record in reads.unrectified_records(user, region, today)]


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def unrectified(request):
    """Enforcement records with a violation or a penalty and no rectification, overdue first."""
    today = reads.local_today()
    return _list_page(
        request, "facilities/unrectified.html", lambda region: _unrectified_rows(request.user, region, today),
        {"today": today},
    )


@require_http_methods(["GET"])
@refused_by(_read_refusal)
def unrectified_export(request):
    region = RegionFilterForm(request.GET, user=request.user).selected_region()
    today = reads.local_today()
    rows = _unrectified_rows(request.user, region, today)
    return xlsx_download(unrectified_workbook(rows), f"以罚代管罚而不管排查清单{_today_text()}.xlsx")
