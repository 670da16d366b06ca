"""Forms of the register pages: the filter bar, the edit form and the import upload.

The edit form only parses and shows errors; saving goes through
``anhuan.sharing.services.registers``, which checks ownership, scope and the rules again.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import DomainError
from anhuan.enterprises.domain import credit_code as credit_codes
from anhuan.enterprises.models import Enterprise
from anhuan.enterprises.services import editable_regions
from anhuan.sharing import registry
from anhuan.sharing.models import ApprovalKind, EnforcementRecord, EnvFacility, FacilityStatus
from anhuan.sharing.services import registers

PAGE_SIZES = (20, 50, 100)
SORT_LABELS = {
    "-updated": gettext_lazy("Recently changed"),
    "-date": gettext_lazy("Date, newest first"),
    "date": gettext_lazy("Date, oldest first"),
    "enterprise": gettext_lazy("Enterprise name"),
    "region": gettext_lazy("Region"),
    "name": gettext_lazy("Facility name"),
}
ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".csv")
_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterFilterForm(forms.Form):
    """The list's filter bar; every value travels in the query string."""

    q = forms.CharField(label=gettext_lazy("Enterprise"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name or credit code"), "type": "search"}))
    region = forms.ModelChoiceField(label=gettext_lazy("Region"), queryset=None, required=False,
                                    empty_label=gettext_lazy("All regions"))
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=_DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=_DATE_WIDGET)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    page_size = forms.TypedChoiceField(label=gettext_lazy("Rows per page"), required=False, coerce=int,
                                       choices=[(size, size) for size in PAGE_SIZES], empty_value=PAGE_SIZES[0])

    def __init__(self, data, *, spec, user):
        super().__init__(data)
        self.spec = spec
        self.fields["region"].queryset = editable_regions(user)
        self.fields["sort"].choices = [(key, SORT_LABELS[key]) for key in spec.sorts]
        self.fields["date_from"].label = _("%(field)s from") % {"field": _field_label(spec.model, spec.date_field)}
        self.fields["date_to"].label = _("%(field)s to") % {"field": _field_label(spec.model, spec.date_field)}
        if spec.type_field:
            model_field = spec.model._meta.get_field(spec.type_field)
            label = capfirst(str(model_field.verbose_name))
            if model_field.choices:
                self.fields["record_type"] = forms.ChoiceField(
                    label=label, required=False, choices=[("", _("All")), *model_field.choices])
            else:
                self.fields["record_type"] = forms.CharField(label=label, required=False, max_length=100)
        if spec.has_status:
            if spec.model is EnforcementRecord:
                choices = registry.RectificationStatus.choices
                label = _("Rectification")
            else:
                choices = FacilityStatus.choices
                label = _("Status")
            self.fields["status"] = forms.ChoiceField(label=label, required=False, choices=[("", _("All")), *choices])
        # Keep page_size last; the template renders it beside the pagination.
        self.order_fields(["q", "region", "record_type", "status", "date_from", "date_to", "sort"])

    def criteria(self):
        """Return keyword arguments for registry.filter_records; invalid values count as unset."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "region": data.get("region"),
            "keyword": data.get("q") or "",
            "record_type": data.get("record_type") or "",
            "status": data.get("status") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "sort": data.get("sort") or self.spec.default_sort,
        }

    def rows_per_page(self):
        self.is_valid()
        return self.cleaned_data.get("page_size") or PAGE_SIZES[0]


def _field_label(model, name):
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _facility_type_help():
    """Name the facility types that are key now: the mechanism's five and those the administrator added."""
    from anhuan.sharing.models import EnvFacilityType, key_facility_types

    keys = key_facility_types()
    names = "、".join(str(label) for value, label in EnvFacilityType.choices if value in keys)
    return _("Key facilities: %(types)s.") % {"types": names}


_HELP_TEXTS = {
    "enterprise": gettext_lazy("The enterprise's 18-character unified social credit code; it must be registered in your region."),
    "approval_number": gettext_lazy("As printed on the approval, for example 邢环审〔2025〕12号."),
    "measure": gettext_lazy("Soft measures come first; a harder measure needs a stated reason."),
    "harder_measure_reason": gettext_lazy(
        "Required for an order to rectify, a warning, a fine or a suspension: why the soft measures would not do."),
    "amount": gettext_lazy("Required for a fine, in yuan."),
    "rectification_deadline": gettext_lazy(
        "Required when a violation is recorded or the measure is an order to rectify, a warning, a fine or a suspension."),
    "inspectors": gettext_lazy("Names of the inspectors, separated by 、."),
    "facility": gettext_lazy(
        "If the violation concerns an environmental facility, its name as in the environmental facility register."),
}


class RegisterRecordForm(forms.ModelForm):
    """Edit form of a register row; the subclass per register comes from ``record_form_class``."""

    enterprise = forms.CharField(label=gettext_lazy("Unified social credit code"), max_length=40)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is not None and not self.is_bound:
            self.initial["enterprise"] = self.instance.enterprise.credit_code
        self.fields["enterprise"].help_text = _HELP_TEXTS["enterprise"]
        for name, field in self.fields.items():
            if name in _HELP_TEXTS and name != "enterprise":
                field.help_text = _HELP_TEXTS[name]
            if name == "facility_type":
                field.help_text = _facility_type_help()
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if "facility" in self.fields:
            # Named like in the Excel file; clean() looks the name up among the enterprise's facilities.
            self.fields["facility"] = forms.CharField(
                label=self.fields["facility"].label, required=False, max_length=200, help_text=_HELP_TEXTS["facility"])
            if self.instance.pk is not None and self.instance.facility_id and not self.is_bound:
                self.initial["facility"] = self.instance.facility.name
        if "kind" in self.fields:
            kinds = set(registers.editable_approval_kinds(user))
            self.fields["kind"].choices = [(value, label) for value, label in ApprovalKind.choices if value in kinds]

    def clean_enterprise(self):
        code = credit_codes.normalize(self.cleaned_data["enterprise"])
        enterprise = Enterprise.objects.visible_to(self.user).filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("No enterprise with the credit code %(code)s is registered in your region.") % {"code": code or "—"})
        return enterprise

    def clean(self):
        cleaned = super().clean()
        if "facility" in self.fields:
            cleaned["facility"] = self._facility(cleaned.get("facility"), cleaned.get("enterprise"))
        return cleaned

    def _facility(self, name, enterprise):
        name = " ".join(str(name or "").split())
        if not name or enterprise is None:
            return None
        matches = list(EnvFacility.objects.visible_to(self.user).filter(enterprise=enterprise, name=name)[:2])
        if len(matches) != 1:
            self.add_error("facility", _(
                "%(enterprise)s has no facility named %(name)s in the environmental facility register; "
                "write the name as registered, or leave the field empty."
            ) % {"enterprise": enterprise.name, "name": name} if not matches else _(
                "%(enterprise)s has more than one facility named %(name)s; rename them in the environmental facility "
                "register first."
            ) % {"enterprise": enterprise.name, "name": name})
            return None
        return matches[0]

    def _post_clean(self):
        # The service validates the row with its own rules; the form's model validation would
        # need the region, agency and editor that only the service sets.
        pass

    def add_domain_error(self, error: DomainError):
        """Show a service's errors beside the fields they name, or above the form."""
        errors = error.fields.get("errors") or {}
        field = error.fields.get("field")
        # A message of several reasons (one per line, as the facility gate gives them) shows one item per reason.
        if errors:
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, _lines(message))
        elif field in self.fields:
            self.add_error(field, _lines(error.message))
        else:
            self.add_error(None, _lines(error.message))


def _lines(message):
    return str(message).splitlines() or [str(message)]


def record_form_class(spec):
    """Return the edit form class of a register, with its fields in the register's order."""
    fields = [name for name in spec.form_fields if name != "enterprise"]
    widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields
               if spec.model._meta.get_field(name).get_internal_type() == "TextField"}
    meta = type("Meta", (), {"model": spec.model, "fields": fields, "widgets": widgets})
    form_class = type(f"{spec.model.__name__}Form", (RegisterRecordForm,), {"Meta": meta})
    form_class.base_fields = {"enterprise": form_class.base_fields["enterprise"],
                              **{name: form_class.base_fields[name] for name in fields}}
    return form_class


class RegisterImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file"),
        help_text=gettext_lazy("Excel (.xlsx or .xls) or CSV in the template's layout, with a header row naming 统一社会信用代码."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Upload an .xlsx, .xls or .csv file."))
        limit = settings.IMPORT_MAX_FILE_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.") % {"limit": limit})
        return upload
