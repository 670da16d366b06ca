"""Forms of the enterprise pages: the list's filter bar and the edit form."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from anhuan.core.errors import DomainError
from anhuan.enterprises import services
from anhuan.enterprises.models import Enterprise, EnterpriseCategory, PerformanceGrade
from anhuan.enterprises.queries import DEFAULT_SORT, FLAG_FIELDS
from anhuan.organizations.models import Region

PAGE_SIZES = (20, 50, 100)
YES_NO_ANY = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]
SORT_CHOICES = [
    ("region", _("Region")),
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
    ("credit_code", _("Credit code")),
    ("grade", _("Performance grade")),
    ("-updated", _("Recently changed")),
]


class EnterpriseFilterForm(forms.Form):
    """The filter bar; every value travels in the query string so a filtered list can be bookmarked."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or credit code"), "type": "search"}))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("All regions"))
    grade = forms.ChoiceField(label=_("Performance grade"), required=False,
                              choices=[("", _("All grades")), *PerformanceGrade.choices])
    category = forms.ChoiceField(label=_("Control category"), required=False,
                                 choices=[("", _("All categories")), *EnterpriseCategory.choices])
    whitelisted = forms.ChoiceField(label=_("Whitelist"), required=False, choices=YES_NO_ANY)
    non_interruptible = forms.ChoiceField(label=_("Non-interruptible"), required=False, choices=YES_NO_ANY)
    guaranteed = forms.ChoiceField(label=_("Guaranteed"), required=False, choices=YES_NO_ANY)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    page_size = forms.TypedChoiceField(label=_("Rows per page"), required=False, coerce=int,
                                       choices=[(size, size) for size in PAGE_SIZES], empty_value=PAGE_SIZES[0])

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["region"].queryset = services.editable_regions(user)

    def criteria(self):
        """Return keyword arguments for queries.list_enterprises; invalid values count as unset."""
        self.is_valid()
        data = self.cleaned_data
        criteria = {
            "region": data.get("region"),
            "grade": data.get("grade") or "",
            "category": data.get("category") or "",
            "keyword": data.get("q") or "",
            "sort": data.get("sort") or DEFAULT_SORT,
        }
        for name in FLAG_FIELDS:
            value = data.get(name)
            criteria[name] = None if not value else value == "1"
        return criteria

    def page_size(self):
        self.is_valid()
        return self.cleaned_data.get("page_size") or PAGE_SIZES[0]


class EnterpriseForm(forms.ModelForm):
    """Registry data of one enterprise. Saving goes through the services, never ``form.save()``."""

    credit_code = forms.CharField(
        label=capfirst(Enterprise._meta.get_field("credit_code").verbose_name),
        max_length=40,
        help_text=_("18 characters on the business licence. Spaces, full-width and lower-case letters are corrected."),
    )

    class Meta:
        model = Enterprise
        fields = services.EDITABLE_FIELDS
        help_texts = {
            "name": _("The name on the business licence."),
            "region": _("The county-level region where the enterprise is located; it decides who supervises it."),
            "industry_name": _("For example 平板玻璃 or 焦化."),
            "category": _("The control category on the emergency reduction list."),
            "performance_grade": _("Environmental performance grade of key industries; A and leading take autonomous measures."),
            "whitelisted": _("On the ecology-environment supervision whitelist; takes autonomous measures."),
            "non_interruptible": _("Steel, chemical, pharmaceutical or other continuous processes that must not be halted ad hoc."),
            "guaranteed": _("Guaranteed enterprise whose load follows its approved maximum."),
            "contact_phone": _("A mobile or landline number, for example 0319-2222222."),
        }
        widgets = {"address": forms.TextInput(attrs={"size": 60}), "name": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = services.editable_regions(user)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = _("Choose a region")
        if self.instance.pk is None and len(regions) == 1:
            # County staff can only pick their own region.
            self.initial.setdefault("region", regions[0].pk)

    def _validated(self, name, validator):
        # The services' validators, so the form and every other caller report the same words.
        try:
            return validator(self.cleaned_data[name])
        except DomainError as error:
            raise forms.ValidationError(str(error.message), code=error.code) from error

    def clean_credit_code(self):
        return self._validated("credit_code", services.validate_credit_code)

    def clean_industry_code(self):
        return self._validated("industry_code", services.validate_industry_code)

    def clean_contact_phone(self):
        return self._validated("contact_phone", services.validate_phone)

    def validate_unique(self):
        # The service reports a duplicate credit code with a message that names the code.
        pass

    def add_domain_error(self, error):
        """Show a service's error beside the field it names, or above the form."""
        field = error.fields.get("field")
        self.add_error(field if field in self.fields else None, str(error.message))
