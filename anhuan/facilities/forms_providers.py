"""Forms of the provider pages and of the provider section of a key facility.

The forms only parse input and show errors; the services in
``anhuan.facilities.services.providers`` check permissions and rules again.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anhuan.core.errors import DomainError
from anhuan.enterprises.services import editable_regions
from anhuan.facilities.form_errors import show_domain_error
from anhuan.facilities.models import EvaluationKind, ProviderRole, Rating, ServiceProvider
from anhuan.organizations.models import Region

PAGE_SIZES = (20, 50, 100)
_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DomainErrorMixin:
    def add_domain_error(self, error: DomainError):
        """Show a service's error beside the field it names, or above the form."""
        show_domain_error(self, error)


class ProviderForm(DomainErrorMixin, forms.ModelForm):
    """Register or change a provider."""

    class Meta:
        model = ServiceProvider
        fields = ("name", "credit_code", "region", "qualification", "contact_person", "phone", "address")
        help_texts = {
            "credit_code": gettext_lazy("The 18-character code on the business licence (GB 32100-2015)."),
            "qualification": gettext_lazy("For example the operation qualification of pollution control facilities, and its grade."),
            "region": gettext_lazy("The county, district or development zone where the provider is registered."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["region"].empty_label = _("Choose a region")

    def _post_clean(self):
        # The service validates the code, its uniqueness and the phone with its own messages.
        pass


class ProviderFilterForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Keyword"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Name, credit code or contact person"), "type": "search"}),
    )
    page_size = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"), required=False, coerce=int, choices=[(size, size) for size in PAGE_SIZES],
        empty_value=PAGE_SIZES[0],
    )

    def keyword(self):
        self.is_valid()
        return self.cleaned_data.get("q") or ""

    def rows_per_page(self):
        self.is_valid()
        return self.cleaned_data.get("page_size") or PAGE_SIZES[0]


class RegionFilterForm(forms.Form):
    """The region filter of the unowned and unrectified lists."""

    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=None, required=False, empty_label=gettext_lazy("All regions")
    )
    page_size = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"), required=False, coerce=int, choices=[(size, size) for size in PAGE_SIZES],
        empty_value=PAGE_SIZES[0],
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.fields["region"].queryset = editable_regions(user)

    def selected_region(self):
        self.is_valid()
        return self.cleaned_data.get("region")

    def rows_per_page(self):
        self.is_valid()
        return self.cleaned_data.get("page_size") or PAGE_SIZES[0]


class EvaluationForm(DomainErrorMixin, forms.Form):
    """Record a performance evaluation or a violation of a provider."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=EvaluationKind.choices)
    evaluated_on = forms.DateField(label=gettext_lazy("Date"), widget=_DATE_WIDGET)
    rating = forms.ChoiceField(
        label=gettext_lazy("Rating"), required=False, choices=[("", "—"), *Rating.choices],
        help_text=gettext_lazy("Required for a performance evaluation; a violation takes none."),
    )
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    facility = forms.ModelChoiceField(
        label=gettext_lazy("Facility concerned"), queryset=None, required=False, empty_label="—",
        help_text=gettext_lazy("A key facility this provider builds or runs."),
    )
    enforcement = forms.ModelChoiceField(
        label=gettext_lazy("Enforcement record"), queryset=None, required=False, empty_label="—",
        help_text=gettext_lazy("For a violation: the enforcement record that dealt with it, if any."),
    )

    def __init__(self, data=None, *, provider, user, initial=None):
        from anhuan.sharing.models import EnforcementRecord, EnvFacility

        super().__init__(data, initial=initial)
        facilities = EnvFacility.objects.visible_to(user).filter(key_profile__provider=provider)
        self.fields["facility"].queryset = facilities.select_related("enterprise")
        self.fields["facility"].label_from_instance = lambda facility: f"{facility.enterprise.name} · {facility.name}"
        # Records with a violation or a penalty, of the enterprises whose facilities the provider serves.
        records = EnforcementRecord.objects.visible_to(user).filter(
            enterprise__in=facilities.values("enterprise")
        ).select_related("enterprise").order_by("-inspected_on", "-pk")
        self.fields["enforcement"].queryset = records
        self.fields["enforcement"].label_from_instance = lambda record: (
            f"{record.inspected_on:%Y-%m-%d} · {record.enterprise.name} · {record.get_measure_display()}"
        )


class OperationForm(DomainErrorMixin, forms.Form):
    """Record the provider of a key facility and its role."""

    provider = forms.ModelChoiceField(
        label=gettext_lazy("Third-party service provider"), queryset=ServiceProvider.objects.all(), required=False,
        empty_label=gettext_lazy("None (the enterprise builds and runs it itself)"),
        help_text=gettext_lazy("If the provider is not in the list, the ecology and environment department registers it first."),
    )
    provider_role = forms.ChoiceField(
        label=gettext_lazy("Provider's role"), required=False, choices=[("", "—"), *ProviderRole.choices]
    )


class ResponsibleForm(DomainErrorMixin, forms.Form):
    """Record the enterprise's own person responsible for a key facility."""

    responsible_person = forms.CharField(
        label=gettext_lazy("Enterprise's responsible person"), required=False, max_length=50,
        help_text=gettext_lazy(
            "A person of the enterprise itself, even when a third party builds or runs the facility. "
            "Leave both fields empty to clear them."
        ),
    )
    responsible_phone = forms.CharField(label=gettext_lazy("Responsible person's phone"), required=False, max_length=30)
