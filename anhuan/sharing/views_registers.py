"""Pages of the four shared registers: list, detail, add, edit, delete, import, export and template.

One set of views serves every register; ``anhuan.sharing.registry`` declares what each shows.
Staff and experts of both departments read the rows in their scope; enterprise contacts and
administrators get 403. Officers and leaders of the owning department change rows (403 for
others), and a row outside the reader's scope answers 404.
"""

import datetime as dt
import decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anhuan.core.errors import DomainError, NotPermitted, OutOfScope
from anhuan.core.history import history_rows
from anhuan.core.timeutil import SHANGHAI
from anhuan.organizations.models import Role
from anhuan.pollution.importing.errors import ImportRejected
from anhuan.sharing import registry
from anhuan.sharing.exporting import register_workbook, template_workbook
from anhuan.sharing.forms import PAGE_SIZES, RegisterFilterForm, RegisterImportForm, record_form_class
from anhuan.sharing.importing import import_register
from anhuan.sharing.models import EnforcementRecord
from anhuan.sharing.services import registers

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_LIMIT = 100
RECTIFICATION_TAGS = {
    registry.RectificationStatus.RECTIFIED: "tag-green",
    registry.RectificationStatus.PENDING: "tag-yellow",
    registry.RectificationStatus.OVERDUE: "tag-red",
    registry.RectificationStatus.NOT_REQUIRED: "tag-grey",
}


def _spec(register):
    spec = registry.SPECS.get(register)
    if spec is None:
        raise Http404(_("Register not found."))
    return spec


def _forbidden(request, message):
    return render(request, "403.html", {"message": message}, status=403)


def _read_refusal(user):
    """Return why the user may not read registers, or None if they may."""
    if registers.can_read(user):
        return None
    if user.role == Role.ENTERPRISE:
        return _("Enterprise contacts do not see the shared registers of the bureaus.")
    return _("Administrators manage the system and do not see supervised data.")


def _edit_refusal(spec):
    return registers.owner_message(spec.model)


def _label(model, name):
    return capfirst(str(model._meta.get_field(name).verbose_name))


def display_value(record, name):
    """Render one field of a row for a page: choice labels, 是/否, dates as 2025-12-01, '—' for nothing."""
    value = getattr(record, name)
    field = type(record)._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return getattr(record, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, decimal.Decimal):
        return f"{value:,.2f}"
    return str(value)


def _decorate(spec, record):
    # An enforcement record's own name already starts with the enterprise.
    record.heading = str(record) if isinstance(record, EnforcementRecord) else f"{record.enterprise.name} · {record}"
    # (text, CSS class) per list column; a key facility is marked with a tag, not colour alone.
    record.cells = [
        (display_value(record, name), "tag tag-orange" if name == "is_key" and record.is_key else "")
        for name in spec.list_fields
    ]
    if isinstance(record, EnforcementRecord):
        record.rectification = registry.rectification_status(record)
        record.rectification_label = dict(registry.RectificationStatus.choices)[record.rectification]
        record.rectification_tag = RECTIFICATION_TAGS[record.rectification]
    return record


def _filtered(request, spec):
    filter_form = RegisterFilterForm(request.GET, spec=spec, user=request.user)
    queryset = spec.model.objects.visible_to(request.user)
    if spec.model is EnforcementRecord:
        queryset = queryset.select_related("agency", "facility")
    return filter_form, registry.filter_records(spec, queryset, **filter_form.criteria())


def _context(spec, **values):
    return {"spec": spec, "register": spec.slug, **values}


@require_http_methods(["GET"])
def register_list(request, register):
    spec = _spec(register)
    refusal = _read_refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)

    filter_form, records = _filtered(request, spec)
    page_size = filter_form.rows_per_page()
    page_obj = Paginator(records, page_size).get_page(request.GET.get("page"))
    for record in page_obj:
        _decorate(spec, record)

    return render(request, "sharing/registers/list.html", _context(
        spec,
        filter_form=filter_form,
        page_obj=page_obj,
        page_size=page_size,
        page_sizes=PAGE_SIZES,
        headers=[_label(spec.model, name) for name in spec.list_fields],
        can_edit=registers.can_edit(request.user, spec.model),
        registers_nav=registry.SPECS.values(),
    ))


@require_http_methods(["GET"])
def register_detail(request, register, pk):
    spec = _spec(register)
    refusal = _read_refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)
    record = _decorate(spec, spec.model.objects.select_related("enterprise", "region").get_for_user(request.user, pk=pk))

    return render(request, "sharing/registers/detail.html", _context(
        spec,
        record=record,
        facts=[(_label(spec.model, name), display_value(record, name)) for name in spec.detail_fields],
        history=history_rows(record, limit=HISTORY_LIMIT),
        can_edit=registers.can_edit(request.user, record),
    ))


def _save(request, spec, form, record=None):
    """Call the service with the form's values; return the saved row, or None with the errors on the form."""
    try:
        if record is None:
            return registers.create_record(spec.model, actor=request.user, **form.cleaned_data)
        return registers.update_record(record, actor=request.user, **form.cleaned_data)
    except NotPermitted as error:
        if error.fields.get("field") in form.fields:
            form.add_domain_error(error)
            return None
        raise
    except DomainError as error:
        form.add_domain_error(error)
        return None


@require_http_methods(["GET", "POST"])
def register_create(request, register):
    spec = _spec(register)
    if not registers.can_edit(request.user, spec.model):
        return _forbidden(request, _read_refusal(request.user) or _edit_refusal(spec))

    form = record_form_class(spec)(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = _save(request, spec, form)
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        if record is not None:
            messages.success(request, _("The record has been added."))
            return redirect("sharing:register-detail", register=spec.slug, pk=record.pk)

    return render(request, "sharing/registers/form.html", _context(spec, form=form, record=None))


def _editable_record(request, spec, pk):
    """Return (record, None) for a row the user may change, or (None, 403 response); 404 outside scope."""
    refusal = _read_refusal(request.user)
    if refusal:
        return None, _forbidden(request, refusal)
    record = spec.model.objects.select_related("enterprise", "region").get_for_user(request.user, pk=pk)
    if not registers.can_edit(request.user, record):
        return None, _forbidden(request, _edit_refusal(spec))
    return _decorate(spec, record), None


@require_http_methods(["GET", "POST"])
def register_edit(request, register, pk):
    spec = _spec(register)
    record, refusal = _editable_record(request, spec, pk)
    if refusal:
        return refusal

    form = record_form_class(spec)(request.POST or None, instance=record, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, spec, form, record)
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        if saved is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect("sharing:register-detail", register=spec.slug, pk=record.pk)

    return render(request, "sharing/registers/form.html", _context(spec, form=form, record=record))


@require_http_methods(["GET", "POST"])
def register_delete(request, register, pk):
    spec = _spec(register)
    record, refusal = _editable_record(request, spec, pk)
    if refusal:
        return refusal

    if request.method == "POST":
        try:
            registers.delete_record(record, actor=request.user)
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        except OutOfScope as error:
            raise Http404(str(error.message)) from error
        messages.success(request, _("The record has been deleted."))
        return redirect("sharing:register-list", register=spec.slug)

    return render(request, "sharing/registers/delete.html", _context(
        spec, record=record, facts=[(_label(spec.model, name), display_value(record, name)) for name in spec.detail_fields]))


@require_http_methods(["GET", "POST"])
def register_import(request, register):
    spec = _spec(register)
    if not registers.can_edit(request.user, spec.model):
        return _forbidden(request, _read_refusal(request.user) or _edit_refusal(spec))

    form = RegisterImportForm(request.POST or None, request.FILES or None)
    rejected = result = None
    dry_run = request.POST.get("action") == "check"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_register(spec, upload.read(), upload.name, actor=request.user, dry_run=dry_run)
        except ImportRejected as error:
            rejected = error
        except NotPermitted as error:
            return _forbidden(request, str(error.message))
        else:
            if not dry_run:
                messages.success(request, _("%(file)s imported: %(created)s added, %(updated)s updated.") % {
                    "file": result.file_name, "created": result.created, "updated": result.updated,
                })
                return redirect("sharing:register-list", register=spec.slug)

    return render(request, "sharing/registers/import.html", _context(
        spec, form=form, rejected=rejected, checked=result if dry_run else None,
        columns=spec.import_columns,
    ))


def _download(content, file_name):
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response


@require_http_methods(["GET"])
def register_export(request, register):
    """Send the list as filtered on screen, every page of it, as an .xlsx download."""
    spec = _spec(register)
    refusal = _read_refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)
    _filter_form, records = _filtered(request, spec)
    today = timezone.now().astimezone(SHANGHAI).strftime("%Y-%m-%d")
    # Chinese file names are data, like the column labels.
    return _download(register_workbook(spec, records), f"{spec.file_title}{today}.xlsx")


@require_http_methods(["GET"])
def register_template(request, register):
    spec = _spec(register)
    refusal = _read_refusal(request.user)
    if refusal:
        return _forbidden(request, refusal)
    return _download(template_workbook(spec), f"{spec.file_title}导入模板.xlsx")
