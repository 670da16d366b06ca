"""Forms of the expert pool pages. They only parse input; ``anhuan.experts.services`` checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anhuan.enterprises.models import Enterprise
from anhuan.experts.models import Specialty
from anhuan.organizations.models import Department, Region

YES_NO_ANY = [("", _("All")), ("1", _("Active")), ("0", _("Inactive"))]


class ExpertFilterForm(forms.Form):
    """The filter bar; every value travels in the query string."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, employer, title or phone"), "type": "search"}))
    department = forms.ChoiceField(label=_("Department"), required=False, choices=[("", _("All departments")), *Department.choices])
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All regions"))
    specialty = forms.ChoiceField(label=_("Specialty"), required=False, choices=[("", _("All specialties")), *Specialty.choices])
    active = forms.ChoiceField(label=_("Status"), required=False, choices=YES_NO_ANY)

    def criteria(self):
        """Return keyword arguments for ``services.list_experts``; invalid values count as unset."""
        self.is_valid()
        data = self.cleaned_data
        active = data.get("active")
        return {
            "department": data.get("department") or "",
            "region": data.get("region"),
            "specialty": data.get("specialty") or "",
            "keyword": data.get("q") or "",
            "active": None if not active else active == "1",
        }


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    department = forms.ChoiceField(label=_("Department"), choices=Department.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=_("Choose a region"))
    specialties = forms.MultipleChoiceField(label=_("Specialties"), choices=Specialty.choices, widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=_("Professional title"), max_length=50, required=False)
    employer_name = forms.CharField(
        label=_("Employer"), max_length=200, required=False,
        help_text=_("The organisation the expert works for; the expert never visits or reviews it."),
    )
    employer = forms.ModelChoiceField(
        label=_("Employer (supervised enterprise)"), queryset=Enterprise.objects.none(), required=False,
        help_text=_("Set it when the expert works for a supervised enterprise."), empty_label=_("None"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def __init__(self, *args, regions, enterprises, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["employer"].queryset = enterprises
        if department:
            # Staff manage only their own department's experts.
            self.fields["department"].choices = [(department, Department(department).label)]
            self.initial.setdefault("department", department)
        if len(regions) == 1:
            self.initial.setdefault("region", regions[0].pk)
